"""The review workflow's pages through Django's test client: queues, disagreements, adjudication,
merges, re-opening and the agreement dashboard; who may see and do what, bad input, query counts."""

import re

import pytest
from django.test import Client

from annotations.models import Adjudication, Annotation, Disagreement, DisagreementKind, Role, Status
from annotations.services.bulk import import_annotations
from annotations.services.projects import add_member
from annotations.services.review import adjudicate, keep_both
from tests.annotations.test_pages import ESCAPED, XSS, client_for
from tests.annotations.test_pages_forms import error_of
from tests.factories import make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

TEXT = "The river rose 3.2 metres overnight.\n\nThe mayor said 1,200 homes were flooded."


@pytest.fixture
def desk():
    return make_desk()


def disputed(desk, *, article=None, quote="The river rose 3.2 metres", ratings=("true", "false"), **fields):
    """A claim both reviewers judged with these ratings, and its verdict disagreement."""
    claim = make_annotation(desk, article=article or make_article(desk, text=TEXT), quote=quote)
    for reviewer, rating in zip(desk.reviewers, ratings, strict=False):
        make_verdict(desk, annotation=claim, reviewer=reviewer, rating=rating, **fields)
    claim.refresh_from_db()
    return claim, claim.disagreements.filter(kind=DisagreementKind.VERDICT).first()


def overlapping(desk):
    """Two people's overlapping spans of one claim, and their span disagreement."""
    article = make_article(desk, text=TEXT)
    first = make_annotation(desk, article=article, quote="The river rose 3.2 metres", author=desk.annotator)
    second = make_annotation(
        desk, article=article, quote="rose 3.2 metres overnight.", author=desk.reviewers[0]
    )
    return first, second, Disagreement.objects.get(kind=DisagreementKind.SPAN)


