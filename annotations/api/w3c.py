"""W3C Web Annotations: one claim, an article's claims as a paged ``AnnotationCollection``, and the
revision text their positions count in. The builders live in :mod:`annotations.exports.w3c`.

Answers are JSON-LD in the Web Annotation Protocol's media type,
``application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"``, unless the client's Accept
header asks for ``application/json``; errors are always ``application/json``.
"""

from django.core.paginator import Paginator
from django.utils.http import parse_header_parameters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import exceptions, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.articles import RevisionSerializer
from annotations.api.exports import JsonLdSerializer, optional
from annotations.exports.w3c import (
    ANNO_CONTEXT,
    Iris,
    Page,
    annotation_collection,
    annotation_for,
    annotation_page,
    article_annotations,
    web_annotation,
)
from annotations.models import ArticleRevision, Confidence, Rating, Stance, Status
from annotations.permissions import get_article_for
from workbench.pagination import PageNumberPagination

ANNO_MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
JSON_LD = "application/ld+json"


class AnnotationJsonLdRenderer(JSONRenderer):
    """JSON-LD in the annotation profile. It matches Accept entries as plain ``application/ld+json``
    (DRF would match a renderer's parameters only against entries naming them, so never ``*/*``),
    and names its profile in the answer's Content-Type."""

    media_type = JSON_LD
    format = "jsonld"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = ANNO_MEDIA_TYPE
        return super().render(data, accepted_media_type, renderer_context)


class AnnotationNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, amended twice. ``application/ld+json`` asks for the annotation profile
    when it names no profile, or a profile list with anno.jsonld in it; with other profiles only, it
    asks for nothing served here. And q-values rank first: DRF ranks Accept entries by specificity
    alone, so ``application/json, application/ld+json;q=0.5`` would get JSON-LD."""

    def get_accept_list(self, request):
        return [token for token in super().get_accept_list(request) if self.is_served(token)]

    @staticmethod
    def is_served(token: str) -> bool:
        media_type, params = parse_header_parameters(token)
        return media_type.lower() != JSON_LD or ANNO_CONTEXT in params.get("profile", ANNO_CONTEXT).split()

    def select_renderer(self, request, renderers, format_suffix=None):
        for tokens in by_quality(self.get_accept_list(request)):
            try:
                return super().select_renderer(Accepting(request, tokens), renderers, format_suffix)
            except exceptions.NotAcceptable:
                continue
        raise exceptions.NotAcceptable(available_renderers=renderers)


def quality(token: str) -> float:
    try:
        return float(parse_header_parameters(token)[1].get("q", 1))
    except ValueError:
        return 1.0


def by_quality(tokens: list[str]) -> list[list[str]]:
    """The Accept entries grouped by q-value, best first; q=0 ("not acceptable") left out."""
    groups: dict[float, list[str]] = {}
    for token in tokens:
        if (value := quality(token)) > 0:
            groups.setdefault(value, []).append(token)
    return [groups[value] for value in sorted(groups, reverse=True)]


class Accepting:
    """The request as DRF's negotiation reads it, accepting only ``tokens``."""

    def __init__(self, request, tokens: list[str]):
        self.query_params = request.query_params
        self.headers = {"accept": ", ".join(tokens)}


class W3CView(APIView):
    """JSON-LD by default, JSON when asked; errors always JSON, as everywhere in the API."""

    renderer_classes = [AnnotationJsonLdRenderer, JSONRenderer]
    content_negotiation_class = AnnotationNegotiation

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "exception", False):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def iris(self) -> Iris:
        return Iris(self.request.build_absolute_uri("/"))


class NonEmptyPaginator(Paginator):
    """No page 1 when there is nothing to page: an empty collection has no pages."""

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, per_page, allow_empty_first_page=False, **kwargs)


class AnnotationPagination(PageNumberPagination):
    page_size = 100
    django_paginator_class = NonEmptyPaginator


# Documentation of the answers' shapes (drf-spectacular); the builders write them.


def one_of(*names: str, help_text: str = ""):
    return serializers.ChoiceField(choices=list(names), help_text=help_text)


