"""A source's page, where editors describe it, and the sources list's count of the claims citing
each source, as blind review allows."""

import pytest
from django.test import Client

from annotations.services.review import adjudicate
from sources.models import Source
from sources.services import get_or_create_source
from tests.factories import make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

TEXT = "The river rose 3.2 metres overnight. The mayor said 1,200 homes were flooded. Schools closed."
HANDBOOK = "https://library.example.net/handbook"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk():
    """A shared handbook source, cited by reviewer 1 on one claim and by reviewer 2 on another;
    reviewer 1 also cites a source of their own. Reviewer 2 has not judged reviewer 1's claim."""
    desk = make_desk(reviewers=3)
    article = make_article(desk, text=TEXT)
    desk.handbook, _ = get_or_create_source(
        project=desk.project, url=HANDBOOK, title="Handbook", actor=desk.editor
    )
    desk.first = make_annotation(desk, article=article, quote="The river rose")
    desk.second = make_annotation(desk, article=article, quote="Schools closed.")
    handbook = {"url": HANDBOOK, "stance": "supports"}
    own = {"url": "https://gauge.example.org/reading", "title": "Gauge reading", "stance": "supports"}
    make_verdict(desk, annotation=desk.first, reviewer=desk.reviewers[0], evidence=[handbook, own])
    make_verdict(desk, annotation=desk.second, reviewer=desk.reviewers[1], evidence=[handbook])
    desk.own = Source.objects.get(url=own["url"])
    return desk


def counts_on_the_list(user, desk) -> dict[str, int]:
    response = client_for(user).get(f"/projects/{desk.project.id}/sources/")
    assert response.status_code == 200
    return {source.url: source.n_claims for source in response.context["page"]}


def test_the_list_counts_the_claims_citing_each_source_for_an_editor(desk):
    assert counts_on_the_list(desk.editor, desk) == {HANDBOOK: 2, desk.own.url: 1}


def test_a_blind_reviewer_counts_only_the_citations_they_may_see(desk):
    """Reviewer 2 sees their own citation of the handbook, not reviewer 1's hidden one; reviewer 3,
    who judged nothing, counts none; an annotator neither."""
    assert counts_on_the_list(desk.reviewers[1], desk) == {HANDBOOK: 1}
    assert counts_on_the_list(desk.reviewers[2], desk) == {HANDBOOK: 0}
    assert counts_on_the_list(desk.annotator, desk) == {HANDBOOK: 0}


def test_once_the_reviewer_judges_the_claim_its_citations_count_too(desk):
    make_verdict(desk, annotation=desk.first, reviewer=desk.reviewers[1], rating="false")
    assert counts_on_the_list(desk.reviewers[1], desk) == {HANDBOOK: 2, desk.own.url: 1}


def test_an_adjudications_citations_count_for_whoever_may_see_it(desk):
    make_verdict(desk, annotation=desk.second, reviewer=desk.reviewers[2], rating="false")
    adjudicate(
        editor=desk.editor,
        annotation_id=desk.second.id,
        rating="mixed",
        rationale="Both in part.",
        evidence=[{"url": desk.own.url, "stance": "context"}],
    )
    assert counts_on_the_list(desk.editor, desk)[desk.own.url] == 2
    # Reviewer 3 judged the second claim: they see its adjudication, not reviewer 1's claim.
    assert counts_on_the_list(desk.reviewers[2], desk) == {HANDBOOK: 1, desk.own.url: 1}


def test_the_source_list_with_counts_runs_a_fixed_number_of_queries(desk, django_assert_max_num_queries):
    article = make_article(desk, text=" ".join(f"Claim {n} holds." for n in range(12)))
    for n in range(12):
        claim = make_annotation(desk, article=article, quote=f"Claim {n} holds.")
        make_verdict(
            desk,
            annotation=claim,
            reviewer=desk.reviewers[2],
            evidence=[
                {"url": f"https://report.example.org/{n}", "stance": "supports"},
                {"url": HANDBOOK, "stance": "context"},
            ],
        )
    client = client_for(desk.reviewers[2])
    with django_assert_max_num_queries(5):
        response = client.get(f"/projects/{desk.project.id}/sources/")
    counts = {source.url: source.n_claims for source in response.context["page"]}
    assert counts[HANDBOOK] == 12 and len(counts) == 13


def source_url(source):
    return f"/sources/{source.id}/"


def test_an_editor_sets_kind_title_publisher_and_reliability_on_the_source_page(desk):
    client = client_for(desk.editor)
    page = client.get(source_url(desk.handbook))
    assert page.status_code == 200 and page.context["form"] is not None
    response = client.post(
        source_url(desk.handbook),
        {"kind": "research", "title": "Field handbook", "publisher": "Library Press", "reliability": "high"},
        follow=True,
    )
    assert "Field handbook is saved." in response.content.decode()
    desk.handbook.refresh_from_db()
    assert (desk.handbook.kind, desk.handbook.title, desk.handbook.publisher, desk.handbook.reliability) == (
        "research",
        "Field handbook",
        "Library Press",
        "high",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "rumour"}, "kind"),
        ({"title": "x" * 501}, "title"),
        ({"publisher": "Press\x00"}, "publisher"),
        ({"reliability": "sky-high"}, "reliability"),
    ],
)
def test_bad_input_is_a_message_on_the_page_and_changes_nothing(desk, data, field):
    before = Source.objects.values().get(pk=desk.handbook.pk)
    body = {"kind": "research", "title": "Field handbook", "publisher": "", "reliability": "", **data}
    response = client_for(desk.editor).post(source_url(desk.handbook), body)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Source.objects.values().get(pk=desk.handbook.pk) == before


def test_members_below_editor_read_the_page_but_cannot_change_it(desk):
    client = client_for(desk.reviewers[1])
    page = client.get(source_url(desk.handbook))
    assert page.status_code == 200 and page.context["form"] is None
    response = client.post(source_url(desk.handbook), {"kind": "research", "title": "Mine"})
    assert response.status_code == 403
    desk.handbook.refresh_from_db()
    assert desk.handbook.title == "Handbook"


def test_a_source_blind_review_hides_is_not_found_and_outsiders_get_404(desk):
    assert client_for(desk.reviewers[1]).get(source_url(desk.own)).status_code == 404
    assert client_for(desk.reviewers[1]).post(source_url(desk.own), {"kind": "research"}).status_code == 404
    assert client_for(make_user()).get(source_url(desk.handbook)).status_code == 404
    assert client_for(desk.reviewers[0]).get(source_url(desk.own)).context["source"].n_claims == 1
