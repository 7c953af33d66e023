"""The review queues filtered by article, final rating, tag and reviewer, on the pages and in the API."""

import json

import pytest
from django.test import Client

from annotations.models import Rating
from annotations.services.review import adjudicate
from tests.conftest import built_for_the_module
from tests.factories import make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db

TEXT = "The river rose 3.2 metres overnight.\n\nThe mayor said 1,200 homes were flooded."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(scope="module")
def desk(django_db_setup, django_db_blocker):
    with built_for_the_module(django_db_blocker):
        yield build_desk()


def build_desk():
    """Two articles. On the first, a claim agreed as true (tag "water") and one resolved as
    mostly false; on the second, a claim agreed as false (tag "homes") and two claims nobody judged,
    one tagged "water"."""
    desk = make_desk()
    desk.river = make_article(desk, title="River report", text=TEXT)
    desk.city = make_article(desk, title="City report", text=TEXT)

    def claim(article, quote, ratings, tags=()):
        annotation = make_annotation(desk, article=article, quote=quote, tags=tags)
        for reviewer, rating in zip(desk.reviewers, ratings, strict=False):
            make_verdict(desk, annotation=annotation, reviewer=reviewer, rating=rating)
        return annotation

    desk.agreed_true = claim(desk.river, "The river rose", ["true", "true"], tags=["water"])
    desk.resolved = claim(desk.river, "1,200 homes", ["true", "false"])
    adjudicate(editor=desk.editor, annotation_id=desk.resolved.id, rating="mostly_false", rationale="Records")
    desk.agreed_false = claim(desk.city, "The mayor said", ["false", "false"], tags=["homes"])
    desk.open_water = claim(desk.city, "3.2 metres", [], tags=["water"])
    desk.open_plain = claim(desk.river, "overnight", [])
    return desk


def done(desk, user=None, **filters):
    response = client_for(user or desk.annotator).get(f"/projects/{desk.project.id}/queues/done/", filters)
    return response, {claim.pk for claim in response.context["page"]}


def to_review(desk, user, **filters):
    response = client_for(user).get(f"/projects/{desk.project.id}/queues/to-review/", filters)
    return response, {claim.pk for claim in response.context["page"]}


def test_the_done_page_filters_by_final_rating(desk):
    """Done lists the claims whose final rating (agreed or adjudicated) is the one chosen."""
    assert done(desk, rating="true")[1] == {desk.agreed_true.id}
    assert done(desk, rating="mostly_false")[1] == {desk.resolved.id}
    assert done(desk, rating="mixed")[1] == set()


def test_the_done_page_filters_by_article_tag_and_reviewer(desk):
    """Article, tag and reviewer narrow Done, and together they narrow further."""
    assert done(desk, article=desk.city.id)[1] == {desk.agreed_false.id}
    assert done(desk, tag="water")[1] == {desk.agreed_true.id}
    editor = desk.editor
    assert done(desk, editor, reviewer=desk.reviewers[0].username)[1] == {
        desk.agreed_true.id,
        desk.resolved.id,
        desk.agreed_false.id,
    }
    assert done(desk, editor, reviewer=desk.reviewers[0].username, article=desk.river.id, rating="true")[
        1
    ] == {desk.agreed_true.id}


def test_the_to_review_page_filters_by_article_and_tag(desk):
    """A reviewer's queue to review narrows to one article or one tag."""
    reviewer = desk.reviewers[0]
    assert to_review(desk, reviewer)[1] == {desk.open_water.id, desk.open_plain.id}
    assert to_review(desk, reviewer, tag="water")[1] == {desk.open_water.id}
    assert to_review(desk, reviewer, article=desk.river.id)[1] == {desk.open_plain.id}


def test_the_filter_form_applies_on_change_keeps_a_button_and_offers_the_row_s_article(desk):
    """The form is marked to apply on change (static/js/filters.js), keeps its submit button, and
    each row links to the claims of its article."""
    response, _ = to_review(desk, desk.reviewers[0])
    body = response.content.decode()
    assert "data-apply-on-change" in body
    assert '<button type="submit">Filter</button>' in body
    assert "js/filters.js" in body
    assert f"?article={desk.river.id}" in body
    filtered, _ = to_review(desk, desk.reviewers[0], article=desk.river.id)
    assert "Claims of “River report”" in filtered.content.decode()


def test_the_rating_filter_is_offered_on_done_only(desk):
    """Only Done holds final ratings, so only Done offers the rating filter."""
    assert 'name="rating"' in done(desk)[0].content.decode()
    assert 'name="rating"' not in to_review(desk, desk.reviewers[0])[0].content.decode()


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"rating": "splendid"}, "Select a valid choice"),
        ({"article": "many"}, "Enter a whole number"),
        ({"article": "99999999999999999999"}, "less than or equal to"),
        ({"tag": "x" * 65}, "at most 64 characters"),
    ],
)
def test_a_bad_filter_is_a_message_on_the_page_and_the_queue_unfiltered(desk, filters, message):
    """A bad value answers 400 with a message, never a 500, and lists the queue as it is."""
    response, claims = done(desk, desk.editor, **filters)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "A filter could not be applied" in body
    assert claims == {desk.agreed_true.id, desk.resolved.id, desk.agreed_false.id}


