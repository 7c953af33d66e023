from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.agreement_figures import Figure, Interval, SpanFigure
from annotations.limits import USERNAME_MAX_LENGTH
from annotations.models import Rating
from annotations.models.annotations import TAG_NAME_MAX_LENGTH
from annotations.permissions import get_article_for, get_project_for
from annotations.selectors import AgreementReport, agreement_visible_to, has_reviewer, has_tag
from workbench.filters import MAX_ID


class AgreementQueryInput(serializers.Serializer):
    project = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="The project's id (or give article)."
    )
    article = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="One article's id (or give project)."
    )
    reviewer = serializers.CharField(
        max_length=USERNAME_MAX_LENGTH,
        required=False,
        help_text="A username: only the claims this reviewer gave a verdict on, with every verdict on them.",
    )
    created_after = serializers.DateTimeField(
        required=False, help_text="Only claims created at or after this time (ISO 8601)."
    )
    created_before = serializers.DateTimeField(
        required=False, help_text="Only claims created before this time (ISO 8601)."
    )
    tag = serializers.CharField(
        max_length=TAG_NAME_MAX_LENGTH, required=False, help_text="Only claims with this tag."
    )

    def validate(self, data):
        if "project" not in data and "article" not in data:
            raise serializers.ValidationError(
                {"project": "Give a project (project=ID) or an article (article=ID)."}, code="no_scope"
            )
        after, before = data.get("created_after"), data.get("created_before")
        if after is not None and before is not None and after >= before:
            raise serializers.ValidationError(
                {"created_before": "Must be later than created_after."}, code="empty_range"
            )
        return data


def figure_field(help_text: str):
    return serializers.FloatField(allow_null=True, help_text=help_text)


class AgreementFigureDetailSerializer(serializers.Serializer):
    n_claims = serializers.IntegerField(help_text="Claims the figure was computed from.")
    n_verdicts = serializers.IntegerField(help_text="Verdicts the figure was computed from.")
    reason = serializers.CharField(
        allow_null=True, help_text="Why the figure is null; null when it has a value."
    )


class ConfidenceIntervalSerializer(serializers.Serializer):
    low = serializers.FloatField(allow_null=True, help_text="Lower bound; null when there is no interval.")
    high = serializers.FloatField(allow_null=True, help_text="Upper bound; null when there is no interval.")
    confidence = serializers.FloatField(help_text="Confidence level of the interval: 0.95.")
    n_resamples = serializers.IntegerField(help_text="Bootstrap resamples of the claims it comes from.")
    reason = serializers.CharField(
        allow_null=True, help_text="Why there is no interval; null when it has bounds."
    )


class AgreementStatisticDetailSerializer(AgreementFigureDetailSerializer):
    n_pairable = serializers.IntegerField(
        help_text="Pairable values behind the figure: the ratings on the claims holding two or more "
        "(the sum of m_u over claims with m_u >= 2, Krippendorff's n..); for a reviewer pair, two per "
        "claim both rated. Equal to n_verdicts, as every figure uses its pairable values only."
    )
    interval = ConfidenceIntervalSerializer(
        help_text="95 % percentile bootstrap confidence interval over the claims behind the figure "
        "(resampled with replacement, seeded: the same data always gives the same interval)."
    )


class KrippendorffAlphaSerializer(serializers.Serializer):
    nominal = figure_field("Over every rating, as categories.")
    ordinal = figure_field("Over truth-scale ratings (1..5); other ratings count as missing.")
    interval = figure_field("Over truth-scale ratings (1..5); other ratings count as missing.")


class KrippendorffAlphaDetailSerializer(serializers.Serializer):
    nominal = AgreementStatisticDetailSerializer()
    ordinal = AgreementStatisticDetailSerializer()
    interval = AgreementStatisticDetailSerializer()


