"""Blind review of sources: a reviewer who has not judged a claim finds none of the sources the
others cited on it, through the sources API (list, text search, domain filter, detail, create,
change) or the Sources page, until they give their own verdict. Editors see every source."""

import importlib

import pytest
from django.apps import apps
from django.test import Client

from annotations.models import Role
from annotations.selectors import domains_visible_to, sources_visible_to
from annotations.services.projects import add_member
from annotations.services.review import adjudicate
from sources.models import Source
from sources.services import get_or_create_source, set_domain_reliability, update_source
from tests.factories import make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/sources/"
SECRET_URL = "https://secret-source.example.org/dossier"
SECRET_TITLE = "Leaked ministry dossier"
SHARED_URL = "https://library.example.net/handbook"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def desk():
    """Reviewer 1 judged a claim citing a source; reviewer 2 has judged nothing yet. An editor added
    a source to the library directly."""
    desk = make_desk()
    desk.claim = make_annotation(desk)
    make_verdict(
        desk,
        annotation=desk.claim,
        reviewer=desk.reviewers[0],
        rating="false",
        evidence=[{"url": SECRET_URL, "title": SECRET_TITLE, "stance": "refutes"}],
    )
    desk.secret = Source.objects.get(url=SECRET_URL)
    desk.shared, _ = get_or_create_source(
        project=desk.project, url=SHARED_URL, title="Style handbook", actor=desk.editor
    )
    return desk


def found_by_text_search(user, desk) -> bool:
    client = client_for(user)
    body = client.get(SOURCES, {"q": "dossier"}).json()
    return any(row["url"] == SECRET_URL for row in body["results"])


def found_by_detail(user, desk) -> bool:
    response = client_for(user).get(f"{SOURCES}{desk.secret.id}/")
    assert response.status_code in (200, 404)
    return response.status_code == 200 and response.json()["title"] == SECRET_TITLE


def found_by_domain(user, desk) -> bool:
    body = client_for(user).get(SOURCES, {"domain": "example.org"}).json()
    return [row["url"] for row in body["results"]] == [SECRET_URL]


def found_on_the_sources_page(user, desk) -> bool:
    client = client_for(user)
    page = client.get(f"/projects/{desk.project.id}/sources/")
    searched = client.get(f"/projects/{desk.project.id}/sources/", {"q": "secret"})
    assert page.status_code == searched.status_code == 200
    shown = [SECRET_TITLE in response.content.decode() for response in (page, searched)]
    shown += [SECRET_URL in response.content.decode() for response in (page, searched)]
    assert len(set(shown)) == 1, "the page shows the source's title and address together, or neither"
    return shown[0]


LEAK_PATHS = [found_by_text_search, found_by_detail, found_by_domain, found_on_the_sources_page]


@pytest.mark.parametrize("found", LEAK_PATHS, ids=lambda found: found.__name__)
def test_a_reviewer_finds_another_reviewers_source_only_after_their_own_verdict(desk, found):
    """Before their own verdict, the reviewer finds nothing of the other's source; after it, they do."""
    blind = desk.reviewers[1]
    assert not found(blind, desk)
    make_verdict(desk, annotation=desk.claim, reviewer=blind, rating="true")
    assert found(blind, desk)


@pytest.mark.parametrize("found", LEAK_PATHS, ids=lambda found: found.__name__)
@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
def test_editors_and_admins_see_every_source(desk, found, role):
    """Editors and admins see the sources of every verdict, judged or not."""
    assert found(desk.member(role), desk)


@pytest.mark.parametrize("found", LEAK_PATHS, ids=lambda found: found.__name__)
def test_the_citing_reviewer_sees_their_own_source(desk, found):
    """The reviewer who cited a source sees it in every read path."""
    assert found(desk.reviewers[0], desk)


def test_an_annotator_who_gives_no_verdicts_sees_no_cited_source(desk):
    """Annotators are blind to verdicts, so to the sources behind them as well."""
    assert not any(found(desk.annotator, desk) for found in LEAK_PATHS)


def test_an_outsider_gets_404_and_empty_lists(desk):
    """A member of another desk gets 404 for the source and the page, and no rows in the list."""
    outsider = make_desk().editor
    client = client_for(outsider)
    assert client.get(f"{SOURCES}{desk.secret.id}/").status_code == 404
    assert client.get(f"{SOURCES}{desk.shared.id}/").status_code == 404
    assert client.get(SOURCES).json()["results"] == []
    assert client.get(f"/projects/{desk.project.id}/sources/").status_code == 404
    assert not sources_visible_to(outsider).exists()
    assert not domains_visible_to(outsider).exists()