def date_time(help_text: str):
    return serializers.DateTimeField(help_text=f"{help_text} (UTC).")


class W3CAgentSerializer(JsonLdSerializer):
    """Who made an annotation or a body: a person (the author, a reviewer) or the desk."""

    def json_ld_fields(self):
        return {
            "id": optional(serializers.URLField(help_text="The desk's project in this API.")),
            "type": one_of("Person", "Organization"),
            "nickname": optional(serializers.CharField(help_text="A person's username.")),
            "name": optional(
                serializers.CharField(help_text="A person's full name, when set; the desk's name.")
            ),
            "homepage": optional(serializers.URLField(help_text="The desk's home page, when set.")),
        }


class W3CSelectorSerializer(JsonLdSerializer):
    """A ``TextQuoteSelector`` (exact, prefix, suffix) or a ``TextPositionSelector`` (start, end)."""

    def json_ld_fields(self):
        return {
            "type": one_of("TextQuoteSelector", "TextPositionSelector"),
            "exact": optional(serializers.CharField(help_text="The words selected.")),
            "prefix": optional(serializers.CharField(help_text="Up to 32 characters before them.")),
            "suffix": optional(serializers.CharField(help_text="Up to 32 characters after them.")),
            "start": optional(
                serializers.IntegerField(
                    min_value=0, help_text="Code point offset in the revision's text (inclusive)."
                )
            ),
            "end": optional(
                serializers.IntegerField(min_value=1, help_text="Code point offset (exclusive).")
            ),
        }


class W3CStateSerializer(JsonLdSerializer):
    """The revision of the article's text the positions count in."""

    def json_ld_fields(self):
        return {
            "type": one_of("TimeState"),
            "sourceDate": date_time("When the revision was taken"),
            "cached": serializers.URLField(help_text="The revision in this API: a copy of its text."),
            "revision": serializers.IntegerField(help_text="The revision's number (this API's own key)."),
        }


class W3CTargetSerializer(JsonLdSerializer):
    def json_ld_fields(self):
        return {
            "type": one_of("SpecificResource"),
            "source": serializers.URLField(help_text="The article's url; its API URL when it has none."),
            "selector": W3CSelectorSerializer(
                many=True, help_text="A TextQuoteSelector, a TextPositionSelector."
            ),
            "state": W3CStateSerializer(),
        }


class W3CBodySerializer(JsonLdSerializer):
    """A body: the claim (``describing``), a tag (``tagging``), the desk's final rating or a
    verdict's rating (``assessing``), a verdict's rationale (``commenting``) or evidence
    (``linking``, a ``SpecificResource``)."""

    def json_ld_fields(self):
        return {
            "id": optional(
                serializers.URLField(
                    help_text="A verdict's rating: the verdict in this API; its rationale: that IRI "
                    "with #rationale; evidence: the evidence in this API; the final rating: the "
                    "annotation's IRI with #final-rating."
                )
            ),
            "type": one_of("TextualBody", "SpecificResource"),
            "purpose": one_of("describing", "tagging", "assessing", "commenting", "linking"),
            "value": optional(serializers.CharField(help_text="The text; for a rating, its label.")),
            "format": optional(one_of("text/plain")),
            "source": optional(serializers.URLField(help_text="Evidence: the source's address.")),
            "selector": optional(W3CSelectorSerializer(help_text="Evidence: the passage quoted.")),
            "creator": optional(W3CAgentSerializer(help_text="The reviewer; the desk for the final rating.")),
            "created": optional(date_time("When the verdict or evidence was given")),
            "modified": optional(date_time("When the verdict last changed")),
            "rating": optional(
                serializers.ChoiceField(choices=Rating.choices, help_text="The rating's code.")
            ),
            "confidence": optional(serializers.ChoiceField(choices=Confidence.choices)),
            "independent": optional(
                serializers.BooleanField(help_text="Given while its reviewer could see no other verdict.")
            ),
            "blindRating": optional(
                serializers.ChoiceField(choices=Rating.choices, help_text="The rating first given, kept.")
            ),
            "revisedAfterReveal": optional(serializers.BooleanField()),
            "stance": optional(serializers.ChoiceField(choices=Stance.choices)),
        }


