"""The pages through Django's test client: who may see and do what, blind review, escaping."""

import pytest
from django.test import Client

from annotations.models import Membership, Role, Verdict
from annotations.services.verdicts import submit_verdict
from sources.models import Source
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def verdict_data(*, rating="true", confidence="high", rationale="", evidence=(), version=None) -> dict:
    data = {
        "rating": rating,
        "confidence": confidence,
        "rationale": rationale,
        "evidence-TOTAL_FORMS": str(len(evidence)),
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(evidence):
        data.update({f"evidence-{index}-{field}": value for field, value in row.items()})
    if version is not None:
        data["version"] = str(version)
    return data


@pytest.fixture
def desk():
    return make_desk()


@pytest.fixture
def claim(desk):
    return make_annotation(desk, article=make_article(desk, text=EMOJI_TEXT), quote="😀 prices rose 12%")


def page_urls(desk, claim) -> list[str]:
    project, article = desk.project.id, claim.article_id
    return [
        f"/projects/{project}/",
        f"/projects/{project}/articles/",
        f"/projects/{project}/articles/import/",
        f"/projects/{project}/sources/",
        f"/projects/{project}/members/",
        f"/articles/{article}/",
        f"/articles/{article}/?claim={claim.id}",
        f"/annotations/{claim.id}/",
        f"/history/annotation/{claim.id}/",
    ]


@pytest.mark.parametrize("role", list(Role))
def test_every_page_opens_for_every_role(desk, claim, role):
    client = client_for(desk.member(role))
    for url in page_urls(desk, claim):
        response = client.get(url)
        assert response.status_code == 200, url


def test_outsiders_get_404_on_every_page(desk, claim):
    client = client_for(make_user())
    for url in page_urls(desk, claim):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_the_login_page(desk, claim):
    for url in page_urls(desk, claim):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next=")


def test_outsiders_get_404_on_every_form(desk, claim):
    make_verdict(desk, annotation=claim)
    source = Source.objects.get() if Source.objects.exists() else None
    client = client_for(make_user())
    posts = [
        (f"/articles/{claim.article_id}/annotations/", {}),
        (f"/annotations/{claim.id}/verdict/", verdict_data()),
        (f"/annotations/{claim.id}/claim/", {"claim": "x", "version": "1"}),
        (f"/projects/{desk.project.id}/members/add/", {"username": "x", "role": "admin"}),
        (f"/projects/{desk.project.id}/members/{desk.editor.username}/role/", {"role": "admin"}),
        (f"/projects/{desk.project.id}/members/{desk.editor.username}/remove/", {}),
    ]
    if source:
        posts.append((f"/sources/{source.id}/reliability/", {"reliability": "high"}))
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert Membership.objects.filter(project=desk.project).count() == 5


def test_an_annotator_sees_no_verdict_form_and_cannot_post_one(desk, claim):
    client = client_for(desk.annotator)
    page = client.get(f"/annotations/{claim.id}/").content.decode()
    assert 'id="verdict-form"' not in page
    assert "Reviewers give verdicts" in page
    response = client.post(f"/annotations/{claim.id}/verdict/", verdict_data())
    assert response.status_code == 403
    assert not Verdict.objects.exists()


def test_a_reviewer_gives_a_verdict_through_the_form(desk, claim):
    client = client_for(desk.reviewers[0])
    evidence = [{"url": "https://stats.example.org/prices", "title": "Price index", "stance": "refutes"}]
    response = client.post(
        f"/annotations/{claim.id}/verdict/",
        verdict_data(rating="mostly_false", rationale="The index says 3%.", evidence=evidence),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{claim.article_id}/?claim={claim.id}"
    verdict = Verdict.objects.get()
    assert (verdict.reviewer, verdict.rating, verdict.rationale) == (
        desk.reviewers[0],
        "mostly_false",
        "The index says 3%.",
    )
    assert [piece.source.url for piece in verdict.evidence.all()] == ["https://stats.example.org/prices"]


def test_the_panel_fragment_answers_the_panel_alone(desk, claim):
    client = client_for(desk.reviewers[0])
    response = client.get(f"/annotations/{claim.id}/", headers={"X-Fragment": "panel"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="panel-body"')
    assert "<html" not in html
    assert "X-Fragment" in response["Vary"]


def test_editing_a_verdict_keeps_one_verdict_and_records_the_change(desk, claim):
    verdict = make_verdict(desk, annotation=claim, rating="true", rationale="First look.")
    client = client_for(desk.reviewers[0])
    response = client.post(
        f"/annotations/{claim.id}/verdict/",
        verdict_data(rating="mixed", rationale="Second look.", version=verdict.version),
        headers={"X-Fragment": "panel"},
    )
    assert response.status_code == 200
    assert "Your verdict is changed." in response.content.decode()
    verdict.refresh_from_db()
    assert (verdict.rating, verdict.rationale, verdict.version) == ("mixed", "Second look.", 2)
    assert Verdict.objects.count() == 1


def test_blind_review_hides_the_first_verdict_until_the_second_reviewer_gives_theirs(desk, claim):
    make_verdict(
        desk, annotation=claim, reviewer=desk.reviewers[0], rating="false", rationale="First secret."
    )
    second = client_for(desk.reviewers[1])
    before = second.get(f"/articles/{claim.article_id}/?claim={claim.id}").content.decode()
    assert "First secret." not in before
    assert "Hidden until you give your own verdict" in before
    history = second.get(f"/history/annotation/{claim.id}/").content.decode()
    assert "gave a verdict" not in history
    home = second.get(f"/projects/{desk.project.id}/").content.decode()
    assert "gave a verdict" not in home

    response = second.post(
        f"/annotations/{claim.id}/verdict/", verdict_data(rating="false"), headers={"X-Fragment": "panel"}
    )
    assert response.status_code == 200
    after = response.content.decode()
    assert "First secret." in after
    assert "Hidden until" not in after

    editor_view = client_for(desk.editor).get(f"/annotations/{claim.id}/").content.decode()
    assert "First secret." in editor_view


def test_an_annotator_never_sees_verdicts(desk, claim):
    make_verdict(desk, annotation=claim, rationale="Reviewer eyes only.")
    page = client_for(desk.annotator).get(f"/annotations/{claim.id}/").content.decode()
    assert "Reviewer eyes only." not in page


def test_only_editors_set_a_sources_reliability(desk, claim):
    make_verdict(desk, annotation=claim, evidence=[{"url": "https://example.org/a", "stance": "context"}])
    source = Source.objects.get()
    url = f"/sources/{source.id}/reliability/"
    assert client_for(desk.reviewers[0]).post(url, {"reliability": "low"}).status_code == 403
    source.refresh_from_db()
    assert source.reliability == ""
    listing = client_for(desk.reviewers[0]).get(f"/projects/{desk.project.id}/sources/").content.decode()
    assert url not in listing

    response = client_for(desk.editor).post(url, {"reliability": "low"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.reliability == "low"


def test_source_list_shows_effective_reliability_and_filters(desk, claim):
    from sources.services import set_domain_reliability

    make_verdict(
        desk,
        annotation=claim,
        evidence=[
            {"url": "https://news.example.org/a", "title": "Example news", "stance": "context"},
            {"url": "https://other.example.net/b", "title": "Other page", "stance": "refutes"},
        ],
    )
    set_domain_reliability(project=desk.project, domain="example.org", reliability="high")
    client = client_for(desk.reviewers[0])
    page = client.get(f"/projects/{desk.project.id}/sources/").content.decode()
    assert "Example news" in page and "from its domain" in page
    filtered = client.get(f"/projects/{desk.project.id}/sources/?reliability=unrated").content.decode()
    assert "Other page" in filtered and "Example news" not in filtered


def test_only_admins_manage_members(desk):
    url = f"/projects/{desk.project.id}/members/add/"
    newcomer = make_user()
    joining = {"username": newcomer.username, "role": "reviewer"}
    assert client_for(desk.editor).post(url, joining).status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()
    page = client_for(desk.editor).get(f"/projects/{desk.project.id}/members/").content.decode()
    assert "Add a member" not in page

    admin = client_for(desk.admin)
    assert admin.post(url, joining).status_code == 302
    assert Membership.objects.get(user=newcomer).role == Role.REVIEWER
    change = f"/projects/{desk.project.id}/members/{newcomer.username}/role/"
    assert admin.post(change, {"role": "editor"}).status_code == 302
    assert Membership.objects.get(user=newcomer).role == Role.EDITOR
    remove = f"/projects/{desk.project.id}/members/{newcomer.username}/remove/"
    assert admin.post(remove).status_code == 302
    assert not Membership.objects.filter(user=newcomer).exists()


def test_user_text_is_escaped_everywhere(desk):
    article = make_article(desk, title=XSS, text=f"Intro. {XSS} said 12 people.")
    claim = make_annotation(desk, article=article, quote=XSS, claim=XSS, tags=[XSS])
    make_verdict(
        desk,
        annotation=claim,
        rationale=XSS,
        evidence=[{"url": "https://example.org/x", "title": XSS, "stance": "refutes", "quote": XSS}],
    )
    client = client_for(desk.editor)
    for url in [
        f"/articles/{article.id}/?claim={claim.id}",
        f"/annotations/{claim.id}/",
        f"/projects/{desk.project.id}/",
        f"/projects/{desk.project.id}/articles/",
        f"/projects/{desk.project.id}/sources/",
        f"/history/annotation/{claim.id}/",
    ]:
        html = client.get(url).content.decode()
        assert "<img" not in html, url
        assert ESCAPED in html, url


def test_the_reader_marks_claims_that_await_my_verdict(desk, claim):
    other = make_annotation(desk, article=claim.article, quote="The mayor denied it.")
    make_verdict(desk, annotation=claim)
    page = client_for(desk.reviewers[0]).get(f"/articles/{claim.article_id}/").content.decode()
    assert page.count("needs your verdict") == 1
    assert f'data-claim-item="{other.id}"' in page


def test_project_home_counts_claims_by_status_and_those_awaiting_me(desk, claim):
    article = claim.article
    second = make_annotation(desk, article=article, quote="The mayor denied it.")
    make_verdict(desk, annotation=second, reviewer=desk.reviewers[1])
    submit_verdict(reviewer=desk.reviewers[0], annotation_id=second.id, rating="false", confidence="low")
    response = client_for(desk.reviewers[0]).get(f"/projects/{desk.project.id}/")
    assert response.context["counts"]["needs_review"] == 1
    assert response.context["counts"]["disputed"] == 1
    assert response.context["to_review"] == 1
    assert client_for(desk.annotator).get(f"/projects/{desk.project.id}/").context["to_review"] is None


def test_article_list_searches_filters_and_paginates(desk):
    for number in range(30):
        make_article(desk, title=f"Report number {number}", publisher="Daily Ledger" if number % 2 else "")
    awaited = make_article(desk, title="Flood story")
    make_annotation(desk, article=awaited)
    client = client_for(desk.reviewers[0])
    first = client.get(f"/projects/{desk.project.id}/articles/")
    assert len(first.context["page"].object_list) == 25
    assert first.context["page"].paginator.num_pages == 2
    assert "Page 1 of 2" in first.content.decode()
    found = client.get(f"/projects/{desk.project.id}/articles/?q=number+7")
    assert [a.title for a in found.context["page"]] == ["Report number 7"]
    by_publisher = client.get(f"/projects/{desk.project.id}/articles/?q=daily+ledger")
    assert by_publisher.context["page"].paginator.count == 15
    needs = client.get(f"/projects/{desk.project.id}/articles/?status=needs_review")
    assert [a.title for a in needs.context["page"]] == ["Flood story"]
    awaiting = client.get(f"/projects/{desk.project.id}/articles/?awaiting=on")
    assert [(a.title, a.n_awaiting_me) for a in awaiting.context["page"]] == [("Flood story", 1)]


def test_a_bad_filter_is_shown_next_to_its_field(desk):
    response = client_for(desk.annotator).get(f"/projects/{desk.project.id}/articles/?status=nonsense")
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_history_of_an_unknown_object_is_404(desk):
    client = client_for(desk.editor)
    assert client.get("/history/annotation/999999/").status_code == 404
    assert client.get("/history/nonsense/1/").status_code == 404


def test_a_resolved_claim_shows_its_verdicts_frozen(desk, claim):
    from annotations.services.review import adjudicate

    make_verdict(desk, annotation=claim, rating="true")
    adjudicate(editor=desk.editor, annotation_id=claim.id, rating="mostly_true", rationale="Checked.")
    for user in [desk.reviewers[0], desk.reviewers[1]]:
        page = client_for(user).get(f"/annotations/{claim.id}/").content.decode()
        assert 'id="verdict-form"' not in page
        assert "verdicts are frozen" in page
    response = client_for(desk.reviewers[1]).post(f"/annotations/{claim.id}/verdict/", verdict_data())
    assert response.status_code == 409
    assert "resolved" in response.content.decode()
    assert Verdict.objects.count() == 1


def test_a_claim_reworded_after_my_verdict_says_so_in_my_panel(desk, claim):
    from annotations.services.annotations import update_annotation

    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    url = f"/annotations/{claim.id}/"
    assert (
        "Reworded by an editor after your verdict"
        not in client_for(desk.reviewers[0]).get(url).content.decode()
    )
    update_annotation(actor=desk.editor, annotation_id=claim.id, claim="The river rose 3.2 m overnight.")
    assert (
        "Reworded by an editor after your verdict" in client_for(desk.reviewers[0]).get(url).content.decode()
    )
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="true")
    assert "Reworded by an editor" not in client_for(desk.reviewers[1]).get(url).content.decode()
