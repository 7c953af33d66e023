"""W3C Web Annotations of claims (the Web Annotation Data Model, www.w3.org/TR/annotation-model/),
one at a time and as an article's ``AnnotationCollection`` of ``AnnotationPage``\\ s, as the Web
Annotation Protocol pages them.

A claim is an ``Annotation`` whose

- ``id`` is its IRI in this API, ``created`` and ``modified`` its times (UTC), ``creator`` its
  author: a ``Person`` with ``nickname`` (the username) and ``name`` when the user has one;
- ``target`` is a ``SpecificResource``: ``source`` the article's url (its API URL when it has
  none), ``selector`` a ``TextQuoteSelector`` (exact, prefix, suffix) and a
  ``TextPositionSelector`` (start, end), and ``state`` a ``TimeState`` naming the revision the
  positions count in: ``sourceDate`` when the revision was taken, ``cached`` its API URL (a copy of
  the text), ``revision`` its number. Positions count Unicode code points of the revision's
  canonical text, as the model asks ("in terms of unicode code points, not in terms of code
  units"); Hypothesis counts UTF-16 code units instead, so an emoji is one position here and two
  there;
- ``body`` lists, in this order: the claim as restated (a ``TextualBody``, purpose
  ``describing``: it says in neutral words what the marked words claim, where ``classifying``
  would assign them a class), its tags (purpose ``tagging``), the final rating of an
  agreed or resolved claim (purpose ``assessing``, by the desk: an ``Organization``), and each
  verdict blind review lets the caller see (:func:`annotations.selectors.visible_verdicts`): an
  ``assessing`` body with the rating's label as ``value``, its rationale (``commenting``) and each
  piece of its evidence (a ``SpecificResource`` with purpose ``linking`` whose ``source`` is the
  evidence's address, with a ``TextQuoteSelector`` of the passage quoted), each by the reviewer.

Keys of this API's own, outside the anno.jsonld context (JSON-LD processors drop them, plain JSON
clients read them): ``status`` (as blind review shows it), ``orphaned`` and ``mergedInto`` (only
when so) on the annotation; ``revision`` on the state; ``rating`` (the rating's code) on assessing
bodies, with ``confidence``, ``independent``, ``blindRating`` and ``revisedAfterReveal`` on a
verdict's; ``stance`` on evidence.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from annotations.exports.claimreview import date_time
from annotations.models import PUBLISHED_STATUSES, Annotation, Article, Project, Rating, Verdict
from annotations.selectors import annotations_visible_to, visible_verdicts

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# The text of an article's revision: plain text, whatever the article's own page serves.
TEXT_FORMAT = "text/plain"


@dataclass(frozen=True)
class Iris:
    """Absolute IRIs of this API's resources, on the origin (scheme and host) a request came to."""

    origin: str

    def of(self, name: str, *args) -> str:
        return self.origin.rstrip("/") + reverse(f"api:{name}", args=args)


# Reads


def annotation_for(user, annotation_id) -> Annotation:
    """One annotation of the user's projects, with what its W3C form shows (its project, verdicts
    as :func:`annotations.selectors.annotations_visible_to` gives them); orphaned and merged ones
    too. Http404 for others."""
    claims = annotations_visible_to(user).select_related("article__project").defer("revision__text")
    try:
        return claims.get(pk=annotation_id)
    except (Annotation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such annotation.") from None


def article_annotations(user, article: Article) -> QuerySet[Annotation]:
    """The live annotations of the article's current text (orphaned ones and those merged into
    another left out), in reading order, as the user may see them; a page of them takes a fixed
    number of queries (the revision's text is not loaded)."""
    return (
        annotations_visible_to(user)
        .filter(
            article=article,
            revision_id=article.current_revision_id,
            orphaned=False,
            merged_into__isnull=True,
        )
        .defer("revision__text")
        .order_by("start", "-end", "id")
    )


# Builders


def person(user) -> dict:
    agent = {"type": "Person", "nickname": user.get_username()}
    if name := user.get_full_name():
        agent["name"] = name
    return agent


def desk(project: Project, iris: Iris) -> dict:
    """The desk that publishes final ratings, named as its ClaimReviews name it."""
    organization = {
        "id": iris.of("project-detail", project.pk),
        "type": "Organization",
        "name": project.publisher_name or project.name,
    }
    if project.publisher_url:
        organization["homepage"] = project.publisher_url
    return organization


def target(claim: Annotation, iris: Iris) -> dict:
    article, revision = claim.article, claim.revision
    return {
        "type": "SpecificResource",
        "source": article.url or iris.of("article-detail", article.pk),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": claim.quote,
                "prefix": claim.prefix,
                "suffix": claim.suffix,
            },
            {"type": "TextPositionSelector", "start": claim.start, "end": claim.end},
        ],
        "state": {
            "type": "TimeState",
            "sourceDate": date_time(revision.created_at),
            "cached": iris.of("w3c-revision", article.pk, revision.number),
            "revision": revision.number,
        },
    }


def text_body(value: str, purpose: str, **extra) -> dict:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": TEXT_FORMAT, **extra}


