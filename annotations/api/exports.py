"""Exports: verdicts out in the formats other systems read.

ClaimReview (schema.org JSON-LD, for publishing): a project's published claims as a JSON array,
one claim's review as JSON, and as an HTML ``<script>`` element to embed in a page. The builders
live in :mod:`annotations.exports`; these views parse the query and render.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.exports.claimreview import (
    BEST_RATING,
    SCHEMA_ORG,
    WORST_RATING,
    claim_review,
    claim_reviews_stream,
    json_ld_script,
    published_claims,
    published_review_for,
    published_reviews,
)
from annotations.models import Rating
from annotations.permissions import get_project_for
from workbench.filters import MAX_ID

# ClaimReview

JSON = "application/json"


class ClaimReviewQueryInput(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The project's id.")
    article = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="Only the claims of this article."
    )
    rating = serializers.ChoiceField(
        choices=Rating.choices, required=False, help_text="Only the claims with this final rating."
    )
    published_after = serializers.DateTimeField(
        required=False, help_text="Only reviews published (datePublished) at or after this time (ISO 8601)."
    )
    published_before = serializers.DateTimeField(
        required=False, help_text="Only reviews published (datePublished) before this time (ISO 8601)."
    )

    def validate(self, data):
        after, before = data.get("published_after"), data.get("published_before")
        if after is not None and before is not None and after >= before:
            raise serializers.ValidationError(
                {"published_before": "Must be later than published_after."}, code="empty_range"
            )
        return data


class JsonLdSerializer(serializers.Serializer):
    """Documents a JSON-LD object, whose keys (``@type``) are no Python names: subclasses list
    their fields in ``json_ld_fields``."""

    def json_ld_fields(self) -> dict:
        raise NotImplementedError

    def get_fields(self):
        return self.json_ld_fields()


def json_ld_type(name: str):
    return serializers.CharField(help_text=f"`{name}`.")


def optional(field):
    field.required = False
    return field


class ClaimReviewRatingSerializer(JsonLdSerializer):
    """A schema.org Rating: the claim's final rating."""

    def json_ld_fields(self):
        return {
            "@type": json_ld_type("Rating"),
            "ratingValue": optional(
                serializers.IntegerField(
                    min_value=WORST_RATING,
                    max_value=BEST_RATING,
                    help_text="The final rating on the truth scale: false 1, mostly false 2, mixed 3, "
                    "mostly true 4, true 5. Absent for ratings outside the scale.",
                )
            ),
            "bestRating": optional(serializers.IntegerField(help_text=f"{BEST_RATING}, with ratingValue.")),
            "worstRating": optional(serializers.IntegerField(help_text=f"{WORST_RATING}, with ratingValue.")),
            "alternateName": serializers.CharField(
                help_text="The final rating's label: "
                + ", ".join(f"“{label}”" for label in Rating.labels)
                + "."
            ),
        }


class ClaimReviewOrganizationSerializer(JsonLdSerializer):
    """A schema.org Organization: the desk, or an article's publisher."""

    def json_ld_fields(self):
        return {
            "@type": json_ld_type("Organization"),
            "name": serializers.CharField(),
            "url": optional(serializers.URLField(help_text="Absent when unknown.")),
        }


class ClaimReviewPersonSerializer(JsonLdSerializer):
    """A schema.org Person: the author of the article a claim appears in."""

    def json_ld_fields(self):
        return {"@type": json_ld_type("Person"), "name": serializers.CharField()}


class ClaimReviewAppearanceSerializer(JsonLdSerializer):
    """A schema.org NewsArticle: the article a claim appears in, with what is known of it."""

    def json_ld_fields(self):
        return {
            "@type": json_ld_type("NewsArticle"),
            "url": optional(serializers.URLField(help_text="The article's address; absent when unknown.")),
            "headline": serializers.CharField(help_text="The article's title."),
            "publisher": optional(
                ClaimReviewOrganizationSerializer(help_text="The article's publisher; absent when unknown.")
            ),
            "datePublished": optional(
                serializers.DateTimeField(help_text="When the article was published; absent when unknown.")
            ),
        }


class ClaimReviewClaimSerializer(JsonLdSerializer):
    """A schema.org Claim: the claim reviewed, where it appeared and who made it."""

    def json_ld_fields(self):
        return {
            "@type": json_ld_type("Claim"),
            "appearance": ClaimReviewAppearanceSerializer(help_text="The article the claim appears in."),
            "author": optional(
                ClaimReviewPersonSerializer(help_text="The article's author; absent when unknown.")
            ),
            "datePublished": optional(
                serializers.DateTimeField(help_text="When the article was published; absent when unknown.")
            ),
        }