def test_sources_added_outside_any_verdict_are_seen_by_every_member(desk):
    """A source added directly to the library (not as evidence) is the desk's: every member sees it."""
    for user in [desk.annotator, desk.reviewers[1], desk.reviewers[0], desk.editor]:
        urls = [row["url"] for row in client_for(user).get(SOURCES).json()["results"]]
        assert SHARED_URL in urls
        assert client_for(user).get(f"{SOURCES}{desk.shared.id}/").status_code == 200


def test_a_source_a_reviewer_added_directly_is_theirs_and_the_desks(desk):
    """POST /api/v1/sources/ records the caller as the one who added it, outside any verdict."""
    response = client_for(desk.reviewers[1]).post(
        SOURCES,
        {"project": desk.project.id, "url": "https://own.example.com/a", "title": "Mine"},
        content_type="application/json",
    )
    assert response.status_code == 201
    source = Source.objects.get(pk=response.json()["id"])
    assert (source.added_by, source.added_as_evidence) == (desk.reviewers[1], False)
    assert client_for(desk.annotator).get(f"{SOURCES}{source.id}/").status_code == 200


def test_a_source_cited_on_another_claim_shows_once_the_reviewer_cites_it_too(desk):
    """Citing the same page in one's own verdict (on another claim) reveals the source to oneself."""
    blind = desk.reviewers[1]
    other_claim = make_annotation(desk, quote="The mayor said")
    assert not found_by_text_search(blind, desk)
    make_verdict(
        desk,
        annotation=other_claim,
        reviewer=blind,
        rating="true",
        evidence=[{"url": SECRET_URL, "stance": "supports"}],
    )
    assert found_by_text_search(blind, desk)
    assert Source.objects.get(pk=desk.secret.pk).added_by == desk.reviewers[0]


def test_creating_a_hidden_source_answers_as_if_new_and_tells_nothing(desk):
    """A blind reviewer posting an address another reviewer cited gets a 201 with only what they
    sent: not the other's title, kind or the editor's rating; the source itself is unchanged and
    stays hidden from them."""
    update_source(source=desk.secret, kind="official_statement", publisher="Ministry", reliability="low")
    set_domain_reliability(project=desk.project, domain="example.org", reliability="high")
    client = client_for(desk.reviewers[1])
    response = client.post(
        SOURCES,
        {"project": desk.project.id, "url": SECRET_URL + "?utm_source=x", "title": "My find"},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ["url", "domain", "title", "publisher", "kind", "reliability"]} == {
        "url": SECRET_URL,
        "domain": "secret-source.example.org",
        "title": "My find",
        "publisher": "",
        "kind": "other",
        "reliability": "",
    }
    assert body["effective_reliability"] == "high"
    fresh = client.post(
        SOURCES,
        {"project": desk.project.id, "url": "https://other.example.org/new", "title": "Really new"},
        content_type="application/json",
    ).json()
    assert set(body) == set(fresh)
    assert fresh["effective_reliability"] == "high"
    assert Source.objects.filter(url=SECRET_URL).values_list("title", "kind", "reliability").get() == (
        SECRET_TITLE,
        "official_statement",
        "low",
    )
    assert client.get(f"{SOURCES}{desk.secret.id}/").status_code == 404