class AgreementPairSerializer(serializers.Serializer):
    a = serializers.CharField(help_text="A reviewer's username (a < b).")
    b = serializers.CharField(help_text="The other reviewer's username.")
    n = serializers.IntegerField(help_text="Claims both rated.")
    cohen_kappa = figure_field("Cohen's kappa over the claims both rated.")
    cohen_kappa_detail = AgreementStatisticDetailSerializer()
    percent_agreement = figure_field("Share of the claims both rated that they rated alike.")
    percent_agreement_detail = AgreementStatisticDetailSerializer()
    confusion = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="confusion[rating_a][rating_b]: claims a rated rating_a and b rated rating_b "
        "(nonzero cells only).",
    )


class ReviewerAgreementSerializer(serializers.Serializer):
    reviewer = serializers.CharField(help_text="The reviewer's username.")
    n_verdicts = serializers.IntegerField(help_text="Verdicts given on the claims in scope.")
    agreement_with_final = figure_field(
        "Share of their verdicts on agreed or resolved claims that equal the claim's final rating."
    )
    agreement_with_final_detail = AgreementFigureDetailSerializer()


class SpanFigureDetailSerializer(serializers.Serializer):
    n_a = serializers.IntegerField(help_text="Spans of a (summed over pairs for the overall figure).")
    n_b = serializers.IntegerField(help_text="Spans of b (summed over pairs for the overall figure).")
    matched = serializers.IntegerField(help_text="Spans matched one-to-one.")
    reason = serializers.CharField(
        allow_null=True, help_text="Why the figure is null; null when it has a value."
    )


class SpanAgreementPairSerializer(serializers.Serializer):
    a = serializers.CharField(help_text="An annotator's username (a < b).")
    b = serializers.CharField(help_text="The other annotator's username.")
    exact = figure_field("F1 of identical spans.")
    exact_detail = SpanFigureDetailSerializer()
    overlap = figure_field("F1 of overlapping spans, matched one-to-one.")
    overlap_detail = SpanFigureDetailSerializer()


class SpanAgreementSerializer(serializers.Serializer):
    exact = figure_field("F1 of identical spans, micro-averaged over pairs.")
    exact_detail = SpanFigureDetailSerializer()
    overlap = figure_field("F1 of overlapping spans, micro-averaged over pairs.")
    overlap_detail = SpanFigureDetailSerializer()
    pairs = SpanAgreementPairSerializer(
        many=True, help_text="Every pair of annotators (editors and admins only)."
    )


class AgreementScopeSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    article = serializers.IntegerField(allow_null=True)
    reviewer = serializers.CharField(allow_null=True)
    created_after = serializers.DateTimeField(allow_null=True)
    created_before = serializers.DateTimeField(allow_null=True)
    tag = serializers.CharField(allow_null=True)


class AgreementSerializer(serializers.Serializer):
    scope = AgreementScopeSerializer(help_text="The selection the figures cover.")
    visibility = serializers.ChoiceField(
        choices=["all_claims", "judged_claims"],
        help_text="all_claims for editors and admins; judged_claims when blind review limits the "
        "verdict figures to the claims the caller judged (pairs and reviewers are then empty).",
    )
    n_claims = serializers.IntegerField(help_text="Claims with at least one verdict.")
    n_verdicts = serializers.IntegerField()
    n_reviewers = serializers.IntegerField(help_text="Reviewers with at least one verdict.")
    percent_agreement = figure_field("Mean share of agreeing reviewer pairs per claim.")
    percent_agreement_detail = AgreementStatisticDetailSerializer()
    fleiss_kappa = figure_field("Fleiss' kappa, generalized to unequal numbers of verdicts.")
    fleiss_kappa_detail = AgreementStatisticDetailSerializer()
    krippendorff_alpha = KrippendorffAlphaSerializer()
    krippendorff_alpha_detail = KrippendorffAlphaDetailSerializer()
    pairs = AgreementPairSerializer(
        many=True, help_text="Every reviewer pair sharing a claim (editors and admins only)."
    )
    reviewers = ReviewerAgreementSerializer(many=True, help_text="Per reviewer (editors and admins only).")
    spans = SpanAgreementSerializer(help_text="Agreement of the people who highlighted the claims.")


def figure_detail(value: Figure) -> dict:
    return {"n_claims": value.n_claims, "n_verdicts": value.n_verdicts, "reason": value.reason}


