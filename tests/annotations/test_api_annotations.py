import threading

import pytest
from django.db import connection

from annotations.models import Annotation, HistoryEntry
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db


def span(text, quote):
    start = text.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


def test_highlighting_the_same_words_again_gives_back_the_same_claim(api_client):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    body = {"article": article.id, **span(EMOJI_TEXT, "prices rose 12%"), "claim": "Prices rose 12% in 2024"}
    api_client.force_authenticate(desk.annotator)
    first = api_client.post("/api/v1/annotations/", body, format="json")
    assert first.status_code == 201
    assert first.json()["status"] == "needs_review"
    assert first.json()["version"] == 1
    assert first["ETag"] == f'"annotation-{first.json()["id"]}-v1"'
    api_client.force_authenticate(desk.reviewers[0])
    second = api_client.post("/api/v1/annotations/", body, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert Annotation.objects.count() == 1


def test_overlapping_and_nested_spans_are_separate_claims(api_client):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    api_client.force_authenticate(desk.annotator)
    for quote in ["prices rose 12% in 2024", "rose 12%", "said 😀 prices"]:
        response = api_client.post(
            "/api/v1/annotations/", {"article": article.id, **span(EMOJI_TEXT, quote)}, format="json"
        )
        assert response.status_code == 201
    assert Annotation.objects.count() == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quote": "prices rose 13%"}, "quote"),
        ({"start": 40, "end": 40}, "end"),
        ({"start": 45, "end": 40}, "end"),
        ({"start": 10_000, "end": 10_010}, "start"),
        ({"end": 10_000}, "end"),
        ({"start": -1}, "start"),
        ({"start": "3"}, "start"),
        ({"start": 3.0}, "start"),
        ({"end": True}, "end"),
        ({"prefix": "nothing like it"}, "prefix"),
        ({"suffix": "nothing like it"}, "suffix"),
        ({"claim": "c" * 2001}, "claim"),
        ({"tags": ["t" * 65]}, "tags"),
        ({"article": "seven"}, "article"),
        ({"quote": ""}, "quote"),
    ],
)
def test_bad_spans_are_400_naming_the_field_and_change_nothing(api_client, change, field):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    body = {"article": article.id, **span(EMOJI_TEXT, "prices rose 12%"), **change}
    api_client.force_authenticate(desk.annotator)
    response = api_client.post("/api/v1/annotations/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Annotation.objects.count() == 0
    assert HistoryEntry.objects.count() == 0


def test_unknown_and_invisible_articles_are_404(api_client):
    desk = make_desk()
    theirs = make_article(make_desk(), text=EMOJI_TEXT)
    api_client.force_authenticate(desk.annotator)
    for article_id in (theirs.id, 999_999):
        body = {"article": article_id, **span(EMOJI_TEXT, "prices rose 12%")}
        assert api_client.post("/api/v1/annotations/", body, format="json").status_code == 404
    assert Annotation.objects.count() == 0


def test_given_prefix_and_suffix_must_match_and_are_otherwise_computed(api_client):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    body = {
        "article": article.id,
        **span(EMOJI_TEXT, "prices rose 12%"),
        "prefix": "said 😀 ",
        "suffix": " in 2024.",
    }
    api_client.force_authenticate(desk.annotator)
    response = api_client.post("/api/v1/annotations/", body, format="json")
    assert response.status_code == 201
    assert response.json()["prefix"] == "Café owners in 서울 said 😀 "
    assert response.json()["suffix"] == " in 2024.\n\nThe mayor denied it."


def test_stale_if_match_is_412_and_changes_nothing(api_client):
    desk = make_desk()
    annotation = make_annotation(desk, claim="Old claim")
    api_client.force_authenticate(desk.annotator)
    url = f"/api/v1/annotations/{annotation.id}/"
    etag = api_client.get(url)["ETag"]
    first = api_client.patch(
        url, {"claim": "New claim", "tags": ["economy"]}, format="json", HTTP_IF_MATCH=etag
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert first.json()["tags"] == ["economy"]
    assert first["ETag"] != etag
    stale = api_client.patch(url, {"claim": "Lost update"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "detail" in stale.json()
    stale_body = api_client.patch(url, {"claim": "Lost update", "version": 1}, format="json")
    assert stale_body.status_code == 412
    assert api_client.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    annotation.refresh_from_db()
    assert (annotation.claim, annotation.version) == ("New claim", 2)


def test_only_the_author_and_editors_change_or_delete_an_annotation(api_client):
    desk = make_desk()
    annotation = make_annotation(desk)
    url = f"/api/v1/annotations/{annotation.id}/"
    api_client.force_authenticate(desk.reviewers[0])
    assert api_client.patch(url, {"claim": "mine now"}, format="json").status_code == 403
    assert api_client.delete(url).status_code == 403
    api_client.force_authenticate(desk.editor)
    assert api_client.patch(url, {"claim": "Edited by the editor"}, format="json").status_code == 200
    annotation.refresh_from_db()
    assert annotation.claim == "Edited by the editor"


def test_authors_cannot_delete_judged_claims_but_editors_can_and_it_is_recorded(api_client):
    desk = make_desk()
    annotation = make_annotation(desk)
    make_verdict(desk, annotation=annotation)
    url = f"/api/v1/annotations/{annotation.id}/"
    api_client.force_authenticate(desk.annotator)
    response = api_client.delete(url)
    assert response.status_code == 409
    assert Annotation.objects.filter(pk=annotation.pk).exists()
    api_client.force_authenticate(desk.editor)
    assert api_client.delete(url).status_code == 204
    assert not Annotation.objects.filter(pk=annotation.pk).exists()
    deletion = HistoryEntry.objects.get(object_type="annotation", object_id=annotation.id, action="delete")
    assert deletion.actor == desk.editor
    assert deletion.before["quote"] == annotation.quote
    assert deletion.before["verdicts"] == 1


def test_once_judged_only_an_editor_changes_the_claim_text_and_reviewers_can_see_when(api_client):
    """After a verdict the author may not reword the claim (409, nothing changes) but may retag it;
    an editor may, which is recorded and dated later than the verdict it came after."""
    desk = make_desk()
    annotation = make_annotation(desk, claim="Prices rose 12%")
    verdict = make_verdict(desk, annotation=annotation)
    url = f"/api/v1/annotations/{annotation.id}/"
    api_client.force_authenticate(desk.annotator)
    response = api_client.patch(url, {"claim": "Prices fell"}, format="json")
    assert response.status_code == 409
    assert "only an editor" in response.json()["claim"][0]
    annotation.refresh_from_db()
    assert (annotation.claim, annotation.version, annotation.claim_changed_at) == ("Prices rose 12%", 1, None)
    response = api_client.patch(url, {"claim": "Prices rose 12%", "tags": ["economy"]}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["tags"], response.json()["claim_changed_at"]) == (["economy"], None)

    api_client.force_authenticate(desk.editor)
    response = api_client.patch(url, {"claim": "Consumer prices rose 12% in 2024"}, format="json")
    assert response.status_code == 200, response.content
    annotation.refresh_from_db()
    assert annotation.claim == "Consumer prices rose 12% in 2024"
    assert annotation.claim_changed_at > verdict.created_at
    api_client.force_authenticate(desk.reviewers[0])
    shown = api_client.get(url).json()
    assert shown["claim_changed_at"] == annotation.claim_changed_at.isoformat().replace("+00:00", "Z")
    assert shown["claim_changed_at"] > shown["verdicts"][0]["created_at"]
    change = HistoryEntry.objects.filter(object_type="annotation", object_id=annotation.id).last()
    assert (change.actor, change.before["claim"], change.after["claim"]) == (
        desk.editor,
        "Prices rose 12%",
        "Consumer prices rose 12% in 2024",
    )


def test_before_any_verdict_the_author_rewords_the_claim_freely(api_client):
    """Without verdicts a changed claim text marks nothing: nobody judged the old one."""
    desk = make_desk()
    annotation = make_annotation(desk, claim="First")
    api_client.force_authenticate(desk.annotator)
    response = api_client.patch(f"/api/v1/annotations/{annotation.id}/", {"claim": "Second"}, format="json")
    assert response.status_code == 200
    assert (response.json()["claim"], response.json()["claim_changed_at"]) == ("Second", None)


def test_creating_and_changing_an_annotation_is_recorded_with_before_and_after(api_client):
    desk = make_desk()
    annotation = make_annotation(desk, claim="First")
    api_client.force_authenticate(desk.annotator)
    api_client.patch(f"/api/v1/annotations/{annotation.id}/", {"claim": "Second"}, format="json")
    history = api_client.get(f"/api/v1/history/?object=annotation:{annotation.id}").json()["results"]
    assert [entry["action"] for entry in history] == ["create", "update"]
    assert history[1]["before"]["claim"] == "First"
    assert history[1]["after"]["claim"] == "Second"
    assert history[1]["actor"] == desk.annotator.username
    assert api_client.get("/api/v1/history/?object=annotation-12").status_code == 400


def test_annotation_filters(api_client):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    tagged = make_annotation(
        desk, article=article, quote="prices rose 12%", tags=["economy"], claim="Inflation"
    )
    judged = make_annotation(desk, article=article, quote="The mayor denied it.")
    make_verdict(desk, annotation=judged, reviewer=desk.reviewers[0], rating="false")
    make_verdict(desk, annotation=judged, reviewer=desk.reviewers[1], rating="false")
    api_client.force_authenticate(desk.editor)

    def ids(query):
        response = api_client.get(f"/api/v1/annotations/?{query}")
        assert response.status_code == 200, response.content
        return [a["id"] for a in response.json()["results"]]

    assert ids("tag=economy") == [tagged.id]
    assert ids("q=inflation") == [tagged.id]
    assert ids("status=agreed") == [judged.id]
    assert ids("status=needs_review&status=agreed") == [tagged.id, judged.id]
    assert ids("rating=false") == [judged.id]
    assert ids(f"reviewer={desk.reviewers[1].username}") == [judged.id]
    assert ids(f"article={article.id}&ordering=-start") == [judged.id, tagged.id]
    assert ids("created_after=2000-01-01T00:00:00Z") == [tagged.id, judged.id]
    assert api_client.get("/api/v1/annotations/?status=maybe").status_code == 400
    assert api_client.get("/api/v1/annotations/?ordering=quote").status_code == 400


def test_annotation_list_and_detail_run_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    desk = make_desk()
    article = make_article(desk, text=" ".join(f"Claim {i} is checkable." for i in range(15)))
    for i in range(15):
        annotation = make_annotation(desk, article=article, quote=f"Claim {i} is", tags=["a", "b"])
        make_verdict(
            desk, annotation=annotation, evidence=[{"url": f"https://example.org/{i}", "stance": "supports"}]
        )
    api_client.force_authenticate(desk.editor)
    with django_assert_max_num_queries(6):
        response = api_client.get("/api/v1/annotations/?page_size=100")
    assert response.json()["count"] == 15
    assert len(response.json()["results"][3]["verdicts"][0]["evidence"]) == 1
    with django_assert_max_num_queries(6):
        assert api_client.get(f"/api/v1/annotations/{annotation.id}/").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL's row locks")
def test_concurrent_highlights_of_the_same_words_make_one_claim():
    from annotations.services.annotations import create_annotation

    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    barrier = threading.Barrier(4)
    results = []

    def highlight(user):
        try:
            barrier.wait()
            results.append(
                create_annotation(author=user, article_id=article.id, **span(EMOJI_TEXT, "prices rose 12%"))
            )
        finally:
            connection.close()

    users = [desk.annotator, desk.editor, *desk.reviewers]
    threads = [threading.Thread(target=highlight, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({annotation.id for annotation, _created in results}) == 1
    assert sum(created for _annotation, created in results) == 1
    assert Annotation.objects.count() == 1


def test_marking_the_same_words_records_a_second_highlighter_for_span_agreement(api_client):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    body = {"article": article.id, **span(EMOJI_TEXT, "prices rose 12%")}
    for user in (desk.annotator, desk.reviewers[0], desk.reviewers[0]):
        api_client.force_authenticate(user)
        api_client.post("/api/v1/annotations/", body, format="json")
    claim = Annotation.objects.get()
    assert sorted(claim.highlights.values_list("user__username", flat=True)) == sorted(
        [desk.annotator.username, desk.reviewers[0].username]
    )
    api_client.force_authenticate(desk.editor)
    spans = api_client.get(f"/api/v1/agreement/?project={desk.project.id}").json()["spans"]
    assert (spans["exact"], spans["overlap"]) == (1.0, 1.0)
