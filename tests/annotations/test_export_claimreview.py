"""ClaimReview export: schema.org JSON-LD of agreed and resolved claims, listed per project, one
claim's review, and the same as an embeddable <script> snippet; and the project settings it uses."""

import io
import json
import pathlib
import re
from datetime import UTC, datetime, timedelta, timezone

import jsonschema
import pytest
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from annotations.exports.claimreview import (
    claim_reviews_json,
    claim_reviews_stream,
    published_claims,
    published_reviews,
)
from annotations.models import Adjudication, Annotation, Project, Rating, Status, Verdict
from annotations.services.articles import add_revision
from annotations.services.projects import update_project
from annotations.services.review import adjudicate, merge_annotations, reopen
from annotations.services.verdicts import submit_verdict
from tests.factories import make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db

LIST = "/api/v1/exports/claimreview/"
TEXT = "The river rose 3.2 metres overnight.\n\nThe mayor said 1,200 homes were flooded."
SCALE_VALUES = {"false": 1, "mostly_false": 2, "mixed": 3, "mostly_true": 4, "true": 5}


def listed(response) -> list:
    """The streamed ClaimReview list of a 200 answer, read whole."""
    assert response.streaming
    return json.loads(b"".join(response.streaming_content))


def detail(claim_id) -> str:
    return f"{LIST}{claim_id}/"


def snippet(claim_id) -> str:
    return f"{LIST}{claim_id}/snippet/"


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def agree(desk, claim, rating="true"):
    """Two independent verdicts with the same rating: the claim is agreed."""
    for reviewer in desk.reviewers[:2]:
        make_verdict(desk, annotation=claim, reviewer=reviewer, rating=rating)
    claim.refresh_from_db()
    assert claim.status == Status.AGREED
    return claim


def completing_verdict_at(claim, required=2) -> datetime:
    verdicts = Verdict.objects.filter(annotation=claim, independent=True).order_by("id")
    return verdicts[required - 1].created_at


def standing_adjudication_at(claim) -> datetime:
    return Adjudication.objects.get(annotation=claim, superseded_at__isnull=True).created_at


def every_read(desk, claim):
    """(url, query) of the list, the claim's review and its snippet."""
    return [(LIST, {"project": desk.project.id}), (detail(claim.id), {}), (snippet(claim.id), {})]


def script_json(body: str):
    match = re.fullmatch(r'<script type="application/ld\+json">\n(.*)\n</script>', body, re.DOTALL)
    assert match, body
    return json.loads(match.group(1))


@pytest.fixture
def desk():
    return make_desk(reviewers=3)


@pytest.fixture
def article(desk):
    return make_article(
        desk,
        title="Floods in the valley",
        text=TEXT,
        url="https://news.example.org/floods",
        publisher="Valley Herald",
        author="Jo Reporter",
        published_at=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
    )


# Exact structure


