"""schema.org ClaimReview JSON-LD of published claims, as Google's fact-check guidelines ask for it
(developers.google.com/search/docs/appearance/structured-data/factcheck).

A claim is published once it is agreed or resolved, and live (not orphaned, not merged away): the
*done* queue. Its final rating is the desk's published result, which every member of the project
sees, so a ClaimReview carries nothing of blind review's secrets: no verdict, reviewer, rationale or
evidence, only the claim, its article and the final rating.

Each review has:

- ``claimReviewed``: the claim as restated, else its quote;
- ``reviewRating``: a ``Rating`` with the label as ``alternateName``; ratings on the truth scale add
  ``ratingValue`` 1..5 with ``bestRating`` 5 and ``worstRating`` 1; the others (misleading,
  unverifiable, not checkable) carry the label alone, having no place on a numeric scale;
- ``itemReviewed``: a ``Claim`` whose ``appearance`` is the article (a ``NewsArticle`` with its url,
  headline, publisher and date, as far as they are known), whose ``author`` is the article's author
  when set, and whose ``datePublished`` is the article's;
- ``author``: the desk, an ``Organization`` named by the project's ``publisher_name`` (the project's
  name when blank) with its ``publisher_url``;
- ``datePublished``: when the claim's final rating was settled (:func:`review_published_at`);
- ``url``: the project's ``review_url_template`` filled in; absent when the desk has set none.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import NamedTuple

import orjson
from django.db.models import Case, DateTimeField, Max, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404

from annotations.exports.tables import LINE_SEPARATORS
from annotations.models import (
    TRUTH_SCALE,
    Adjudication,
    Annotation,
    Article,
    Project,
    Rating,
    Status,
    Verdict,
)
from annotations.permissions import get_annotation_for
from annotations.selectors import queue

SCHEMA_ORG = "https://schema.org"
BEST_RATING = max(TRUTH_SCALE.values())
WORST_RATING = min(TRUTH_SCALE.values())

# Below every date: the re-opening date of a claim never re-opened, so that GREATEST (which is
# NULL on SQLite when any argument is) keeps the agreement's date alone.
NEVER = datetime(1, 1, 2, tzinfo=UTC)

# Characters that could end a <script> element, or start a comment or entity, inside one; JSON
# reads the escapes back as the same characters.
SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def review_published_at(required_verdicts: int):
    """When a published claim's final rating was settled, as an expression over annotations.

    Resolved: the standing adjudication's ``created_at``. Agreed: the moment the independent
    verdict that completed ``required_verdicts`` (in the order they were given) was given, or the
    claim was re-opened (its last adjudication superseded), whichever is later: re-opening a claim
    whose verdicts agree makes it agreed again. Statuses are derived, not recorded, so this is read
    from the verdicts: independent verdicts given after that one confirm the rating without moving
    the date, while a later change of the project's required number or a merge that brings in
    verdicts is not seen (the claim keeps the date of its completing verdict).
    """
    standing = Adjudication.objects.filter(annotation=OuterRef("pk"), superseded_at__isnull=True)
    independent = Verdict.objects.filter(annotation=OuterRef("pk"), independent=True)
    completing = independent.order_by("id").values("created_at")[required_verdicts - 1 : required_verdicts]
    latest = independent.order_by("-created_at", "-id").values("created_at")[:1]
    reopened = Adjudication.objects.filter(annotation=OuterRef("pk"), superseded_at__isnull=False)
    last_reopened = reopened.order_by().values("annotation").annotate(at=Max("superseded_at")).values("at")
    agreed_at = Coalesce(Subquery(completing), Subquery(latest))
    # Each correlated subquery is planned per claim; said once each, the planner's estimate of a
    # project's export stays under the cost at which PostgreSQL compiles the query (JIT), which
    # took most of the export's time when the agreement's subqueries were said twice.
    return Case(
        When(status=Status.RESOLVED, then=Subquery(standing.values("created_at")[:1])),
        default=Greatest(agreed_at, Coalesce(Subquery(last_reopened), Value(NEVER))),
        output_field=DateTimeField(),
    )


def published_reviews(user, project: Project) -> QuerySet[Annotation]:
    """The project's published claims (the *done* queue of :func:`annotations.selectors.queue`)
    that ``user`` may see, with their articles, each annotated with ``review_published_at``;
    oldest review first. One query; verdicts are not loaded."""
    return (
        queue(user, "done")
        .filter(article__project=project)
        .prefetch_related(None)
        .select_related(None)
        .select_related("article")
        .annotate(review_published_at=review_published_at(project.required_verdicts))
        .order_by("review_published_at", "id")
    )


class ReviewedArticle(NamedTuple):
    """The columns of an article a ClaimReview reads, with the names of ``Article``'s fields."""

    url: str
    title: str
    publisher: str
    author: str
    published_at: datetime | None