def test_creating_a_visible_existing_source_answers_200_with_it(desk):
    """A source the caller may see comes back as it is (200), as before."""
    response = client_for(desk.reviewers[0]).post(
        SOURCES,
        {"project": desk.project.id, "url": SECRET_URL, "title": "Other title"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["title"] == SECRET_TITLE


def test_a_hidden_source_cannot_be_changed_by_a_blind_member(desk):
    """Changing a hidden source answers 404 (not 403) in the API and the page, and changes nothing."""
    blind = desk.reviewers[1]
    client = client_for(blind)
    response = client.patch(
        f"{SOURCES}{desk.secret.id}/", {"title": "Renamed"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.post(f"/sources/{desk.secret.id}/reliability/", {"reliability": "low"}).status_code == 404
    assert Source.objects.filter(pk=desk.secret.pk).values_list("title", "reliability").get() == (
        SECRET_TITLE,
        "",
    )


def test_an_editor_rates_any_source_from_the_page(desk):
    """The reliability form works on every source for editors."""
    response = client_for(desk.editor).post(f"/sources/{desk.secret.id}/reliability/", {"reliability": "low"})
    assert response.status_code == 302
    assert Source.objects.get(pk=desk.secret.pk).reliability == "low"


def test_sources_of_an_adjudication_show_to_those_who_may_see_it():
    """A source an editor added with an adjudication is hidden, like verdict evidence, from members
    who may not see that adjudication (a reviewer who did not judge the claim)."""
    desk = make_desk(reviewers=3)
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="false")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="true")
    adjudicate(
        editor=desk.editor,
        annotation_id=claim.id,
        rating="mixed",
        rationale="Both have a point.",
        evidence=[{"url": "https://court.example.org/ruling", "title": "Ruling", "stance": "context"}],
    )
    source = Source.objects.get(url="https://court.example.org/ruling")
    assert (source.added_by, source.added_as_evidence) == (desk.editor, True)
    assert sources_visible_to(desk.reviewers[0]).filter(pk=source.pk).exists()
    assert not sources_visible_to(desk.reviewers[2]).filter(pk=source.pk).exists()
    assert client_for(desk.reviewers[2]).get(f"{SOURCES}{source.id}/").status_code == 404


def test_sources_cited_through_the_bulk_endpoint_are_hidden_too(desk):
    """Bulk verdicts add their sources as evidence, like single ones."""
    article = make_article(desk, text="Exports fell 8% in May.")
    body = {
        "annotations": [
            {
                "article": article.id,
                "start": 0,
                "end": 11,
                "quote": "Exports fel",
                "verdict": {
                    "rating": "false",
                    "confidence": "high",
                    "evidence": [{"url": "https://bulk.example.org/t", "stance": "refutes"}],
                },
            }
        ]
    }
    response = client_for(desk.reviewers[0]).post(
        "/api/v1/annotations/bulk/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    source = Source.objects.get(url="https://bulk.example.org/t")
    assert (source.added_by, source.added_as_evidence) == (desk.reviewers[0], True)
    assert not sources_visible_to(desk.reviewers[1]).filter(pk=source.pk).exists()


def test_domain_entries_are_seen_by_every_member(desk):
    """Domain entries come only from editors rating a domain, so every member sees them."""
    entry, _ = set_domain_reliability(project=desk.project, domain="example.org", reliability="medium")
    for user in [desk.annotator, desk.reviewers[1], desk.editor]:
        assert list(domains_visible_to(user)) == [entry]
        assert client_for(user).get(f"/api/v1/domains/{entry.id}/").status_code == 200


def many_cited_sources(desk, count: int = 10):
    """``count`` claims, each judged by reviewer 1 citing its own source, and as many library sources."""
    article = make_article(desk, text=" ".join(f"Claim {number} holds." for number in range(count)))
    for number in range(count):
        claim = make_annotation(desk, article=article, quote=f"Claim {number} holds")
        make_verdict(
            desk,
            annotation=claim,
            reviewer=desk.reviewers[0],
            evidence=[
                {
                    "url": f"https://cited.example.org/{number}",
                    "title": f"Cited {number}",
                    "stance": "supports",
                }
            ],
        )
        get_or_create_source(
            project=desk.project, url=f"https://library.example.org/{number}", actor=desk.editor
        )


@pytest.mark.parametrize(
    ("role", "index", "rows"), [("editor", None, 22), ("reviewer", 1, 11), ("reviewer", 0, 22)]
)
def test_source_list_query_count_is_flat(desk, django_assert_max_num_queries, role, index, rows):
    """The list costs the same few queries for any number of sources and any reader."""
    many_cited_sources(desk)
    user = desk.editor if index is None else desk.reviewers[index]
    client = client_for(user)
    with django_assert_max_num_queries(4):  # session, user, count, page
        body = client.get(SOURCES, {"page_size": 100}).json()
    assert body["count"] == rows
    with django_assert_max_num_queries(5):  # session, user, project, count, page
        page = client.get(f"/projects/{desk.project.id}/sources/")
    assert len(page.context["page"].object_list) == rows


def test_the_data_migration_marks_every_cited_source_as_evidence(desk):
    """Sources from before the change: those with evidence become hidden, the others stay shared."""
    migration = importlib.import_module("sources.migrations.0003_mark_cited_sources_as_evidence")
    # Rows as the schema migration leaves them: nothing recorded about how they were added.
    Source.objects.update(added_as_evidence=False, added_by=None)
    migration.mark_cited_sources(apps, None)
    assert sorted(Source.objects.values_list("url", "added_as_evidence")) == [
        (SHARED_URL, False),
        (SECRET_URL, True),
    ]
    assert not found_by_detail(desk.reviewers[1], desk)
    assert found_by_detail(desk.reviewers[0], desk)


def test_a_new_reviewer_joining_later_is_blind_to_earlier_sources(desk):
    """Membership alone reveals nothing: a reviewer added after the verdicts sees only shared sources."""
    newcomer = make_user()
    add_member(actor=desk.admin, project_id=desk.project.id, username=newcomer.username, role=Role.REVIEWER)
    assert list(sources_visible_to(newcomer).values_list("url", flat=True)) == [SHARED_URL]