class ClaimReviewSerializer(JsonLdSerializer):
    """A schema.org ClaimReview (JSON-LD) of one published claim."""

    def json_ld_fields(self):
        return {
            "@context": serializers.CharField(help_text=f"`{SCHEMA_ORG}`."),
            "@type": json_ld_type("ClaimReview"),
            "url": optional(
                serializers.URLField(
                    help_text="Where the desk publishes this check: the project's review_url_template "
                    "filled in. Absent when the project has no template."
                )
            ),
            "claimReviewed": serializers.CharField(help_text="The claim as restated, else its quote."),
            "reviewRating": ClaimReviewRatingSerializer(),
            "itemReviewed": ClaimReviewClaimSerializer(),
            "author": ClaimReviewOrganizationSerializer(
                help_text="The desk: the project's publisher_name (its name when blank) and publisher_url."
            ),
            "datePublished": optional(
                serializers.DateTimeField(
                    help_text="When the final rating was settled: a resolved claim's standing "
                    "adjudication; for an agreed claim, the independent verdict that completed the "
                    "required number, or its re-opening when later."
                )
            ),
        }


CLAIM_REVIEW_DESCRIPTION = """
schema.org [ClaimReview](https://schema.org/ClaimReview) JSON-LD of the project's published claims:
those agreed or resolved, and live (not orphaned, not merged into another), oldest review first.
Each carries what Google's fact-check guidelines require and recommend: `claimReviewed`,
`reviewRating` (`alternateName` the label; on the truth scale also `ratingValue` 1..5 with
`bestRating` 5 and `worstRating` 1), `itemReviewed` (a `Claim` with its article as `appearance`,
and the article's author), `author` (the desk, from the project's settings), `datePublished`, and
`url` when the project has a `review_url_template`.

Final ratings are the desk's published result: every member of the project gets every review,
whatever blind review hides; a review holds no verdict, reviewer or evidence. Members only: others
get 404, anonymous callers 401.
"""

NO_REVIEW = "No such claim among the caller's projects, or the claim is not published (agreed or resolved)."
ANNOTATION_ID = OpenApiParameter("annotation_id", int, OpenApiParameter.PATH, description="The claim's id.")


class ClaimReviewListView(APIView):
    @extend_schema(
        parameters=[ClaimReviewQueryInput],
        responses={
            200: ClaimReviewSerializer(many=True),
            400: OpenApiResponse(description="A bad or missing parameter, named in the body."),
            404: OpenApiResponse(description="No such project among the caller's projects."),
        },
        summary="ClaimReview JSON-LD of a project's published claims",
        description=CLAIM_REVIEW_DESCRIPTION,
    )
    def get(self, request):
        payload = ClaimReviewQueryInput(data=request.query_params)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        project = get_project_for(request.user, data["project"])
        claims = published_reviews(request.user, project)
        if "article" in data:
            if not project.articles.filter(pk=data["article"]).exists():
                raise ValidationError(
                    {"article": ValidationError("This project has no article with this id.", code="unknown")}
                )
            claims = claims.filter(article=data["article"])
        if "rating" in data:
            claims = claims.filter(final_rating=data["rating"])
        if "published_after" in data:
            claims = claims.filter(review_published_at__gte=data["published_after"])
        if "published_before" in data:
            claims = claims.filter(review_published_at__lt=data["published_before"])
        # Streamed: the array is written as its rows are read, so memory stays flat whatever the
        # number of published claims (the whole document took 181 MB at 77,000).
        return StreamingHttpResponse(
            claim_reviews_stream(published_claims(claims), project), content_type=JSON
        )


class ClaimReviewDetailView(APIView):
    @extend_schema(
        parameters=[ANNOTATION_ID],
        responses={200: ClaimReviewSerializer, 404: OpenApiResponse(description=NO_REVIEW)},
        summary="ClaimReview JSON-LD of one published claim",
    )
    def get(self, request, annotation_id):
        claim, project = published_review_for(request.user, annotation_id)
        return Response(claim_review(claim, project))


class ClaimReviewSnippetView(APIView):
    # Errors answer JSON whatever the Accept header asks for; the snippet itself is HTML.
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        parameters=[ANNOTATION_ID],
        responses={
            (200, "text/html"): OpenApiResponse(
                OpenApiTypes.STR,
                description='Exactly one `<script type="application/ld+json">` element holding the '
                "claim's ClaimReview, to paste into the page that publishes the check. `<`, `>` and `&` "
                "in the JSON are written as `\\u003c`, `\\u003e`, `\\u0026`, so no claim text can end "
                "the element.",
            ),
            404: OpenApiResponse(description=NO_REVIEW),
        },
        summary="One published claim's ClaimReview as an embeddable HTML snippet",
    )
    def get(self, request, annotation_id):
        claim, project = published_review_for(request.user, annotation_id)
        return HttpResponse(
            json_ld_script(claim_review(claim, project)), content_type="text/html; charset=utf-8"
        )