def interval_data(value: Figure) -> dict:
    interval = value.interval
    if interval is None:
        # A figure built outside the statistics module (blind review's "nothing judged") carries no
        # interval; its own reason says why.
        interval = Interval(low=None, high=None, reason=value.reason or "No interval for this figure.")
    return {
        "low": interval.low,
        "high": interval.high,
        "confidence": interval.confidence,
        "n_resamples": interval.n_resamples,
        "reason": interval.reason,
    }


def statistic_detail(value: Figure) -> dict:
    return {**figure_detail(value), "n_pairable": value.n_pairable, "interval": interval_data(value)}


def figure(name: str, value: Figure) -> dict:
    return {name: value.value, f"{name}_detail": figure_detail(value)}


def statistic(name: str, value: Figure) -> dict:
    return {name: value.value, f"{name}_detail": statistic_detail(value)}


def span_figure(name: str, value: SpanFigure) -> dict:
    detail = {"n_a": value.n_a, "n_b": value.n_b, "matched": value.matched, "reason": value.reason}
    return {name: value.value, f"{name}_detail": detail}


def agreement_data(report: AgreementReport, scope: dict) -> dict:
    """The report in the shape of :class:`AgreementSerializer`: each figure ``x`` a number or null,
    with ``x_detail`` beside it."""
    summary = report.verdicts
    alpha = summary.krippendorff_alpha
    return {
        "scope": scope,
        "visibility": "judged_claims" if report.blind else "all_claims",
        "n_claims": summary.n_claims,
        "n_verdicts": summary.n_verdicts,
        "n_reviewers": summary.n_reviewers,
        **statistic("percent_agreement", summary.percent_agreement),
        **statistic("fleiss_kappa", summary.fleiss_kappa),
        "krippendorff_alpha": {level: alpha[level].value for level in alpha},
        "krippendorff_alpha_detail": {level: statistic_detail(alpha[level]) for level in alpha},
        "pairs": [
            {
                "a": pair.reviewer_a,
                "b": pair.reviewer_b,
                "n": pair.n,
                **statistic("cohen_kappa", pair.cohen_kappa),
                **statistic("percent_agreement", pair.percent_agreement),
                "confusion": pair.confusion,
            }
            for pair in summary.pairs
        ],
        "reviewers": [
            {
                "reviewer": row.reviewer,
                "n_verdicts": row.n_verdicts,
                **figure("agreement_with_final", row.with_final),
            }
            for row in report.reviewers
        ],
        "spans": {
            **span_figure("exact", report.spans.overall["exact"]),
            **span_figure("overlap", report.spans.overall["overlap"]),
            "pairs": [
                {
                    "a": pair.reviewer_a,
                    "b": pair.reviewer_b,
                    **span_figure("exact", pair.exact),
                    **span_figure("overlap", pair.overlap),
                }
                for pair in report.spans.pairs
            ],
        },
    }


RATINGS = ", ".join(f"`{value}`" for value in Rating.values)

