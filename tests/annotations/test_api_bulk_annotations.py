import pytest

from annotations.models import Annotation, Disagreement, Evidence, HistoryEntry, Verdict
from sources.models import Source
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db

TEXT = " ".join(f"Claim {i} says {i * 7} things." for i in range(120))


def item(article, quote, text=TEXT, **extra):
    start = text.index(quote)
    return {"article": article.id, "start": start, "end": start + len(quote), "quote": quote, **extra}


def judged(rating="false", url="https://stats.example.org/t?utm_medium=x"):
    return {"rating": rating, "confidence": "high", "evidence": [{"url": url, "stance": "refutes"}]}


def test_bulk_loads_claims_with_verdicts_and_evidence(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    items = [item(article, f"Claim {i} says", tags=["bulk"], verdict=judged()) for i in range(10)]
    items.append(item(article, "Claim 99 says"))
    api_client.force_authenticate(desk.reviewers[0])
    response = api_client.post("/api/v1/annotations/bulk/", {"annotations": items}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [a["quote"] for a in body] == [i["quote"] for i in items]
    assert body[0]["tags"] == ["bulk"]
    assert body[0]["verdicts"][0]["evidence"][0]["url"] == "https://stats.example.org/t"
    assert (Annotation.objects.count(), Verdict.objects.count(), Evidence.objects.count()) == (11, 10, 10)
    assert Source.objects.count() == 1
    assert HistoryEntry.objects.filter(object_type="annotation", action="create").count() == 11
    assert HistoryEntry.objects.filter(object_type="verdict").count() == 10
    assert HistoryEntry.objects.filter(object_type="evidence").count() == 10


def test_bulk_reuses_existing_spans_and_updates_status(api_client):
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    existing = make_annotation(desk, article=article, quote="prices rose 12%")
    make_verdict(desk, annotation=existing, reviewer=desk.reviewers[0], rating="false")
    api_client.force_authenticate(desk.reviewers[1])
    items = [
        item(article, "prices rose 12%", EMOJI_TEXT, verdict=judged("false")),
        item(article, "서울", EMOJI_TEXT),
    ]
    response = api_client.post("/api/v1/annotations/bulk/", {"annotations": items}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()[0]["id"] == existing.id
    assert response.json()[0]["status"] == "agreed"
    assert response.json()[0]["final_rating"] == "false"
    assert response.json()[1]["quote"] == "서울"


def test_bulk_costs_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    items = [
        item(article, f"Claim {i} says", tags=["a", "b"], verdict=judged(url=f"https://e.org/{i}"))
        for i in range(100)
    ]
    api_client.force_authenticate(desk.reviewers[0])
    with django_assert_max_num_queries(40):
        response = api_client.post("/api/v1/annotations/bulk/", {"annotations": items}, format="json")
    assert response.status_code == 201, response.content
    assert Verdict.objects.count() == 100


def test_bulk_is_all_or_nothing_naming_every_bad_item(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    items = [
        item(article, "Claim 1 says"),
        {**item(article, "Claim 2 says"), "quote": "Claim 2 SAYS"},
        item(article, "Claim 3 says"),
        {**item(article, "Claim 4 says"), "end": 10**6},
    ]
    api_client.force_authenticate(desk.annotator)
    response = api_client.post("/api/v1/annotations/bulk/", {"annotations": items}, format="json")
    assert response.status_code == 400
    errors = response.json()["annotations"]
    assert {position: sorted(fields) for position, fields in errors.items()} == {"1": ["quote"], "3": ["end"]}
    assert Annotation.objects.count() == 0


def test_bulk_input_errors_name_their_position(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    items = [item(article, "Claim 1 says"), {**item(article, "Claim 2 says"), "verdict": {"rating": "nah"}}]
    api_client.force_authenticate(desk.reviewers[0])
    response = api_client.post("/api/v1/annotations/bulk/", {"annotations": items}, format="json")
    assert response.status_code == 400
    assert list(response.json()["annotations"]) == ["1"]
    assert "verdict" in response.json()["annotations"]["1"]
    response = api_client.post("/api/v1/annotations/bulk/", {"annotations": [items[0]] * 501}, format="json")
    assert response.status_code == 400
    assert Annotation.objects.count() == 0


def test_bulk_verdicts_need_the_reviewer_role_and_no_earlier_verdict(api_client):
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    api_client.force_authenticate(desk.annotator)
    response = api_client.post(
        "/api/v1/annotations/bulk/",
        {"annotations": [item(article, "Claim 1 says", verdict=judged())]},
        format="json",
    )
    assert response.status_code == 403
    claim = make_annotation(desk, article=article, quote="Claim 2 says")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0])
    api_client.force_authenticate(desk.reviewers[0])
    items = [item(article, "Claim 1 says", verdict=judged()), item(article, "Claim 2 says", verdict=judged())]
    response = api_client.post("/api/v1/annotations/bulk/", {"annotations": items}, format="json")
    assert response.status_code == 409
    assert list(response.json()["annotations"]) == ["1"]
    assert Annotation.objects.count() == 1
    assert Verdict.objects.count() == 1


def test_bulk_items_naming_invisible_articles_are_404(api_client):
    desk = make_desk()
    mine = make_article(desk, text=TEXT)
    theirs = make_article(make_desk(), text=TEXT)
    api_client.force_authenticate(desk.annotator)
    items = [item(mine, "Claim 1 says"), item(theirs, "Claim 1 says")]
    assert (
        api_client.post("/api/v1/annotations/bulk/", {"annotations": items}, format="json").status_code == 404
    )
    assert Annotation.objects.count() == 0


def five_claims(article, ratings):
    return [
        item(
            article,
            f"Claim {i} says {i * 7} things.",
            verdict=judged(rating, url=f"https://stats.example.org/t/{i}"),
        )
        for i, rating in enumerate(ratings)
    ]


def test_two_reviewers_five_claims_each_in_a_fixed_handful_of_queries(
    api_client, django_assert_max_num_queries
):
    """The benchmark's write (bench/server.py): a reviewer's 5 new claims with verdicts and evidence,
    then a second reviewer's verdicts on the same 5 spans, one of them disagreeing. The articles with
    the caller's role, the spans, the verdicts on the claims and the open disagreements are read once
    each, every kind of row is inserted once, history in one insert; the answer takes 4 reads (the
    counts include the savepoints of the transaction and of find_or_create_sources)."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    first, second = desk.reviewers
    api_client.force_authenticate(first)
    # 20: the five sources are new, which costs an insert and a read more (find_or_create_sources).
    with django_assert_max_num_queries(20):
        response = api_client.post(
            "/api/v1/annotations/bulk/", {"annotations": five_claims(article, ["false"] * 5)}, format="json"
        )
    assert response.status_code == 201, response.content
    api_client.force_authenticate(second)
    # 19: a disagreement opens and the statuses change, an insert and an update more.
    with django_assert_max_num_queries(19):
        response = api_client.post(
            "/api/v1/annotations/bulk/",
            {"annotations": five_claims(article, ["true"] + ["false"] * 4)},
            format="json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [claim["status"] for claim in body] == ["disputed"] + ["agreed"] * 4
    assert [claim["final_rating"] for claim in body] == [None] + ["false"] * 4
    # The second reviewer has judged now: both verdicts show, with their evidence.
    assert [sorted(v["reviewer"] for v in claim["verdicts"]) for claim in body] == [
        sorted([first.username, second.username])
    ] * 5
    assert all(
        v["evidence"][0]["url"].startswith("https://stats.example.org/t/") for v in body[0]["verdicts"]
    )
    assert Verdict.objects.filter(independent=True).count() == 10
    assert HistoryEntry.objects.filter(object_type="annotation", action="create").count() == 5
    assert HistoryEntry.objects.filter(object_type="verdict").count() == 10
    assert HistoryEntry.objects.filter(object_type="evidence").count() == 10
    assert Disagreement.objects.filter(kind="verdict", status="open").count() == 1


def test_bulk_verdict_with_others_in_view_is_not_independent(api_client):
    """An editor (who sees every verdict) judging a claim a reviewer judged gives a verdict that is
    kept but not independent; on a claim no one judged yet, it is independent."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    judged_claim = make_annotation(desk, article=article, quote="Claim 1 says")
    make_verdict(desk, annotation=judged_claim, rating="false")
    api_client.force_authenticate(desk.editor)
    response = api_client.post(
        "/api/v1/annotations/bulk/",
        {
            "annotations": [
                item(article, "Claim 1 says", verdict=judged("true")),
                item(article, "Claim 2 says", verdict=judged("true")),
            ]
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    mine = {v.annotation.quote: v.independent for v in Verdict.objects.filter(reviewer=desk.editor)}
    assert mine == {"Claim 1 says": False, "Claim 2 says": True}
    # The dependent verdict does not count: the claim still awaits its second independent verdict.
    assert Annotation.objects.get(pk=judged_claim.pk).status == "needs_review"


def test_bulk_verdict_of_a_blind_reviewer_is_independent(api_client):
    """A reviewer cannot see the other reviewer's verdict before giving their own: independent."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    claim = make_annotation(desk, article=article, quote="Claim 1 says")
    make_verdict(desk, annotation=claim, rating="false")
    api_client.force_authenticate(desk.reviewers[1])
    response = api_client.post(
        "/api/v1/annotations/bulk/",
        {"annotations": [item(article, "Claim 1 says", verdict=judged("true"))]},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Verdict.objects.get(reviewer=desk.reviewers[1]).independent
    assert response.json()[0]["status"] == "disputed"


def test_bulk_new_overlapping_span_opens_a_span_disagreement(api_client):
    """Spans read under the article's lock serve the overlap check: a new span over another
    person's opens a span disagreement, and both claims read disputed."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    theirs = make_annotation(desk, article=article, quote="Claim 1 says 7", author=desk.reviewers[1])
    api_client.force_authenticate(desk.reviewers[0])
    response = api_client.post(
        "/api/v1/annotations/bulk/", {"annotations": [item(article, "Claim 1 says")]}, format="json"
    )
    assert response.status_code == 201, response.content
    mine = Annotation.objects.get(pk=response.json()[0]["id"])
    disagreement = Disagreement.objects.get(kind="span")
    assert {disagreement.annotation_id, disagreement.other_annotation_id} == {mine.pk, theirs.pk}
    assert Annotation.objects.get(pk=theirs.pk).status == "disputed"