def adjudication_data(*, rating="mostly_false", rationale="The gauge read 2.9 m.", evidence=()) -> dict:
    data = {
        "rating": rating,
        "rationale": rationale,
        "evidence-TOTAL_FORMS": str(len(evidence)),
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(evidence):
        data.update({f"evidence-{index}-{field}": value for field, value in row.items()})
    return data


def judged_claims(desk, n_claims: int, ratings) -> list[Annotation]:
    """``n_claims`` claims in one article, each judged by the desk's reviewers with ``ratings``
    (one a reviewer; None leaves a reviewer out)."""
    sentences = [f"Claim {i} says that {i * 7} people saw {i % 13} ships." for i in range(n_claims)]
    text = " ".join(sentences)
    article = make_article(desk, text=text, title=f"Article of {n_claims} claims")
    items, position = [], 0
    for sentence in sentences:
        start = text.index(sentence, position)
        position = start + len(sentence)
        items.append({"article": article.id, "start": start, "end": position, "quote": sentence})
    claims = [annotation for annotation, _ in import_annotations(actor=desk.annotator, items=items)]
    for reviewer, rating in zip(desk.reviewers, ratings, strict=False):
        if rating:
            verdict = {
                "rating": rating,
                "confidence": "high",
                "evidence": [{"url": "https://example.org/a", "stance": "context"}],
            }
            import_annotations(actor=reviewer, items=[item | {"verdict": verdict} for item in items])
    return claims


# Who may see what --------------------------------------------------------------------------------


def review_pages(desk, disagreement) -> list[str]:
    project = desk.project.id
    return [
        f"/projects/{project}/queues/to-review/",
        f"/projects/{project}/queues/disputed/",
        f"/projects/{project}/queues/done/",
        f"/projects/{project}/disagreements/",
        f"/projects/{project}/agreement/",
        f"/disagreements/{disagreement.id}/",
    ]


EDITOR_PAGES = {"queues/disputed/", "disagreements/"}


def test_outsiders_get_404_on_every_review_page_and_form(desk):
    claim, disagreement = disputed(desk)
    client = client_for(make_user())
    for url in review_pages(desk, disagreement):
        assert client.get(url).status_code == 404, url
    posts = [
        (f"/disagreements/{disagreement.id}/adjudicate/", adjudication_data()),
        (f"/disagreements/{disagreement.id}/merge/", {"keep": claim.id}),
        (f"/disagreements/{disagreement.id}/keep-both/", {}),
        (f"/annotations/{claim.id}/reopen/", {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert not Adjudication.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(desk):
    _claim, disagreement = disputed(desk)
    for url in review_pages(desk, disagreement):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("role", [Role.ANNOTATOR, Role.REVIEWER])
def test_members_below_editor_get_403_on_the_editor_pages_and_forms(desk, role):
    claim, disagreement = disputed(desk)
    client = client_for(desk.member(role))
    for url in review_pages(desk, disagreement):
        editor_page = url.endswith(tuple(EDITOR_PAGES)) or url.startswith("/disagreements/")
        assert client.get(url).status_code == (403 if editor_page else 200), url
    for url, data in [
        (f"/disagreements/{disagreement.id}/adjudicate/", adjudication_data()),
        (f"/disagreements/{disagreement.id}/merge/", {"keep": claim.id}),
        (f"/disagreements/{disagreement.id}/keep-both/", {}),
    ]:
        assert client.post(url, data).status_code == 403, url
    assert not Adjudication.objects.exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
def test_editors_and_admins_open_every_review_page(desk, role):
    _claim, disagreement = disputed(desk)
    client = client_for(desk.member(role))
    for url in review_pages(desk, disagreement):
        assert client.get(url).status_code == 200, url


def test_the_project_navigation_links_the_queues_a_role_may_open(desk):
    nav_of = {
        role: client_for(desk.member(role)).get(f"/projects/{desk.project.id}/").content.decode()
        for role in Role
    }
    queue = f"/projects/{desk.project.id}/queues/"
    assert f'{queue}to-review/"' not in nav_of[Role.ANNOTATOR]
    assert f'{queue}to-review/"' in nav_of[Role.REVIEWER]
    assert f'{queue}disputed/"' not in nav_of[Role.REVIEWER]
    assert f'{queue}disputed/"' in nav_of[Role.EDITOR]
    for html in nav_of.values():
        assert f'{queue}done/"' in html
        assert f'/projects/{desk.project.id}/agreement/"' in html


def test_every_form_of_the_review_pages_carries_a_csrf_token_and_posts_without_one_fail(desk):
    _claim, disagreement = disputed(desk)
    editor = Client(enforce_csrf_checks=True)
    editor.force_login(desk.editor)
    html = editor.get(f"/disagreements/{disagreement.id}/").content.decode()
    assert html.count('method="post"') == html.count('name="csrfmiddlewaretoken"') >= 1
    response = editor.post(f"/disagreements/{disagreement.id}/adjudicate/", adjudication_data())
    assert response.status_code == 403
    assert not Adjudication.objects.exists()


# Queues --------------------------------------------------------------------------------------


def test_the_to_review_queue_lists_my_unjudged_claims_of_this_project_oldest_first_linked_to_the_reader(desk):
    article = make_article(desk, text=TEXT)
    first = make_annotation(desk, article=article, quote="The river rose")
    judged = make_annotation(desk, article=article, quote="The mayor said")
    last = make_annotation(desk, article=article, quote="homes were flooded")
    make_verdict(desk, annotation=judged, reviewer=desk.reviewers[0])
    other_desk = make_desk()
    add_member(
        actor=other_desk.admin,
        project_id=other_desk.project.id,
        username=desk.reviewers[0].username,
        role=Role.REVIEWER,
    )
    make_annotation(other_desk, quote="The river rose")

    response = client_for(desk.reviewers[0]).get(f"/projects/{desk.project.id}/queues/to-review/")
    assert [claim.id for claim in response.context["page"]] == [first.id, last.id]
    html = response.content.decode()
    assert f'href="/articles/{article.id}/?claim={first.id}"' in html
    assert html.index(f"?claim={first.id}") < html.index(f"?claim={last.id}")


def test_the_project_home_counts_the_to_review_queue_and_links_to_it(desk):
    article = make_article(desk, text=TEXT)
    make_annotation(desk, article=article, quote="The river rose")
    judged = make_annotation(desk, article=article, quote="The mayor said")
    make_verdict(desk, annotation=judged, reviewer=desk.reviewers[0])
    response = client_for(desk.reviewers[0]).get(f"/projects/{desk.project.id}/")
    assert response.context["to_review"] == 1
    assert f'href="/projects/{desk.project.id}/queues/to-review/"' in response.content.decode()


def test_an_annotator_has_no_claims_to_review(desk):
    make_annotation(desk)
    response = client_for(desk.annotator).get(f"/projects/{desk.project.id}/queues/to-review/")
    assert response.status_code == 200
    assert "you have no claims to review" in response.content.decode()


def test_the_disputed_queue_links_each_claim_to_its_disagreement(desk):
    claim, disagreement = disputed(desk)
    html = client_for(desk.editor).get(f"/projects/{desk.project.id}/queues/disputed/").content.decode()
    assert f'href="/disagreements/{disagreement.id}/"' in html
    assert "4 steps apart on the truth scale" in html
    assert f"Claim #{claim.id}" in html


def test_the_done_queue_shows_final_ratings_to_every_member(desk):
    """Final ratings of agreed and resolved claims are the desk's published result."""
    claim, _ = disputed(desk, ratings=("mostly_true", "mostly_true"))
    assert claim.status == Status.AGREED
    done = f"/projects/{desk.project.id}/queues/done/"
    judged = client_for(desk.reviewers[0]).get(done).content.decode()
    assert "Mostly true</span>" in judged
    annotator = client_for(desk.annotator).get(done)
    assert [item.id for item in annotator.context["page"]] == [claim.id]
    assert "Mostly true</span>" in annotator.content.decode()
    assert "rating hidden" not in annotator.content.decode()


def test_an_unknown_queue_is_404(desk):
    assert client_for(desk.editor).get(f"/projects/{desk.project.id}/queues/mine/").status_code == 404


# Disagreements -------------------------------------------------------------------------------


def test_the_disagreement_list_shows_open_ones_and_filters_by_kind_and_status(desk):
    _claim, by_verdict = disputed(desk)
    _first, _second, by_span = overlapping(desk)
    keep_both(editor=desk.editor, disagreement_id=by_span.id)
    client = client_for(desk.editor)
    url = f"/projects/{desk.project.id}/disagreements/"
    assert [d.id for d in client.get(url).context["page"]] == [by_verdict.id]
    assert [d.id for d in client.get(url, {"status": "any"}).context["page"]] == [by_verdict.id, by_span.id]
    assert [d.id for d in client.get(url, {"status": "any", "kind": "span"}).context["page"]] == [by_span.id]
    response = client.get(url, {"status": "sideways"})
    assert response.status_code == 400
    assert "valid choice" in error_of(response.content.decode(), "id_status")


def test_the_disagreement_list_narrows_to_one_article_and_one_severity(desk, django_assert_max_num_queries):
    """The row's "Only this article" link and the severity choice narrow the list as the API's
    ``article`` and ``severity`` do; the list reads a fixed number of queries."""
    article = make_article(desk, text=TEXT)
    _far, four_apart = disputed(desk, article=article)
    _near, one_apart = disputed(
        desk, article=article, quote="The mayor said 1,200 homes", ratings=("true", "mostly_true")
    )
    _other, elsewhere = disputed(desk, ratings=("true", "misleading"))
    client = client_for(desk.editor)
    url = f"/projects/{desk.project.id}/disagreements/"
    listed = client.get(url).content.decode()
    assert f'href="?article={article.id}"' in listed and "Only this article" in listed
    with django_assert_max_num_queries(12):
        response = client.get(url, {"article": article.id})
    assert {d.id for d in response.context["page"]} == {four_apart.id, one_apart.id}
    assert "Disagreements in “" in response.content.decode()
    assert [d.id for d in client.get(url, {"severity": "1"}).context["page"]] == [one_apart.id]
    assert [d.id for d in client.get(url, {"severity": "categorical"}).context["page"]] == [elsewhere.id]
    api = [row["id"] for row in client.get("/api/v1/disagreements/", {"severity": "4"}).json()["results"]]
    assert [d.id for d in client.get(url, {"severity": "4"}).context["page"]] == api == [four_apart.id]
    refused = client.get(url, {"article": "first"})
    assert refused.status_code == 400
    assert "Article: Enter a whole number." in refused.content.decode()
    assert {d.id for d in refused.context["page"]} == {four_apart.id, one_apart.id, elsewhere.id}


def test_a_verdict_disagreement_shows_the_verdicts_side_by_side_with_their_evidence(desk):
    evidence = [
        {
            "url": "https://gauges.example.org/r1",
            "title": "Gauge R1",
            "stance": "refutes",
            "quote": "2.9 m at 6am",
        }
    ]
    claim, disagreement = disputed(desk, rationale="Per the gauge.", evidence=evidence)
    html = client_for(desk.editor).get(f"/disagreements/{disagreement.id}/").content.decode()
    assert html.count("Per the gauge.") == 2
    assert html.count("Gauge R1") == 2
    assert "“2.9 m at 6am”" in html or "2.9 m at 6am" in html
    assert "Unrated source" in html
    assert "4 steps apart on the truth scale" in html
    assert 'name="rating"' in html
    assert f'action="/disagreements/{disagreement.id}/adjudicate/"' in html
    assert claim.quote in html


def test_a_categorical_disagreement_says_so(desk):
    _claim, disagreement = disputed(desk, ratings=("true", "misleading"))
    html = client_for(desk.editor).get(f"/disagreements/{disagreement.id}/").content.decode()
    assert "Categorical: a rating outside the truth scale is involved" in html


def test_adjudicating_through_the_form_resolves_the_claim_and_shows_the_adjudication(desk):
    claim, disagreement = disputed(desk)
    client = client_for(desk.editor)
    evidence = [
        {"url": "https://gauges.example.org/r1", "title": "Gauge R1", "stance": "refutes", "quote": "2.9 m"}
    ]
    response = client.post(
        f"/disagreements/{disagreement.id}/adjudicate/", adjudication_data(rationale=XSS, evidence=evidence)
    )
    assert response.status_code == 302
    assert response["Location"] == f"/disagreements/{disagreement.id}/"
    claim.refresh_from_db()
    assert (claim.status, claim.final_rating) == (Status.RESOLVED, "mostly_false")
    adjudication = Adjudication.objects.get()
    assert [piece.source.url for piece in adjudication.evidence.all()] == ["https://gauges.example.org/r1"]

    page = client.get(response["Location"])
    html = page.content.decode()
    assert f"Claim #{claim.id} is resolved. Final rating: Mostly false." in html
    assert ESCAPED in html and XSS not in html
    assert "Resolved by an editor" in html
    assert 'name="rating"' not in html
    done = client.get(f"/projects/{desk.project.id}/queues/done/")
    assert [item.id for item in done.context["page"]] == [claim.id]


def test_adjudication_errors_show_next_to_their_fields_and_change_nothing(desk):
    claim, disagreement = disputed(desk)
    data = adjudication_data(
        rating="", rationale="  ", evidence=[{"url": "javascript:alert(1)", "stance": ""}]
    )
    response = client_for(desk.editor).post(f"/disagreements/{disagreement.id}/adjudicate/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "required" in error_of(html, "adjudicate_rating")
    assert "required" in error_of(html, "adjudicate_rationale")
    assert "http" in error_of(html, "id_evidence-0-url")
    assert "required" in error_of(html, "id_evidence-0-stance")
    assert 'value="javascript:alert(1)"' in html
    claim.refresh_from_db()
    assert claim.status == Status.DISPUTED
    assert not Adjudication.objects.exists()


def test_adjudicating_a_claim_resolved_meanwhile_says_so_and_changes_nothing(desk):
    claim, disagreement = disputed(desk)
    adjudicate(editor=desk.admin, annotation_id=claim.id, rating="true", rationale="Settled first.")
    response = client_for(desk.editor).post(
        f"/disagreements/{disagreement.id}/adjudicate/", adjudication_data()
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Nothing was changed." in html
    assert "This claim is resolved" in html
    assert "Settled first." in html
    assert Adjudication.objects.get().rating == "true"


def test_a_span_disagreement_shows_both_spans_in_the_text_with_their_overlap(desk):
    first, second, disagreement = overlapping(desk)
    make_verdict(desk, annotation=second, reviewer=desk.reviewers[1], rating="mixed", rationale="Half true.")
    response = client_for(desk.editor).get(f"/disagreements/{disagreement.id}/")
    html = response.content.decode()
    assert '<mark class="in-a">The river </mark>' in html
    assert '<mark class="in-a in-b">rose 3.2 metres</mark>' in html
    assert '<mark class="in-b"> overnight.</mark>' in html
    assert "Both cover:</span> “rose 3.2 metres”" in html
    assert f"claim #{first.id}, marked by {desk.annotator.username}" in html
    assert f"claim #{second.id}, marked by {desk.reviewers[0].username}" in html
    assert "Half true." in html
    assert html.count("Merge into this one") == 2
    assert "Keep both as separate claims" in html
    assert "1,200 homes" not in html  # only the spans' paragraph


def test_merging_from_the_page_explains_what_moved_and_what_stayed(desk):
    first, second, disagreement = overlapping(desk)
    make_verdict(desk, annotation=first, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=second, reviewer=desk.reviewers[0], rating="false")
    make_verdict(desk, annotation=second, reviewer=desk.reviewers[1], rating="true")
    client = client_for(desk.editor)
    response = client.post(f"/disagreements/{disagreement.id}/merge/", {"keep": first.id}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(f"/disagreements/{disagreement.id}/", 302)]
    assert f"Claim {second.id} was merged into claim {first.id}; 1 verdict(s) moved." in html
    assert f"1 verdict(s) stayed on claim {second.id}" in html
    assert "These verdicts stayed on this claim" in html
    second.refresh_from_db()
    assert second.merged_into_id == first.id
    assert "Merge into this one" not in html


def test_merging_a_closed_disagreement_says_so_and_changes_nothing(desk):
    first, second, disagreement = overlapping(desk)
    keep_both(editor=desk.admin, disagreement_id=disagreement.id)
    response = client_for(desk.editor).post(f"/disagreements/{disagreement.id}/merge/", {"keep": first.id})
    assert response.status_code == 409
    assert "This disagreement is not open any more." in response.content.decode()
    second.refresh_from_db()
    assert second.merged_into_id is None


def test_merge_without_a_valid_claim_to_keep_changes_nothing(desk):
    first, second, disagreement = overlapping(desk)
    client = client_for(desk.editor)
    missing = client.post(f"/disagreements/{disagreement.id}/merge/", {"keep": "x"})
    assert missing.status_code == 400
    assert "Choose the claim to keep." in missing.content.decode()
    stranger = client.post(f"/disagreements/{disagreement.id}/merge/", {"keep": first.id + second.id})
    assert stranger.status_code == 400
    assert f"Choose claim {first.id} or claim {second.id}." in stranger.content.decode()
    assert not Annotation.objects.filter(merged_into__isnull=False).exists()


def test_keeping_both_resolves_the_span_disagreement(desk):
    first, second, disagreement = overlapping(desk)
    response = client_for(desk.editor).post(
        f"/disagreements/{disagreement.id}/keep-both/", {"note": "Two claims."}, follow=True
    )
    assert f"Claims #{first.id} and #{second.id} stay separate claims." in response.content.decode()
    disagreement.refresh_from_db()
    assert (disagreement.status, disagreement.resolution) == ("resolved", "Two claims.")


def test_a_too_long_keep_both_note_shows_next_to_the_note_and_changes_nothing(desk):
    _first, _second, disagreement = overlapping(desk)
    response = client_for(desk.editor).post(
        f"/disagreements/{disagreement.id}/keep-both/", {"note": "x" * 20_001}
    )
    assert response.status_code == 400
    assert "at most 20000 characters" in error_of(response.content.decode(), "keepboth_note")
    disagreement.refresh_from_db()
    assert disagreement.status == "open"


def test_spans_are_not_adjudicated(desk):
    _first, _second, disagreement = overlapping(desk)
    response = client_for(desk.editor).post(
        f"/disagreements/{disagreement.id}/adjudicate/", adjudication_data()
    )
    assert response.status_code == 409
    assert "settled by merging them or keeping both" in response.content.decode()
    assert not Adjudication.objects.exists()


# The claim panel: adjudication and re-opening -----------------------------------------------


def test_a_resolved_claims_panel_shows_its_adjudication_and_editors_can_reopen_it(desk):
    claim, _ = disputed(desk)
    adjudicate(
        editor=desk.editor,
        annotation_id=claim.id,
        rating="mostly_false",
        rationale=XSS,
        evidence=[{"url": "https://gauges.example.org/r1", "title": "Gauge R1", "stance": "refutes"}],
    )
    editor_panel = client_for(desk.editor).get(f"/annotations/{claim.id}/").content.decode()
    assert "Adjudication" in editor_panel and ESCAPED in editor_panel and XSS not in editor_panel
    assert "Gauge R1" in editor_panel
    assert f'action="/annotations/{claim.id}/reopen/"' in editor_panel
    reviewer_panel = client_for(desk.reviewers[0]).get(f"/annotations/{claim.id}/").content.decode()
    assert ESCAPED in reviewer_panel
    assert "/reopen/" not in reviewer_panel
    annotator_panel = client_for(desk.annotator).get(f"/annotations/{claim.id}/").content.decode()
    assert ESCAPED not in annotator_panel

    assert client_for(desk.reviewers[0]).post(f"/annotations/{claim.id}/reopen/").status_code == 403
    response = client_for(desk.editor).post(
        f"/annotations/{claim.id}/reopen/", {"reason": "New gauge data."}, headers={"X-Fragment": "panel"}
    )
    assert response.status_code == 200
    assert "The claim is re-opened; it is disputed again." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == Status.DISPUTED
    assert Adjudication.objects.get().superseded_at is not None


def test_reopening_a_claim_that_is_not_resolved_says_so(desk):
    claim, _ = disputed(desk)
    response = client_for(desk.editor).post(
        f"/annotations/{claim.id}/reopen/", headers={"X-Fragment": "panel"}
    )
    assert response.status_code == 409
    assert "Only a resolved claim can be re-opened." in response.content.decode()


def test_a_too_long_reopen_reason_shows_next_to_it_and_changes_nothing(desk):
    claim, _ = disputed(desk)
    adjudicate(editor=desk.editor, annotation_id=claim.id, rating="true", rationale="Done.")
    response = client_for(desk.editor).post(f"/annotations/{claim.id}/reopen/", {"reason": "x" * 2001})
    assert response.status_code == 400
    assert "at most 2000 characters" in error_of(response.content.decode(), "reopen_reason")
    claim.refresh_from_db()
    assert claim.status == Status.RESOLVED


def test_an_editor_reaches_a_disputed_claims_disagreement_from_its_panel(desk):
    claim, disagreement = disputed(desk)
    editor = client_for(desk.editor)
    link = f"/annotations/{claim.id}/disagreement/"
    assert f'href="{link}"' in editor.get(f"/annotations/{claim.id}/").content.decode()
    response = editor.get(link)
    assert (response.status_code, response["Location"]) == (302, f"/disagreements/{disagreement.id}/")
    reviewer = client_for(desk.reviewers[0])
    assert link not in reviewer.get(f"/annotations/{claim.id}/").content.decode()
    assert reviewer.get(link).status_code == 403
    assert client_for(make_user()).get(link).status_code == 404


def test_a_claim_in_two_disagreements_leads_to_the_list_of_both(desk):
    first, second, by_span = overlapping(desk)
    make_verdict(desk, annotation=first, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=first, reviewer=desk.reviewers[1], rating="false")
    by_verdict = first.disagreements.get(kind=DisagreementKind.VERDICT)
    editor = client_for(desk.editor)
    response = editor.get(f"/annotations/{first.id}/disagreement/", follow=True)
    assert response.redirect_chain == [
        (f"/projects/{desk.project.id}/disagreements/?status=open&claim={first.id}", 302)
    ]
    assert [d.id for d in response.context["page"]] == [by_span.id, by_verdict.id]
    only_span = editor.get(f"/annotations/{second.id}/disagreement/")
    assert only_span["Location"] == f"/disagreements/{by_span.id}/"


# Agreement -------------------------------------------------------------------------------------


def test_the_agreement_dashboard_shows_the_apis_figures_with_what_they_rest_on(desk, api_client):
    judged_claims(desk, 6, ["true", "false"])
    judged_claims(desk, 4, ["mixed", "mixed"])
    response = client_for(desk.editor).get(f"/projects/{desk.project.id}/agreement/")
    html = response.content.decode()
    api_client.force_authenticate(desk.editor)
    api = api_client.get("/api/v1/agreement/", {"project": desk.project.id}).json()
    summary = response.context["summary"]
    assert (summary.n_claims, summary.n_verdicts) == (api["n_claims"], api["n_verdicts"]) == (10, 20)
    assert summary.fleiss_kappa.value == pytest.approx(api["fleiss_kappa"])
    assert f"{api['percent_agreement'] * 100:.0f}%" in html
    assert f"over {api['percent_agreement_detail']['n_claims']} claims and 20 verdicts" in html
    assert "<svg" in html and "<title" in html and 'role="img"' in html
    assert html.count('class="heatmap-svg"') == len(api["pairs"]) == 1
    a, b = api["pairs"][0]["a"], api["pairs"][0]["b"]
    assert f"Ratings of {a} against {b}" in html
    assert 'class="bars-svg"' in html


def test_the_agreement_dashboard_says_why_a_figure_is_missing(desk):
    html = client_for(desk.editor).get(f"/projects/{desk.project.id}/agreement/").content.decode()
    assert "figure-reason" in html
    assert "0 claims with verdicts" in html


def test_below_editor_the_dashboard_covers_only_judged_claims_and_shows_no_pairs(desk, api_client):
    judged_claims(desk, 6, ["true", "false"])
    reviewer = desk.reviewers[0]
    response = client_for(reviewer).get(f"/projects/{desk.project.id}/agreement/")
    html = response.content.decode()
    api_client.force_authenticate(reviewer)
    api = api_client.get("/api/v1/agreement/", {"project": desk.project.id}).json()
    assert api["visibility"] == "judged_claims"
    assert response.context["summary"].n_claims == api["n_claims"]
    assert "Blind review: these figures cover only the claims you have judged yourself" in html
    assert "heatmap-svg" not in html and "bars-svg" not in html
    annotator = client_for(desk.annotator).get(f"/projects/{desk.project.id}/agreement/").content.decode()
    assert "you have judged none of the claims selected" in annotator


def test_the_article_selector_narrows_the_figures_to_one_article(desk):
    judged_claims(desk, 6, ["true", "false"])
    claims = judged_claims(desk, 4, ["mixed", "mixed"])
    client = client_for(desk.editor)
    response = client.get(f"/projects/{desk.project.id}/agreement/", {"article": claims[0].article_id})
    assert response.context["summary"].n_claims == 4
    assert response.context["summary"].percent_agreement.value == 1.0
    assert f'<option value="{claims[0].article_id}" selected>' in response.content.decode()


def test_an_article_of_another_project_is_refused_next_to_the_selector(desk):
    other = make_article(make_desk())
    response = client_for(desk.editor).get(f"/projects/{desk.project.id}/agreement/", {"article": other.id})
    assert response.status_code == 400
    assert "valid choice" in error_of(response.content.decode(), "id_article")


# Query counts ----------------------------------------------------------------------------------


def count_queries(client, url: str, django_assert_max_num_queries, most: int, **params):
    with django_assert_max_num_queries(most) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return response, len(captured)


def test_the_queues_and_the_disagreement_list_run_a_fixed_number_of_queries(
    desk, django_assert_max_num_queries
):
    judged_claims(desk, 12, ["true", "false"])
    judged_claims(desk, 12, ["mixed", "mixed"])
    judged_claims(desk, 12, [None, None])
    judged_claims(desk, 12, ["true", None])
    project = desk.project.id
    editor = client_for(desk.editor)
    reviewer = client_for(desk.reviewers[1])
    checks = [
        (reviewer, f"/projects/{project}/queues/to-review/", 5, 24),
        (editor, f"/projects/{project}/queues/disputed/", 6, 12),
        (reviewer, f"/projects/{project}/queues/done/", 5, 12),
        (editor, f"/projects/{project}/disagreements/", 5, 12),
    ]
    for client, url, most, rows in checks:
        response, _ = count_queries(client, url, django_assert_max_num_queries, most)
        assert response.context["page"].paginator.count == rows, url


def test_a_disagreement_page_runs_the_same_queries_for_2_or_12_verdicts(desk, django_assert_max_num_queries):
    claim, disagreement = disputed(desk, evidence=[{"url": "https://example.org/0", "stance": "context"}])
    editor = client_for(desk.editor)
    _, few = count_queries(editor, f"/disagreements/{disagreement.id}/", django_assert_max_num_queries, 11)
    for number in range(10):
        reviewer = make_user()
        add_member(
            actor=desk.admin, project_id=desk.project.id, username=reviewer.username, role=Role.REVIEWER
        )
        evidence = [{"url": f"https://example.org/{number}/{n}", "stance": "refutes"} for n in range(3)]
        make_verdict(desk, annotation=claim, reviewer=reviewer, rating="mixed", evidence=evidence)
    response, many = count_queries(
        editor, f"/disagreements/{disagreement.id}/", django_assert_max_num_queries, 11
    )
    assert few == many
    assert len(response.context["claim"].listed_verdicts) == 12


def test_a_span_disagreement_and_a_resolved_claims_page_run_a_fixed_number_of_queries(
    desk, django_assert_max_num_queries
):
    first, _second, by_span = overlapping(desk)
    for reviewer in desk.reviewers:
        make_verdict(desk, annotation=first, reviewer=reviewer, rationale="On the first.")
    editor = client_for(desk.editor)
    count_queries(editor, f"/disagreements/{by_span.id}/", django_assert_max_num_queries, 9)
    claim, by_verdict = disputed(desk, quote="The mayor said")
    adjudicate(
        editor=desk.editor,
        annotation_id=claim.id,
        rating="true",
        rationale="Checked.",
        evidence=[{"url": f"https://example.org/{n}", "stance": "supports"} for n in range(12)],
    )
    response, _ = count_queries(editor, f"/disagreements/{by_verdict.id}/", django_assert_max_num_queries, 13)
    assert response.content.decode().count("https://example.org/") >= 12
    # Eleven: a resolved claim's panel also reads when it was published, for its ClaimReview snippet.
    with django_assert_max_num_queries(11):
        panel = editor.get(f"/annotations/{claim.id}/", headers={"X-Fragment": "panel"})
    assert re.search(r"Checked\.", panel.content.decode())


def test_the_agreement_dashboard_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    desk = make_desk(reviewers=5)
    judged_claims(desk, 12, ["true", "false", "true", "mixed", "mostly_true"])
    judged_claims(desk, 12, ["mixed", "mixed", None, "false", "true"])
    response, _ = count_queries(
        client_for(desk.editor), f"/projects/{desk.project.id}/agreement/", django_assert_max_num_queries, 6
    )
    assert response.content.decode().count('class="heatmap-svg"') == 10
    article = response.context["form"].fields["article"].queryset.first()
    count_queries(
        client_for(desk.editor),
        f"/projects/{desk.project.id}/agreement/",
        django_assert_max_num_queries,
        7,
        article=article.id,
    )


def test_the_queue_pages_are_the_api_queues():
    """Each queue page shows one of the selectors' queues, and every queue has a page."""
    from annotations.pages.review import QUEUES
    from annotations.selectors import QUEUE_NAMES

    assert sorted(queue.name for queue in QUEUES.values()) == sorted(QUEUE_NAMES)