DESCRIPTION = f"""
Inter-rater agreement of the verdicts on a project's claims (or one article's), and of the spans
people highlighted. Give `project` or `article`; `reviewer`, `created_after`/`created_before` and
`tag` narrow the claims. Only independent verdicts count: a verdict given with other verdicts in
view (an editor's on a claim that already had a verdict) is not independent and is left out of the
verdict figures; editors who switch on blind review count. Ratings: {RATINGS}.

**Figures.** Each figure `x` is a number, or `null` when it cannot be computed (too few claims,
one rating only, ...), never an error; `x_detail` beside it holds `n_claims` and `n_verdicts`, the
claims and verdicts behind it, and `reason`, why it is null. Percent agreement and Fleiss' kappa use
the claims with two or more verdicts; Cohen's kappa (Cohen 1960) and a pair's percent agreement the
claims both reviewers rated; `confusion` is the pair's rating-by-rating table. Krippendorff's alpha
(Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability") is nominal over every rating, and
ordinal and interval over the truth scale (`false`=1 ... `true`=5), other ratings counting as missing.

**Too few claims.** Fleiss' kappa, Cohen's kappa and Krippendorff's alpha need at least two claims
with two or more ratings (at alpha's level); on one claim their chance agreement would come from that
claim alone, so below that they are `null` with the reason. Percent agreement is an observed share
and is given from one claim on.

**Confidence intervals and pairable values.** Each of these figures' `x_detail` also holds
`interval`, its 95 % percentile bootstrap confidence interval over claims: the claims behind the
figure are resampled with replacement 1,000 times, the figure is recomputed on each resample, and
the 2.5th and 97.5th percentiles are `low` and `high`. The resampling is seeded, so the same data
always gives the same interval. `low` and `high` are `null`, with `reason`, when the figure is null,
when fewer than two claims are behind it, or when the figure is undefined on some resample (one
rating only): too few claims with differing ratings carry it. `n_pairable` counts the pairable values
behind the figure, the ratings on claims holding two or more (Krippendorff's n..).

**Missing verdicts are normal** (not every reviewer rates every claim). Percent agreement is Fleiss'
mean agreement P-bar with each claim using its own number of verdicts n_i, and Fleiss' kappa is
generalized the same way: P-bar as above and chance agreement P_e = sum_j p_j^2 with p_j the share of
rating j among all verdicts on those claims (Fleiss 1971, "Measuring nominal scale agreement among
many raters", Psychological Bulletin 76(5); the missing-rating generalization of Gwet 2014, Handbook
of Inter-Rater Reliability, 4th ed.). With the same number of verdicts on every claim it is textbook
Fleiss. Krippendorff's alpha handles missing values by construction.

**Per reviewer** (`reviewers`): verdicts given, and the share of their verdicts on agreed or resolved
claims that equal the final rating.

**Spans** (`spans`): pairwise F1 = 2 matched / (n_a + n_b) between the people who highlighted the
claims (each annotation's author), `exact` for identical spans and `overlap` for spans matched
one-to-one by overlap, compared on the article revisions both highlighted in; the overall figure is
the micro-average over pairs. Highlighting the exact words of an existing annotation gives back that
annotation, so identical spans by two people are recorded once, under the first author.

**Blind review.** Editors and admins get every figure, pairs with their confusion tables, and the
per-reviewer and per-annotator rows. Annotators and reviewers get the aggregate figures computed only
over the claims they have judged themselves (whose verdicts they may read in full), and empty `pairs`,
`reviewers` and `spans.pairs`; `visibility` says which applies. A caller who has judged none of the
claims selected gets null figures with the reason.

Members of the project only: others get 404, anonymous callers 401.
"""


class AgreementDetailView(APIView):
    @extend_schema(
        parameters=[AgreementQueryInput],
        responses={
            200: AgreementSerializer,
            400: OpenApiResponse(description="A bad or missing parameter, named in the body."),
            404: OpenApiResponse(description="No such project or article among the caller's projects."),
        },
        summary="Agreement of a project's or an article's verdicts and spans",
        description=DESCRIPTION,
    )
    def get(self, request):
        payload = AgreementQueryInput(data=request.query_params)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        article = None
        if "article" in data:
            article = get_article_for(request.user, data["article"])
            project = article.project
            if data.get("project", project.pk) != project.pk:
                raise ValidationError(
                    {
                        "article": ValidationError(
                            "This article is not in the project given.", code="other_project"
                        )
                    }
                )
        else:
            project = get_project_for(request.user, data["project"])
        if "reviewer" in data and not has_reviewer(project, data["reviewer"]):
            raise ValidationError(
                {
                    "reviewer": ValidationError(
                        "No reviewer of this project has this username.", code="unknown"
                    )
                }
            )
        if "tag" in data and not has_tag(project, data["tag"]):
            raise ValidationError(
                {"tag": ValidationError("This project has no tag of this name.", code="unknown")}
            )

        filters = {name: data.get(name) for name in ("reviewer", "created_after", "created_before", "tag")}
        report = agreement_visible_to(request.user, project=project, article=article, **filters)
        scope = {"project": project.pk, "article": article.pk if article else None, **filters}
        return Response(AgreementSerializer(agreement_data(report, scope)).data)