def test_no_claim_matching_says_so(desk):
    """Filters that match nothing say so, instead of the empty queue's message."""
    response, _ = done(desk, tag="nothing-like-it")
    assert "No claim in this queue matches these filters." in response.content.decode()


def test_a_filtered_queue_page_runs_a_fixed_number_of_queries(desk, django_assert_max_num_queries):
    """Every filter at once costs the queries of the plain page."""
    for number in range(12):
        claim = make_annotation(desk, article=desk.river, quote=TEXT[number : number + 12], tags=["water"])
        for reviewer in desk.reviewers:
            make_verdict(desk, annotation=claim, reviewer=reviewer, rating="true")
    client = client_for(desk.editor)
    filters = {
        "rating": "true",
        "tag": "water",
        "article": desk.river.id,
        "reviewer": desk.reviewers[0].username,
    }
    with django_assert_max_num_queries(5):
        response = client.get(f"/projects/{desk.project.id}/queues/done/", filters)
    assert response.context["page"].paginator.count == 13


# The API --------------------------------------------------------------------------------------


def api_ids(api_client, name, **filters):
    response = api_client.get(f"/api/v1/queues/{name}/", filters)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_api_queues_take_the_same_filters(api_client, desk, django_assert_max_num_queries):
    """The queue endpoints filter by article, final rating, tag and reviewer, as the pages do."""
    api_client.force_authenticate(desk.editor)
    assert api_ids(api_client, "done", rating="true") == {desk.agreed_true.id}
    assert api_ids(api_client, "done", rating="mostly_false") == {desk.resolved.id}
    assert api_ids(api_client, "done", article=desk.city.id) == {desk.agreed_false.id}
    assert api_ids(api_client, "done", tag="water") == {desk.agreed_true.id}
    assert api_ids(api_client, "done", reviewer=desk.reviewers[1].username, rating="false") == {
        desk.agreed_false.id
    }
    api_client.force_authenticate(desk.reviewers[0])
    assert api_ids(api_client, "to_review", tag="water") == {desk.open_water.id}
    with django_assert_max_num_queries(6):
        api_client.get("/api/v1/queues/done/", {"tag": "water", "rating": "true", "article": desk.river.id})


@pytest.mark.parametrize("name", ["rating", "article", "status", "orphaned", "created_after", "project"])
def test_an_empty_value_where_the_schema_admits_none_is_a_400_naming_the_field(api_client, desk, name):
    """``rating=`` (or any enum, number, boolean or date-time given empty) answers 400 naming the
    parameter, as the schema gives it no empty value."""
    api_client.force_authenticate(desk.editor)
    for path in ("/api/v1/queues/done/", "/api/v1/annotations/"):
        response = api_client.get(path, {name: ""})
        assert response.status_code == 400, path
        assert response.json() == {name: ["Give a value, or leave the parameter out."]}


def test_an_empty_text_filter_is_no_filter(api_client, desk):
    """Text filters (a search, a tag, a username) may be empty, as the schema allows: no filter."""
    api_client.force_authenticate(desk.editor)
    everything = api_ids(api_client, "done")
    assert api_ids(api_client, "done", q="", tag="", reviewer="") == everything
    assert api_client.get("/api/v1/articles/", {"q": ""}).status_code == 200


def test_a_bad_rating_in_the_api_is_a_400_naming_the_field(api_client, desk):
    """An unknown rating is a 400 naming ``rating``."""
    api_client.force_authenticate(desk.editor)
    response = api_client.get("/api/v1/queues/done/", {"rating": "splendid"})
    assert response.status_code == 400
    assert list(response.json()) == ["rating"]


def test_every_rating_value_is_a_final_rating(desk):
    """The rating filter offers every rating of the scale, and nothing else."""
    response, _ = done(desk)
    choices = [value for value, _label in response.context["filters"].fields["rating"].choices]
    assert choices == ["", *Rating.values]


def test_the_done_downloads_carry_the_queue_s_filters(desk):
    """Done's download buttons export the claims the filtered list shows."""
    response, _ = done(desk, rating="true", tag="water")
    query = response.context["export_query"]
    assert "rating=true" in query
    assert "tag=water" in query
    assert "article=" not in query


def test_a_filtered_done_export_holds_the_listed_claims(desk):
    """The filtered Done list's JSONL download holds exactly the claims it lists."""
    response, listed = done(desk, desk.editor, rating="true")
    client = client_for(desk.editor)
    export = client.get(f"/api/v1/exports/claims.jsonl?{response.context['export_query']}")
    assert export.status_code == 200
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert {json.loads(line)["id"] for line in lines} == listed == {desk.agreed_true.id}


def test_the_agreement_scope_applies_on_change_and_keeps_its_button(desk):
    """The agreement page's article chooser is marked to apply on change and keeps Show."""
    body = client_for(desk.editor).get(f"/projects/{desk.project.id}/agreement/").content.decode()
    assert "data-apply-on-change" in body
    assert "js/filters.js" in body
    assert '<button type="submit">Show</button>' in body
