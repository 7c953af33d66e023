"""Has this been checked before? Claims likely the same as one claim, and editors' links."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.api.fields import IdField
from annotations.models import Rating, Role, Status
from annotations.permissions import get_annotation_for
from annotations.selectors.similar import DEFAULT_LIMIT, MAX_LIMIT, similar_claims
from annotations.services.matching import link_claims, unlink_claims

CLAIM_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The claim's id.")
LINKED_ID = OpenApiParameter(
    "annotation_id", int, OpenApiParameter.PATH, description="The id of the claim linked to this one."
)


class SimilarQueryInput(serializers.Serializer):
    limit = serializers.IntegerField(
        min_value=1,
        max_value=MAX_LIMIT,
        default=DEFAULT_LIMIT,
        help_text=f"How many matches to answer, best first (1 to {MAX_LIMIT}).",
    )


class ArticleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)


class MatchReasonsSerializer(serializers.Serializer):
    numbers = serializers.ListField(
        child=serializers.CharField(),
        help_text="Figures both claims state, value and unit normalized (1.4 million = 1,400,000), "
        "as this claim writes them.",
    )
    entities = serializers.ListField(
        child=serializers.CharField(), help_text="Names both claims mention (runs of capitalized words)."
    )
    words = serializers.ListField(
        child=serializers.CharField(),
        help_text="Other words both claims use, by stem, as this claim writes them.",
    )
    conflicts = serializers.ListField(
        child=serializers.CharField(),
        help_text="The same figure counting different things in the two claims ('10,000 troops / "
        "10,000 artillery pieces'), which lowers the score.",
    )
    linked = serializers.BooleanField(help_text="An editor recorded that the two are the same claim.")


class SimilarClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="claim.id")
    article = ArticleRefSerializer(source="claim.article")
    quote = serializers.CharField(source="claim.quote")
    claim = serializers.CharField(source="claim.claim", help_text="The claim restated; may be empty.")
    created_at = serializers.DateTimeField(source="claim.created_at", help_text="When it was highlighted.")
    status = serializers.ChoiceField(
        source="claim.shown_status",
        choices=Status.choices,
        help_text="As blind review shows it: a dispute reads needs_review until the caller has judged it.",
    )
    final_rating = serializers.ChoiceField(
        choices=Rating.choices,
        allow_null=True,
        help_text="The published (agreed or adjudicated) rating, which every member sees; null otherwise.",
    )
    score = serializers.FloatField(
        source="match.score", help_text="How likely the two are the same claim, 0 to about 1."
    )
    reasons = serializers.SerializerMethodField(help_text="Why the two were matched.")

    @extend_schema_field(MatchReasonsSerializer)
    def get_reasons(self, similar) -> dict:
        match = similar.match
        return {
            "numbers": match.numbers,
            "entities": match.entities,
            "words": match.words,
            "conflicts": match.conflicts,
            "linked": similar.linked,
        }


class SimilarClaimsSerializer(serializers.Serializer):
    claim = serializers.IntegerField(help_text="The claim looked up.")
    results = SimilarClaimSerializer(many=True, help_text="Best first; claims an editor linked come first.")


class LinkInput(serializers.Serializer):
    same_as = IdField(help_text="The claim this one repeats (of any of the caller's projects).")


class ClaimLinkSerializer(serializers.Serializer):
    claim = serializers.IntegerField(source="claim_id")
    same_as = serializers.IntegerField(source="same_as_id")
    linked_by = serializers.CharField(source="linked_by.username")
    linked_at = serializers.DateTimeField()


class SimilarClaimsView(APIView):
    @extend_schema(
        parameters=[CLAIM_ID, SimilarQueryInput],
        responses={
            200: SimilarClaimsSerializer,
            400: OpenApiResponse(description="A limit that is not a whole number from 1 to the maximum."),
        },
        summary="Claims of the caller's projects likely the same as this one (checked before?)",
        description="Other claims, not merged away, of the projects the caller belongs to, ranked by "
        "how likely they state the same claim: shared figures (normalized, with what they count), "
        "names, words and trigrams, and full-text relevance. Each comes with its status and final "
        "rating as blind review shows them, never individual verdicts.",
    )
    def get(self, request, pk):
        query = SimilarQueryInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        claim = get_annotation_for(request.user, pk)
        found = similar_claims(request.user, claim, limit=query.validated_data["limit"])
        return Response(SimilarClaimsSerializer({"claim": claim.pk, "results": found}).data)


class ClaimLinkListView(APIView):
    @extend_schema(
        parameters=[CLAIM_ID],
        request=LinkInput,
        responses={
            201: ClaimLinkSerializer,
            200: OpenApiResponse(ClaimLinkSerializer, description="The two were linked already: that link."),
        },
        summary="Record that this claim is the same claim as another (editors)",
    )
    def post(self, request, pk):
        # The role first: a member who may not link learns nothing from the body's errors.
        get_annotation_for(request.user, pk, role=Role.EDITOR)
        body = LinkInput(data=request.data)
        body.is_valid(raise_exception=True)
        link, created = link_claims(
            editor=request.user, annotation_id=pk, same_as_id=body.validated_data["same_as"]
        )
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ClaimLinkSerializer(link).data, status=answer)


class ClaimLinkDetailView(APIView):
    @extend_schema(
        parameters=[CLAIM_ID, LINKED_ID],
        responses={204: None},
        summary="Remove the link between two claims (editors)",
    )
    def delete(self, request, pk, annotation_id):
        if not unlink_claims(editor=request.user, annotation_id=pk, same_as_id=annotation_id):
            return Response({"detail": "These two claims are not linked."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)