def test_the_demo_desk_exports_its_agreed_and_resolved_claims_exactly():
    """The two agreed claims and the resolved one of the demo desk's short articles, in the order
    their ratings were settled, with every property; the disputed, unjudged and half-judged claims
    are left out. (The lead article's claims are counted in test_demo.py.)"""
    call_command("load_demo", stdout=io.StringIO())
    project = Project.objects.get(name="Demo desk")
    annotator = get_user_model().objects.get(username="annotator")
    response = client_of(annotator).get(LIST, {"project": project.id})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"

    volunteers = Annotation.objects.get(quote__startswith="1.4 million young people")
    rain = Annotation.objects.get(quote="São Paulo recorded 312 mm of rain in February")
    coffee = Annotation.objects.get(quote__startswith="drinking two to three cups")
    desk_author = {"@type": "Organization", "name": "Demo desk"}
    lead = "https://example.org/world/korean-peninsula-escalation"
    assert [review for review in listed(response) if review["itemReviewed"]["appearance"]["url"] != lead] == [
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": "1.4 million North Koreans volunteered for the army in one week.",
            "reviewRating": {"@type": "Rating", "alternateName": "Unverifiable"},
            "itemReviewed": {
                "@type": "Claim",
                "appearance": {
                    "@type": "NewsArticle",
                    "url": "https://example.org/news/north-korea-escalates",
                    "headline": "North Korea escalates: 1.4 million volunteers and artillery at the border",
                    "publisher": {"@type": "Organization", "name": "Seoul Morning Ledger"},
                    "datePublished": "2026-10-13T22:30:00Z",
                },
                "author": {"@type": "Person", "name": "Min-ji Park"},
                "datePublished": "2026-10-13T22:30:00Z",
            },
            "author": desk_author,
            "datePublished": iso(completing_verdict_at(volunteers)),
        },
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": "São Paulo had 312 mm of rain in February.",
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": 5,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": "True",
            },
            "itemReviewed": {
                "@type": "Claim",
                "appearance": {
                    "@type": "NewsArticle",
                    "url": "https://example.org/clima/sao-paulo-chuva",
                    "headline": "São Paulo's record rainfall: what the prefeitura said",
                    "publisher": {"@type": "Organization", "name": "Gazeta do Café"},
                    "datePublished": "2026-02-03T21:05:00Z",
                },
                "author": {"@type": "Person", "name": "João Araújo"},
                "datePublished": "2026-02-03T21:05:00Z",
            },
            "author": desk_author,
            "datePublished": iso(completing_verdict_at(rain)),
        },
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": (
                "Two to three cups of coffee a day are linked to a 12% lower risk of early death."
            ),
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": 4,
                "bestRating": 5,
                "worstRating": 1,
                "alternateName": "Mostly true",
            },
            "itemReviewed": {
                "@type": "Claim",
                "appearance": {
                    "@type": "NewsArticle",
                    "url": "https://example.org/health/coffee-years",
                    "headline": "Does coffee really add years to your life? ☕",
                    "publisher": {"@type": "Organization", "name": "Daily Wellness Crème"},
                    "datePublished": "2026-09-21T07:00:00Z",
                },
                "author": {"@type": "Person", "name": "Zoë Müller"},
                "datePublished": "2026-09-21T07:00:00Z",
            },
            "author": desk_author,
            "datePublished": iso(standing_adjudication_at(coffee)),
        },
    ]


def test_a_generated_desk_exports_the_settings_article_and_claim_exactly(desk, article):
    """The desk's publisher settings name the review's author and fill in its url; the article
    is the claim's appearance and its author the claim's author."""
    update_project(
        actor=desk.admin,
        project_id=desk.project.id,
        publisher_name="Valley Fact Desk",
        publisher_url="https://desk.example.org/",
        review_url_template="https://desk.example.org/p{project_id}/a{article_id}/checks/{claim_id}",
    )
    claim = agree(
        desk, make_annotation(desk, article=article, quote="1,200 homes", claim="  1,200 homes flooded. ")
    )
    response = client_of(desk.reviewers[2]).get(LIST, {"project": desk.project.id})
    assert response.status_code == 200
    expected = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://desk.example.org/p{desk.project.id}/a{article.id}/checks/{claim.id}",
        "claimReviewed": "1,200 homes flooded.",
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "True",
        },
        "itemReviewed": {
            "@type": "Claim",
            "appearance": {
                "@type": "NewsArticle",
                "url": "https://news.example.org/floods",
                "headline": "Floods in the valley",
                "publisher": {"@type": "Organization", "name": "Valley Herald"},
                "datePublished": "2026-03-04T05:06:07Z",
            },
            "author": {"@type": "Person", "name": "Jo Reporter"},
            "datePublished": "2026-03-04T05:06:07Z",
        },
        "author": {"@type": "Organization", "name": "Valley Fact Desk", "url": "https://desk.example.org/"},
        "datePublished": iso(completing_verdict_at(claim)),
    }
    assert listed(response) == [expected]
    assert client_of(desk.annotator).get(detail(claim.id)).json() == expected