def verdict_bodies(verdict: Verdict, iris: Iris) -> list[dict]:
    """One verdict as bodies: its rating (``assessing``), rationale (``commenting``) and evidence
    (``linking``), each by its reviewer; the rationale's IRI is a fragment of the verdict's."""
    verdict_iri = iris.of("verdict-detail", verdict.pk)
    reviewer = person(verdict.reviewer)
    dated = {"created": date_time(verdict.created_at), "modified": date_time(verdict.updated_at)}
    bodies = [
        {
            "id": verdict_iri,
            **text_body(str(Rating(verdict.rating).label), "assessing"),
            "rating": verdict.rating,
            "confidence": verdict.confidence,
            "independent": verdict.independent,
            "blindRating": verdict.blind_rating,
            "revisedAfterReveal": verdict.revised_after_reveal,
            "creator": reviewer,
            **dated,
        }
    ]
    if verdict.rationale:
        bodies.append(
            {
                "id": f"{verdict_iri}#rationale",
                **text_body(verdict.rationale, "commenting"),
                "creator": reviewer,
            }
            | dated
        )
    for evidence in verdict.evidence.all():
        link = {
            "id": iris.of("evidence-detail", evidence.pk),
            "type": "SpecificResource",
            "purpose": "linking",
            "source": evidence.source.url,
        }
        if evidence.quote:
            link["selector"] = {"type": "TextQuoteSelector", "exact": evidence.quote}
        link |= {"stance": evidence.stance, "creator": reviewer, "created": date_time(evidence.created_at)}
        bodies.append(link)
    return bodies


def bodies(claim: Annotation, user, project: Project, iris: Iris) -> list[dict]:
    found = []
    if claim.claim.strip():
        found.append(text_body(claim.claim, "describing"))
    found += [text_body(name, "tagging") for name in sorted(tag.name for tag in claim.tags.all())]
    if claim.status in PUBLISHED_STATUSES and claim.final_rating:
        found.append(
            {
                "id": f"{iris.of('w3c-annotation', claim.pk)}#final-rating",
                **text_body(str(Rating(claim.final_rating).label), "assessing"),
                "rating": claim.final_rating,
                "creator": desk(project, iris),
            }
        )
    for verdict in visible_verdicts(claim, user):
        found += verdict_bodies(verdict, iris)
    return found


def web_annotation(claim: Annotation, user, project: Project, iris: Iris, *, context: bool = True) -> dict:
    """The W3C Web Annotation of one claim of ``project``, as ``user`` may see it; ``claim`` comes
    from :func:`annotation_for` or :func:`article_annotations`. Items of a page carry no
    ``@context`` of their own (``context=False``): the page's holds for them."""
    annotation = {"@context": ANNO_CONTEXT} if context else {}
    annotation |= {
        "id": iris.of("w3c-annotation", claim.pk),
        "type": "Annotation",
        "created": date_time(claim.created_at),
        "modified": date_time(claim.updated_at),
        "creator": person(claim.author),
        "body": bodies(claim, user, project, iris),
        "target": target(claim, iris),
        "status": claim.shown_status,
    }
    if claim.orphaned:
        annotation["orphaned"] = True
    if claim.merged_into_id:
        annotation["mergedInto"] = iris.of("w3c-annotation", claim.merged_into_id)
    return annotation


def collection_label(article: Article) -> str:
    return f"Claims marked in “{article.title}”"


def annotation_collection(
    article: Article, iris: Iris, *, total: int, pages: int, page_iri: Callable[[int], str]
) -> dict:
    """The article's ``AnnotationCollection``: ``total`` annotations in ``pages`` pages, whose IRIs
    ``page_iri(number)`` gives. An empty collection has no ``first`` or ``last`` page."""
    collection = {
        "@context": ANNO_CONTEXT,
        "id": iris.of("w3c-article", article.pk),
        "type": "AnnotationCollection",
        "label": collection_label(article),
        "total": total,
    }
    if pages:
        collection |= {"first": page_iri(1), "last": page_iri(pages)}
    return collection


@dataclass(frozen=True)
class Page:
    """One page of a collection: its ``number`` (from 1), its ``claims``, and where it stands."""

    number: int
    claims: list[Annotation]
    start_index: int
    total: int
    has_next: bool


def annotation_page(
    article: Article, page: Page, user, iris: Iris, *, page_iri: Callable[[int], str]
) -> dict:
    """One ``AnnotationPage`` of the article's collection, its annotations as ``user`` may see them."""
    document = {
        "@context": ANNO_CONTEXT,
        "id": page_iri(page.number),
        "type": "AnnotationPage",
        "partOf": {
            "id": iris.of("w3c-article", article.pk),
            "label": collection_label(article),
            "total": page.total,
        },
        "startIndex": page.start_index,
        "items": [web_annotation(claim, user, article.project, iris, context=False) for claim in page.claims],
    }
    if page.has_next:
        document["next"] = page_iri(page.number + 1)
    if page.number > 1:
        document["prev"] = page_iri(page.number - 1)
    return document