class PublishedClaim(NamedTuple):
    """The columns of a published claim a ClaimReview reads, with the names of ``Annotation``'s
    fields, so that :func:`claim_review` takes either."""

    pk: int
    article_id: int
    claim: str
    quote: str
    final_rating: str
    review_published_at: datetime | None
    article: ReviewedArticle


PUBLISHED_FIELDS = (
    "pk",
    "article_id",
    "claim",
    "quote",
    "final_rating",
    "review_published_at",
    "article__url",
    "article__title",
    "article__publisher",
    "article__author",
    "article__published_at",
)


# Rows a streamed ClaimReview list fetches at a time.
FETCH_SIZE = 2000


def published_claims(reviews: QuerySet[Annotation]) -> Iterator[PublishedClaim]:
    """The claims of ``reviews`` (:func:`published_reviews`, filtered) as plain rows, in its order:
    only the columns a review reads, so the selector's other annotations (blind review's, unused
    by published claims) are not computed, and no model is built per claim.

    Read ``FETCH_SIZE`` rows at a time from one query (``.iterator()``): the order is by a computed
    date, so pages by key would compute it for every claim per page. On PostgreSQL that is a
    server-side cursor, which Django declares ``WITH HOLD`` outside a transaction: the database
    keeps the sorted result, the process a fetch of rows."""
    rows = reviews.values_list(*PUBLISHED_FIELDS).iterator(chunk_size=FETCH_SIZE)
    for *claim, url, title, publisher, author, published_at in rows:
        yield PublishedClaim(*claim, ReviewedArticle(url, title, publisher, author, published_at))


def published_review_for(user, annotation_id) -> tuple[Annotation, Project]:
    """One published claim the user may see, annotated as by :func:`published_reviews`, and its
    project. Http404 for claims of other projects and for claims not published (neither agreed
    nor resolved, orphaned, or merged into another)."""
    project = get_annotation_for(user, annotation_id).article.project
    claim = published_reviews(user, project).filter(pk=annotation_id).first()
    if claim is None:
        raise Http404("This claim has no published review: it is not agreed or resolved.")
    return claim, project


def date_time(value: datetime) -> str:
    """ISO 8601 in UTC, as the rest of the API writes date-times."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def review_rating(rating: str) -> dict:
    label = str(Rating(rating).label)
    value = TRUTH_SCALE.get(rating)
    if value is None:
        return {"@type": "Rating", "alternateName": label}
    return {
        "@type": "Rating",
        "ratingValue": value,
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
        "alternateName": label,
    }


def appearance(article: Article) -> dict:
    """The article a claim appears in, with what is known of it."""
    work = {"@type": "NewsArticle"}
    if article.url:
        work["url"] = article.url
    work["headline"] = article.title
    if article.publisher:
        work["publisher"] = {"@type": "Organization", "name": article.publisher}
    if article.published_at is not None:
        work["datePublished"] = date_time(article.published_at)
    return work


def reviewed_claim(article: Article) -> dict:
    claim = {"@type": "Claim", "appearance": appearance(article)}
    if article.author:
        claim["author"] = {"@type": "Person", "name": article.author}
    if article.published_at is not None:
        claim["datePublished"] = date_time(article.published_at)
    return claim


def desk(project: Project) -> dict:
    """The review's author: the desk, as its project settings name it."""
    organization = {"@type": "Organization", "name": project.publisher_name or project.name}
    if project.publisher_url:
        organization["url"] = project.publisher_url
    return organization