@pytest.mark.parametrize("rating", Rating.values)
def test_every_rating_is_exported_on_the_truth_scale_or_by_its_label_alone(desk, article, rating):
    """Truth-scale ratings carry ratingValue 1..5 with bestRating 5 and worstRating 1; the others
    (misleading, unverifiable, not checkable) only their label."""
    agree(desk, make_annotation(desk, article=article, quote="The river rose"), rating=rating)
    (review,) = listed(client_of(desk.editor).get(LIST, {"project": desk.project.id}))
    label = str(Rating(rating).label)
    if rating in SCALE_VALUES:
        assert review["reviewRating"] == {
            "@type": "Rating",
            "ratingValue": SCALE_VALUES[rating],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": label,
        }
    else:
        assert review["reviewRating"] == {"@type": "Rating", "alternateName": label}


def test_unknown_article_metadata_and_settings_are_left_out(desk):
    """An article with no url, publisher, author or date appears by its headline alone; a claim
    never restated is reviewed by its quote; a desk with no settings is named by its project and
    its reviews carry no url."""
    bare = make_article(desk, title="Untitled post", text=TEXT)
    claim = agree(desk, make_annotation(desk, article=bare, quote="The mayor said"), rating="misleading")
    review = client_of(desk.annotator).get(detail(claim.id)).json()
    assert review == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": "The mayor said",
        "reviewRating": {"@type": "Rating", "alternateName": "Misleading"},
        "itemReviewed": {
            "@type": "Claim",
            "appearance": {"@type": "NewsArticle", "headline": "Untitled post"},
        },
        "author": {"@type": "Organization", "name": desk.project.name},
        "datePublished": iso(completing_verdict_at(claim)),
    }


def test_the_list_fits_the_documented_schema(desk, article):
    """Each review validates against the ClaimReview component of the OpenAPI schema."""
    update_project(
        actor=desk.admin, project_id=desk.project.id, review_url_template="https://d.example.org/{claim_id}"
    )
    agree(desk, make_annotation(desk, article=article, quote="The river rose"))
    agree(desk, make_annotation(desk, article=article, quote="The mayor said"), rating="unverifiable")
    schema = yaml.safe_load(Client().get("/api/schema/").content)
    operation = schema["paths"][LIST]["get"]
    shape = operation["responses"]["200"]["content"]["application/json"]["schema"]
    body = listed(client_of(desk.annotator).get(LIST, {"project": desk.project.id}))
    assert len(body) == 2
    jsonschema.validate(body, {**shape, "components": schema["components"]}, cls=jsonschema.Draft7Validator)
    review = schema["components"]["schemas"]["ClaimReview"]
    assert set(review["properties"]) == {
        "@context",
        "@type",
        "url",
        "claimReviewed",
        "reviewRating",
        "itemReviewed",
        "author",
        "datePublished",
    }
    assert {"200", "400", "401", "404"} <= set(operation["responses"])
    snippet_operation = schema["paths"][f"{LIST}{{annotation_id}}/snippet/"]["get"]
    assert set(snippet_operation["responses"]["200"]["content"]) == {"text/html"}
    assert {"200", "401", "404"} <= set(snippet_operation["responses"])


# Which claims, and when


def test_only_live_agreed_and_resolved_claims_are_published(desk, article):
    """Claims that need review, are disputed, lost their words or were merged into another have
    no review; their detail and snippet answer 404."""
    agreed = agree(desk, make_annotation(desk, article=article, quote="The river rose 3.2 metres"))
    resolved = make_annotation(desk, article=article, quote="1,200 homes")
    adjudicate(editor=desk.editor, annotation_id=resolved.id, rating="false", rationale="Checked.")
    waiting = make_annotation(desk, article=article, quote="The mayor said")
    make_verdict(desk, annotation=waiting, rating="true")
    disputed = make_annotation(desk, article=article, quote="overnight")
    make_verdict(desk, annotation=disputed, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=disputed, reviewer=desk.reviewers[1], rating="false")
    client = client_of(desk.editor)
    names = [review["claimReviewed"] for review in listed(client.get(LIST, {"project": desk.project.id}))]
    assert names == [agreed.quote, resolved.quote]
    for claim in (waiting, disputed):
        assert client.get(detail(claim.id)).status_code == 404
        assert client.get(snippet(claim.id)).status_code == 404

    add_revision(actor=desk.annotator, article_id=article.id, text="The mayor said 1,200 homes were flooded.")
    agreed.refresh_from_db()
    assert agreed.orphaned and agreed.status == Status.AGREED
    names = [review["claimReviewed"] for review in listed(client.get(LIST, {"project": desk.project.id}))]
    assert names == [resolved.quote]
    assert client.get(detail(agreed.id)).status_code == 404