class W3CAnnotationSerializer(JsonLdSerializer):
    """A W3C Web Annotation of one claim."""

    def json_ld_fields(self):
        return {
            "@context": optional(
                serializers.CharField(help_text=f"`{ANNO_CONTEXT}`; absent on the items of a page.")
            ),
            "id": serializers.URLField(help_text="The annotation in this API."),
            "type": one_of("Annotation"),
            "created": date_time("When the claim was highlighted"),
            "modified": date_time("When it last changed"),
            "creator": W3CAgentSerializer(help_text="The annotation's author."),
            "body": W3CBodySerializer(many=True),
            "target": W3CTargetSerializer(),
            # A string, not an enum: the claim statuses' enum is named for the Annotation component.
            "status": serializers.CharField(
                help_text=f"One of {', '.join(Status.values)}, as blind review shows it: a dispute "
                "reads needs_review until the caller has judged the claim (this API's own key).",
            ),
            "orphaned": optional(
                serializers.BooleanField(
                    help_text="Present (true) when its words were lost in a new revision."
                )
            ),
            "mergedInto": optional(
                serializers.URLField(help_text="Present when merged: the annotation it was merged into.")
            ),
        }


class W3CCollectionRefSerializer(JsonLdSerializer):
    def json_ld_fields(self):
        return {
            "id": serializers.URLField(),
            "label": serializers.CharField(),
            "total": serializers.IntegerField(min_value=0),
        }


class W3CCollectionSerializer(JsonLdSerializer):
    """An article's live annotations as an ``AnnotationCollection``."""

    def json_ld_fields(self):
        return {
            "@context": serializers.CharField(help_text=f"`{ANNO_CONTEXT}`."),
            "id": serializers.URLField(),
            "type": one_of("AnnotationCollection"),
            "label": serializers.CharField(),
            "total": serializers.IntegerField(min_value=0, help_text="Annotations in the collection."),
            "first": optional(serializers.URLField(help_text="The first page; absent when empty.")),
            "last": optional(serializers.URLField(help_text="The last page; absent when empty.")),
        }


class W3CPageSerializer(JsonLdSerializer):
    """One ``AnnotationPage`` of an article's collection."""

    def json_ld_fields(self):
        return {
            "@context": serializers.CharField(help_text=f"`{ANNO_CONTEXT}`."),
            "id": serializers.URLField(),
            "type": one_of("AnnotationPage"),
            "partOf": W3CCollectionRefSerializer(),
            "startIndex": serializers.IntegerField(
                min_value=0, help_text="Position of the first item in the collection, from 0."
            ),
            "items": W3CAnnotationSerializer(many=True),
            "next": optional(serializers.URLField(help_text="Absent on the last page.")),
            "prev": optional(serializers.URLField(help_text="Absent on the first page.")),
        }


def both_media_types(serializer, description: str) -> dict:
    return {
        (200, ANNO_MEDIA_TYPE): OpenApiResponse(serializer, description=description),
        (200, "application/json"): OpenApiResponse(serializer, description=f"{description} As plain JSON."),
    }


NOT_ACCEPTABLE = OpenApiResponse(
    description="The Accept header admits neither the annotation JSON-LD profile nor application/json."
)
POSITIONS = (
    "Positions (`TextPositionSelector`) count Unicode code points of the revision's canonical text, "
    "as the Web Annotation Data Model defines them, not UTF-16 code units as Hypothesis does: an emoji "
    "is one position. The `state` names the revision they count in."
)
VISIBILITY = (
    "Bodies: the claim (`describing`), tags (`tagging`), the desk's final rating of an agreed or "
    "resolved claim (`assessing`), and each verdict the caller may see under blind review: its "
    "rating (`assessing`, the label as `value`, the code as `rating`), rationale (`commenting`) and "
    "evidence (`linking`), by the reviewer. Served as JSON-LD in the Web Annotation Protocol's media "
    "type; as plain JSON when Accept asks for `application/json`; errors as JSON. Members only: "
    "others get 404, anonymous callers 401."
)
PAGE = OpenApiParameter(
    "page",
    int,
    description="A page number from 1: answers that AnnotationPage instead of the collection.",
)
PAGE_SIZE = OpenApiParameter(
    "page_size",
    {"type": "integer", "minimum": 1, "maximum": AnnotationPagination.max_page_size},
    description=f"Annotations a page, 1 to {AnnotationPagination.max_page_size} "
    f"(default {AnnotationPagination.page_size}).",
)