def review_url(project: Project, claim: Annotation) -> str:
    """The project's review URL template filled in for ``claim`` ("" when it has none). The
    template's validator (:func:`annotations.models.projects.validate_review_url_template`)
    admits only the placeholders given here."""
    if not project.review_url_template:
        return ""
    return project.review_url_template.format(
        claim_id=claim.pk, article_id=claim.article_id, project_id=project.pk
    )


def claim_review(
    claim: Annotation | PublishedClaim, project: Project, *, ratings: dict[str, dict] | None = None
) -> dict:
    """The ClaimReview of one published claim of ``project``, as :func:`published_reviews` gives
    it (its article loaded, ``review_published_at`` annotated) or :func:`published_claims`.
    ``ratings`` holds :func:`review_rating` by rating, built once for many reviews."""
    review = {"@context": SCHEMA_ORG, "@type": "ClaimReview"}
    if url := review_url(project, claim):
        review["url"] = url
    review["claimReviewed"] = claim.claim.strip() or claim.quote
    review["reviewRating"] = ratings[claim.final_rating] if ratings else review_rating(claim.final_rating)
    review["itemReviewed"] = reviewed_claim(claim.article)
    review["author"] = desk(project)
    if claim.review_published_at is not None:
        review["datePublished"] = date_time(claim.review_published_at)
    return review


def escaped_separators(body: bytes) -> bytes:
    """``body`` with U+2028 and U+2029 escaped as DRF's JSON renderer escapes them (line breaks to
    JavaScript)."""
    for separator, escape in LINE_SEPARATORS.items():
        if separator in body:
            body = body.replace(separator, escape)
    return body


def claim_reviews_json(claims: Iterable[PublishedClaim], project: Project) -> bytes:
    """The ClaimReviews of ``claims`` (of ``project``) as one JSON array, UTF-8, U+2028 and U+2029
    escaped: the whole document at once. The API streams the same bytes
    (:func:`claim_reviews_stream`)."""
    # The ratings' labels are translated once, not once a claim.
    ratings = {rating: review_rating(rating) for rating in Rating.values}
    return escaped_separators(
        orjson.dumps([claim_review(claim, project, ratings=ratings) for claim in claims])
    )


# Reviews a streamed list writes per chunk.
REVIEWS_PER_CHUNK = 500


def claim_reviews_stream(
    claims: Iterable[PublishedClaim], project: Project, *, per_chunk: int = REVIEWS_PER_CHUNK
) -> Iterator[bytes]:
    """The bytes of :func:`claim_reviews_json`, written ``per_chunk`` reviews at a time: ``[``, the
    reviews joined by ``,``, ``]``, as orjson writes a list (no spaces). A chunk ends between two
    reviews, so escaping U+2028 and U+2029 chunk by chunk never meets half a character. Memory
    holds a chunk and the rows of a fetch (:func:`published_claims`), whatever the project's size."""
    ratings = {rating: review_rating(rating) for rating in Rating.values}
    dumps = orjson.dumps
    buffer = bytearray(b"[")
    for written, claim in enumerate(claims, start=1):
        if written > 1:
            buffer += b","
        # Appended, not held in a list: each bytes orjson returns keeps its whole working buffer.
        buffer += dumps(claim_review(claim, project, ratings=ratings))
        if written % per_chunk == 0:
            yield escaped_separators(bytes(buffer))
            buffer.clear()
    buffer += b"]"
    yield escaped_separators(bytes(buffer))


def json_ld_script(review: dict) -> str:
    """``review`` as an HTML ``<script type="application/ld+json">`` element to embed in a page.

    ``<``, ``>`` and ``&`` in the JSON are written as JSON escapes, so that no text of the claim
    (``</script>``, ``<!--``) can end the element early or change how the page reads it."""
    data = json.dumps(review, ensure_ascii=False, indent=2).translate(SCRIPT_ESCAPES)
    return f'<script type="application/ld+json">\n{data}\n</script>'