def test_a_claim_merged_into_another_is_not_published(desk, article):
    """After a merge the kept claim is published with the verdicts it received; the merged one is not."""
    kept = make_annotation(desk, article=article, quote="The river rose 3.2 metres")
    merged = make_annotation(
        desk, article=article, quote="river rose 3.2 metres overnight", author=desk.editor
    )
    for reviewer in desk.reviewers[:2]:
        make_verdict(desk, annotation=merged, reviewer=reviewer, rating="mixed")
    disagreement = kept.disagreements.get(kind="span")
    merge_annotations(editor=desk.editor, disagreement_id=disagreement.id, keep_id=kept.id)
    kept.refresh_from_db()
    assert kept.status == Status.AGREED
    client = client_of(desk.admin)
    body = listed(client.get(LIST, {"project": desk.project.id}))
    assert [review["claimReviewed"] for review in body] == [kept.quote]
    assert client.get(detail(merged.id)).status_code == 404


def test_date_published_is_when_the_final_rating_was_settled(desk, article):
    """Agreed: the independent verdict that completed the required number, not a later one
    confirming it nor an editor's; re-opened and agreed again: the re-opening; resolved: the
    standing adjudication, a newer one after re-opening."""
    claim = agree(desk, make_annotation(desk, article=article, quote="The river rose"))
    settled = completing_verdict_at(claim)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[2], rating="true")
    submit_verdict(reviewer=desk.editor, annotation_id=claim.id, rating="true", confidence="low")
    assert Verdict.objects.filter(annotation=claim).count() == 4
    client = client_of(desk.annotator)
    assert client.get(detail(claim.id)).json()["datePublished"] == iso(settled)

    adjudicate(editor=desk.editor, annotation_id=claim.id, rating="mostly_true", rationale="Nuance.")
    first = standing_adjudication_at(claim)
    assert client.get(detail(claim.id)).json()["datePublished"] == iso(first)
    reopen(editor=desk.editor, annotation_id=claim.id, reason="New data.")
    claim.refresh_from_db()
    assert claim.status == Status.AGREED
    reopened_at = Adjudication.objects.get(annotation=claim).superseded_at
    review = client.get(detail(claim.id)).json()
    assert review["datePublished"] == iso(reopened_at)
    assert review["reviewRating"]["alternateName"] == "True"
    adjudicate(editor=desk.editor, annotation_id=claim.id, rating="mixed", rationale="Again.")
    second = standing_adjudication_at(claim)
    assert second > first
    assert client.get(detail(claim.id)).json()["datePublished"] == iso(second)


# Filters


@pytest.fixture
def published(desk, article):
    """Three published claims: an agreed true, an agreed false, a resolved mixed on another article."""
    other = make_article(desk, title="Other", text="Rents rose 40% in a year.")
    true = agree(desk, make_annotation(desk, article=article, quote="The river rose"), rating="true")
    false = agree(desk, make_annotation(desk, article=article, quote="1,200 homes"), rating="false")
    mixed = make_annotation(desk, article=other, quote="Rents rose 40%")
    adjudicate(editor=desk.editor, annotation_id=mixed.id, rating="mixed", rationale="Partly.")
    return true, false, mixed


def quotes(response) -> list[str]:
    assert response.status_code == 200
    return [review["claimReviewed"] for review in listed(response)]