class W3CAnnotationView(W3CView):
    @extend_schema(
        responses={
            **both_media_types(W3CAnnotationSerializer, "The claim as a W3C Web Annotation."),
            404: OpenApiResponse(description="No such annotation among the caller's projects."),
            406: NOT_ACCEPTABLE,
        },
        summary="One annotation as a W3C Web Annotation",
        description=f"Orphaned and merged annotations too, marked so. {POSITIONS}\n\n{VISIBILITY}",
    )
    def get(self, request, pk):
        claim = annotation_for(request.user, pk)
        return Response(web_annotation(claim, request.user, claim.article.project, self.iris()))


class W3CArticleView(W3CView):
    @extend_schema(
        parameters=[PAGE, PAGE_SIZE],
        responses={
            **both_media_types(
                PolymorphicProxySerializer(
                    component_name="W3CCollectionOrPage",
                    serializers=[W3CCollectionSerializer, W3CPageSerializer],
                    resource_type_field_name=None,
                ),
                "The AnnotationCollection; with `page`, that AnnotationPage.",
            ),
            400: OpenApiResponse(description="A page_size that cannot be used: `{page_size: [reason]}`."),
            404: OpenApiResponse(
                description="No such article among the caller's projects, or no such page (past the "
                "end, not a page number, or any page of an empty collection)."
            ),
            406: NOT_ACCEPTABLE,
        },
        summary="An article's annotations as a W3C AnnotationCollection, paged",
        description=(
            "The live annotations of the article's current revision, in reading order: orphaned ones "
            "and those merged into another are left out (each is still served on its own). Without "
            "`page`: the `AnnotationCollection` with `total` and the IRIs of its `first` and `last` "
            "pages (absent when empty); with `page`: that `AnnotationPage`, with `partOf`, "
            f"`startIndex`, `items` and `next`/`prev`. {POSITIONS}\n\n{VISIBILITY}"
        ),
    )
    def get(self, request, pk):
        article = get_article_for(request.user, pk)
        pagination = AnnotationPagination()
        size = pagination.get_page_size(request)
        claims = article_annotations(request.user, article)
        iris = self.iris()

        def page_iri(number: int) -> str:
            query = f"page={number}" if size == pagination.page_size else f"page={number}&page_size={size}"
            return f"{iris.of('w3c-article', article.pk)}?{query}"

        if pagination.page_query_param not in request.query_params:
            total = claims.count()
            pages = -(-total // size)
            return Response(annotation_collection(article, iris, total=total, pages=pages, page_iri=page_iri))
        items = pagination.paginate_queryset(claims, request, view=self)
        found = pagination.page
        page = Page(
            number=found.number,
            claims=items,
            start_index=found.start_index() - 1,
            total=found.paginator.count,
            has_next=found.has_next(),
        )
        return Response(annotation_page(article, page, request.user, iris, page_iri=page_iri))


class W3CRevisionView(APIView):
    @extend_schema(
        responses={
            200: RevisionSerializer,
            404: OpenApiResponse(
                description="No such article among the caller's projects, or no such revision."
            ),
        },
        summary="One revision of an article's text: what a W3C annotation's positions count in",
        description="The `cached` copy that a W3C annotation's `TimeState` names.",
    )
    def get(self, request, pk, number):
        article = get_article_for(request.user, pk)
        revision = ArticleRevision.objects.select_related("created_by").filter(article=article, number=number)
        found = revision.first()
        if found is None:
            raise exceptions.NotFound("This article has no revision with this number.")
        return Response(RevisionSerializer(found).data)