def test_filters_by_article_rating_and_publication_range(desk, article, published):
    """article, rating and published_after (inclusive) / published_before (exclusive) narrow the list."""
    true, false, mixed = published
    client = client_of(desk.reviewers[2])
    project = desk.project.id
    assert quotes(client.get(LIST, {"project": project})) == [true.quote, false.quote, mixed.quote]
    assert quotes(client.get(LIST, {"project": project, "article": article.id})) == [true.quote, false.quote]
    assert quotes(client.get(LIST, {"project": project, "rating": "false"})) == [false.quote]
    assert quotes(client.get(LIST, {"project": project, "rating": "misleading"})) == []
    second = completing_verdict_at(false)
    assert quotes(client.get(LIST, {"project": project, "published_after": iso(second)})) == [
        false.quote,
        mixed.quote,
    ]
    assert quotes(client.get(LIST, {"project": project, "published_before": iso(second)})) == [true.quote]
    just_after = second + timedelta(microseconds=1)
    in_range = {"project": project, "published_after": iso(second), "published_before": iso(just_after)}
    assert quotes(client.get(LIST, in_range)) == [false.quote]
    in_seoul = just_after.astimezone(timezone(timedelta(hours=9))).isoformat()
    assert quotes(client.get(LIST, {"project": project, "published_before": in_seoul})) == [
        true.quote,
        false.quote,
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "project"),
        ({"project": "abc"}, "project"),
        ({"project": "0"}, "project"),
        ({"project": "1e300"}, "project"),
        ({"article": "x"}, "article"),
        ({"article": "99999999"}, "article"),
        ({"rating": "bogus"}, "rating"),
        ({"published_after": "yesterday"}, "published_after"),
        ({"published_before": "9999-12-31T23:59:59-05:00"}, "published_before"),
        (
            {"published_after": "2026-02-01T00:00:00Z", "published_before": "2026-01-01T00:00:00Z"},
            "published_before",
        ),
    ],
)
def test_bad_filter_values_answer_400_naming_the_field(desk, published, query, field):
    """A missing project and values that cannot be used are 400 with the field named."""
    params = {"project": desk.project.id, **query} if field != "project" else query
    response = client_of(desk.editor).get(LIST, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()


def test_an_article_of_another_project_is_refused_as_a_filter(desk, published):
    """The article filter names articles of the project given; another desk's article is a 400 that
    says no more than for an unknown id."""
    other = make_desk()
    foreign = make_article(other)
    response = client_of(desk.editor).get(LIST, {"project": desk.project.id, "article": foreign.id})
    assert response.status_code == 400
    assert response.json() == {"article": ["This project has no article with this id."]}


def test_the_list_runs_a_fixed_number_of_queries(desk, django_assert_num_queries):
    """Twelve published claims over three articles take as many queries as one: the project, the
    claims (and the article, when filtered by one)."""
    articles = [make_article(desk, title=f"Article {n}", text=TEXT) for n in range(3)]
    first = agree(desk, make_annotation(desk, article=articles[0], quote="The river rose"))
    client = client_of(desk.annotator)
    with django_assert_num_queries(2):
        assert len(listed(client.get(LIST, {"project": desk.project.id}))) == 1
    for each in articles:
        for quote in ("The river rose", "3.2 metres", "overnight", "The mayor said"):
            if (each, quote) != (articles[0], "The river rose"):
                agree(desk, make_annotation(desk, article=each, quote=quote), rating="mostly_false")
    adjudicate(editor=desk.editor, annotation_id=first.id, rating="false", rationale="Settled.")
    with django_assert_num_queries(2):
        assert len(listed(client.get(LIST, {"project": desk.project.id}))) == 12
    with django_assert_num_queries(3):
        assert len(listed(client.get(LIST, {"project": desk.project.id, "article": articles[1].id}))) == 4


# The snippet


def test_the_snippet_is_one_script_element_holding_the_review(desk, article):
    """The snippet answers text/html: exactly one application/ld+json script element whose JSON is
    the claim's review."""
    claim = agree(desk, make_annotation(desk, article=article, quote="The river rose"))
    client = client_of(desk.reviewers[0])
    response = client.get(snippet(claim.id))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    body = response.content.decode()
    assert body.count("<script") == 1 and body.count("</script>") == 1
    assert script_json(body) == client.get(detail(claim.id)).json()


def test_claim_text_cannot_break_out_of_the_snippet(desk, article):
    """<, > and & in a claim's words are written as JSON escapes, so a restatement holding
    </script>, a comment opener or an entity cannot end the element or inject markup, and the JSON
    still reads back the exact words."""
    words = 'Homes </script><script>alert("x")</script> <!-- & &amp; </SCRIPT >'
    claim = agree(desk, make_annotation(desk, article=article, quote="1,200 homes", claim=words))
    body = client_of(desk.editor).get(snippet(claim.id)).content.decode()
    inner = body.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert" in inner
    assert "\\u003c!--" in inner and "\\u0026amp;" in inner
    assert script_json(body)["claimReviewed"] == words


def test_snippet_errors_answer_json_whatever_the_accept_header(desk, article):
    """An unpublished claim's snippet is a JSON 404 even for a client asking for HTML only."""
    claim = make_annotation(desk, article=article, quote="The river rose")
    response = client_of(desk.editor).get(snippet(claim.id), HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    agree(desk, claim)
    response = client_of(desk.editor).get(snippet(claim.id), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


# Blind review and roles


def test_a_reviewer_who_has_not_judged_sees_the_published_review_but_nothing_of_the_verdicts(desk, article):
    """Final ratings are public to members: a reviewer who gave no verdict gets the agreed claim's
    review, and no reviewer, rationale or evidence in it; a disputed claim shows nowhere."""
    claim = make_annotation(desk, article=article, quote="The river rose")
    for reviewer in desk.reviewers[:2]:
        make_verdict(
            desk,
            annotation=claim,
            reviewer=reviewer,
            rating="mostly_true",
            rationale=f"Secret rationale of {reviewer.username}.",
            evidence=[{"url": f"https://evidence.example.org/{reviewer.username}", "stance": "supports"}],
        )
    disputed = make_annotation(desk, article=article, quote="1,200 homes")
    make_verdict(desk, annotation=disputed, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=disputed, reviewer=desk.reviewers[1], rating="false")
    blind = client_of(desk.reviewers[2])
    for url, params in every_read(desk, claim):
        response = blind.get(url, params)
        assert response.status_code == 200
        text = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        assert "Mostly true" in text
        for secret in ("Secret rationale", "evidence.example.org", "1,200 homes", "Disputed"):
            assert secret not in text
        for reviewer in desk.reviewers:
            assert reviewer.username not in text
    assert blind.get(detail(disputed.id)).status_code == 404
    assert listed(blind.get(LIST, {"project": desk.project.id})) == listed(
        client_of(desk.editor).get(LIST, {"project": desk.project.id})
    )


@pytest.mark.parametrize("role", ["annotator", "reviewer", "editor", "admin"])
def test_every_member_gets_the_same_reviews(desk, published, role):
    """Annotators, reviewers, editors and admins all get every published review of their project."""
    user = {
        "annotator": desk.annotator,
        "reviewer": desk.reviewers[0],
        "editor": desk.editor,
        "admin": desk.admin,
    }[role]
    client = client_of(user)
    body = listed(client.get(LIST, {"project": desk.project.id}))
    assert len(body) == 3
    assert body == listed(client_of(desk.admin).get(LIST, {"project": desk.project.id}))
    assert client.get(detail(published[2].id)).status_code == 200
    assert client.get(snippet(published[2].id)).status_code == 200


def test_outsiders_get_404_and_anonymous_callers_401(desk, published):
    """Another desk's admin learns nothing: its project, claims and snippets all answer 404."""
    claim = published[0]
    outsider = client_of(make_desk().admin)
    for url, params in every_read(desk, claim):
        response = outsider.get(url, params)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()
        anonymous = APIClient().get(url, params)
        assert anonymous.status_code == 401, url
        assert "detail" in anonymous.json()
    assert outsider.get(detail(999_999_999)).status_code == 404


# Project settings


def test_admins_set_the_publisher_settings_through_the_project_api(desk):
    """The settings are part of the project; admins change them, other members may not."""
    url = f"/api/v1/projects/{desk.project.id}/"
    settings = {
        "publisher_name": "Valley Fact Desk",
        "publisher_url": "https://desk.example.org/",
        "review_url_template": "https://desk.example.org/checks/{claim_id}?a={article_id}&p={project_id}",
    }
    before = client_of(desk.annotator).get(url).json()
    assert {key: before[key] for key in settings} == dict.fromkeys(settings, "")
    for member in (desk.annotator, desk.reviewers[0], desk.editor):
        assert client_of(member).patch(url, settings, format="json").status_code == 403
    response = client_of(desk.admin).patch(url, settings, format="json")
    assert response.status_code == 200
    assert {key: response.json()[key] for key in settings} == settings
    assert {key: client_of(desk.annotator).get(url).json()[key] for key in settings} == settings
    cleared = client_of(desk.admin).patch(url, dict.fromkeys(settings, ""), format="json")
    assert cleared.status_code == 200
    assert {key: cleared.json()[key] for key in settings} == dict.fromkeys(settings, "")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("review_url_template", "https://desk.example.org/checks/{id}", "Unknown placeholder {id}"),
        ("review_url_template", "https://desk.example.org/checks/{claim_id", "Unbalanced braces"),
        ("review_url_template", "https://desk.example.org/checks/}", "Unbalanced braces"),
        ("review_url_template", "https://desk.example.org/checks/{}", "Unknown placeholder {}"),
        ("review_url_template", "https://desk.example.org/{claim_id.real}", "Unknown placeholder"),
        ("review_url_template", "https://desk.example.org/{claim_id:x}", "plainly"),
        ("review_url_template", "https://desk.example.org/{claim_id!r}", "plainly"),
        ("review_url_template", "ftp://desk.example.org/{claim_id}", "http or https"),
        ("review_url_template", "javascript:alert({claim_id})", "http or https"),
        ("review_url_template", "/checks/{claim_id}", "http or https"),
        ("publisher_url", "ftp://desk.example.org/", "http or https"),
        ("publisher_url", "not an address", "valid URL"),
        ("publisher_name", "x" * 201, "200"),
    ],
)
def test_bad_publisher_settings_are_400_naming_the_field_and_change_nothing(desk, field, value, reason):
    """The review URL template must be an http(s) address naming only {claim_id}, {article_id} and
    {project_id}, plainly; the publisher url an http(s) address."""
    response = client_of(desk.admin).patch(
        f"/api/v1/projects/{desk.project.id}/", {field: value}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert reason in " ".join(response.json()[field])
    project = Project.objects.get(pk=desk.project.id)
    assert (project.publisher_name, project.publisher_url, project.review_url_template) == ("", "", "")


def test_the_review_url_fills_every_placeholder(desk, article):
    """{claim_id}, {article_id} and {project_id} are filled in; doubled braces stand for braces."""
    update_project(
        actor=desk.admin,
        project_id=desk.project.id,
        review_url_template="https://desk.example.org/{project_id}/{article_id}/{claim_id}#{{c{claim_id}}}",
    )
    claim = agree(desk, make_annotation(desk, article=article, quote="The river rose"))
    review = client_of(desk.annotator).get(detail(claim.id)).json()
    assert (
        review["url"] == f"https://desk.example.org/{desk.project.id}/{article.id}/{claim.id}#{{c{claim.id}}}"
    )


# The claim panel


def page_of(user, claim, **headers):
    client = Client()
    client.force_login(user)
    return client.get(reverse("annotations:annotation-detail", args=[claim.id]), headers=headers)


def test_the_panel_of_a_published_claim_offers_its_snippet_to_copy(desk, article):
    """An agreed or resolved claim's panel shows its snippet, escaped, in a read-only text area with
    a Copy button (shown by the page's script); the page and the panel fragment alike."""
    claim = agree(
        desk, make_annotation(desk, article=article, quote="The river rose", claim="Rose <b>3.2</b> m")
    )
    expected = client_of(desk.annotator).get(snippet(claim.id)).content.decode()
    for headers in ({}, {"X-Fragment": "panel"}):
        response = page_of(desk.reviewers[2], claim, **headers)
        assert response.status_code == 200
        html = response.content.decode()
        textarea = re.search(
            r"<textarea id=\"claimreview-snippet-\d+\"[^>]*>(.*?)</textarea>", html, re.DOTALL
        )
        assert textarea, html
        assert " readonly" in textarea.group(0)
        assert textarea.group(1) == escape(expected)
        assert f'data-copy="claimreview-snippet-{claim.id}"' in html
        assert "<b>3.2</b>" not in html
    # The copy button's script comes with the panel's own (claim.js and reader.js import panel.js).
    assert "js/claim.js" in page_of(desk.annotator, claim).content.decode()
    panel_script = pathlib.Path(settings.BASE_DIR, "static", "js", "panel.js").read_text()
    assert 'import "./copy.js";' in panel_script
    adjudicate(editor=desk.editor, annotation_id=claim.id, rating="mixed", rationale="Nuance.")
    assert "claimreview-snippet" in page_of(desk.annotator, claim).content.decode()


def test_the_panel_of_an_unpublished_claim_has_no_snippet(desk, article):
    """A claim that needs review or is disputed offers nothing to publish."""
    claim = make_annotation(desk, article=article, quote="The river rose")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    assert "claimreview-snippet" not in page_of(desk.reviewers[0], claim).content.decode()
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    assert "claimreview-snippet" not in page_of(desk.editor, claim).content.decode()


def test_anonymous_and_unknown_ids_never_answer_500(desk):
    """Ids beyond any row are 404 for members too."""
    client = client_of(desk.admin)
    for url in (detail(2**63 - 1), snippet(2**63 - 1), detail(99999999999999999999)):
        assert client.get(url).status_code == 404


# How the list is read and written


def test_line_separators_in_a_claim_are_escaped_and_read_back(desk, article):
    """U+2028 and U+2029 in a claim's text are written as JSON escapes, as the rest of the API's
    JSON writes them, and read back as the same characters."""
    text = "Up\u2028and\u2029over"
    claim = agree(desk, make_annotation(desk, article=article, quote="3.2 metres", claim=text))
    response = client_of(desk.editor).get(LIST, {"project": desk.project.id})
    assert response["Content-Type"] == "application/json"
    body = b"".join(response.streaming_content)
    assert "\u2028".encode() not in body
    assert b"Up\\u2028and\\u2029over" in body
    assert json.loads(body)[0]["claimReviewed"] == "Up\u2028and\u2029over"
    assert json.loads(body)[0] == client_of(desk.editor).get(detail(claim.id)).json()


def test_the_streamed_list_is_the_same_document_as_the_whole_array(desk, article):
    """The list streams a chunk of reviews at a time: its bytes are those of the whole array
    written at once (orjson's list, separators escaped), whatever the chunk size, and an empty
    list is ``[]``."""
    assert listed(client_of(desk.editor).get(LIST, {"project": desk.project.id})) == []
    texts = ["Up\u2028and over", "The river rose", "Down\u2029and under", "3.2 metres", "overnight"]
    for index, text in enumerate(texts):
        quote = ("The river rose", "3.2 metres", "overnight", "The mayor said", "1,200 homes")[index]
        agree(desk, make_annotation(desk, article=article, quote=quote, claim=text), rating="mixed")

    def reviews():
        return published_claims(published_reviews(desk.editor, desk.project))

    whole = claim_reviews_json(reviews(), desk.project)
    assert len(json.loads(whole)) == len(texts)
    for per_chunk in (1, 2, 5, 500):
        chunks = list(claim_reviews_stream(reviews(), desk.project, per_chunk=per_chunk))
        assert b"".join(chunks) == whole
        assert len(chunks) == len(texts) // per_chunk + 1
    response = client_of(desk.annotator).get(LIST, {"project": desk.project.id})
    assert response.streaming
    assert b"".join(response.streaming_content) == whole


def test_the_list_computes_nothing_of_blind_review_for_its_claims(desk, article):
    """Published reviews are the same for every member, so the claims' query reads no verdict of
    the caller's and no blind-review setting: each such subquery ran once a claim, and made the
    query's estimated cost grow past the point where PostgreSQL compiles it."""
    agree(desk, make_annotation(desk, article=article, quote="3.2 metres"))
    with CaptureQueriesContext(connection) as queries:
        assert len(listed(client_of(desk.reviewers[2]).get(LIST, {"project": desk.project.id}))) == 1
    sqls = [query["sql"] for query in queries.captured_queries]
    (claims,) = [sql for sql in sqls if "annotations_annotation" in sql]
    assert "review_blind" not in claims
    assert claims.count("reviewer_id") == 0
