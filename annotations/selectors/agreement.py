"""The agreement report of a scope of claims, as blind review lets one user see it."""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import compress, repeat
from operator import is_not

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
)

from annotations import agreement_figures as figures
from annotations.models import (
    PUBLISHED_STATUSES,
    Article,
    Highlight,
    Membership,
    Project,
    Tag,
    Verdict,
)
from annotations.permissions import revealed_to, sees_everything

FEWER_THAN_TWO_AUTHORS = "Fewer than two people highlighted these claims, so there is no pair to compare."


BLIND_NOTHING_JUDGED = (
    "Blind review: these figures cover only the claims you have judged yourself, "
    "and you have judged none of the claims selected."
)


@dataclass(frozen=True, kw_only=True)
class ReviewerAgreement:
    """One reviewer's verdicts in scope and how often they equal the final rating.

    ``with_final`` is the share of the reviewer's verdicts on agreed or resolved claims that equal
    the claim's final rating; its ``n_claims`` (= ``n_verdicts``) counts those verdicts.
    """

    reviewer: str
    n_verdicts: int
    with_final: figures.Figure


@dataclass(frozen=True, kw_only=True)
class AgreementReport:
    """The agreement figures of the claims in one scope, as blind review lets one user see them.

    ``blind`` is true for users below editor: the verdict figures then cover only the claims the
    user judged (the ones :func:`annotations_visible_to` marks ``revealed``, whose every verdict
    the user may read anyway), and the per-pair and per-reviewer rows are left out.
    """

    blind: bool
    verdicts: figures.AgreementSummary
    reviewers: tuple[ReviewerAgreement, ...]
    spans: figures.SpanAgreement


def _claims_in_scope(
    prefix: str,
    *,
    project: Project,
    article: Article | None,
    reviewer: str | None,
    created_after: datetime | None,
    created_before: datetime | None,
    tag: str | None,
) -> Q:
    """The filter selecting the claims in scope, on Annotation (``prefix=""``) or through a relation."""
    scope = Q(**{f"{prefix}article": article}) if article else Q(**{f"{prefix}article__project": project})
    if created_after is not None:
        scope &= Q(**{f"{prefix}created_at__gte": created_after})
    if created_before is not None:
        scope &= Q(**{f"{prefix}created_at__lt": created_before})
    if tag is not None:
        # Tag names are unique per project, so this join adds no duplicate rows.
        scope &= Q(**{f"{prefix}tags__name": tag})
    if reviewer is not None:
        judged = Verdict.objects.filter(reviewer__username=reviewer).values("annotation")
        scope &= Q(**{f"{prefix}pk__in": judged})
    return scope


def agreement_visible_to(
    user,
    *,
    project: Project,
    article: Article | None = None,
    reviewer: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    tag: str | None = None,
) -> AgreementReport:
    """Verdict and span agreement over the claims of ``project`` (or of one ``article`` of it).

    ``reviewer`` (a username) keeps the claims that reviewer gave a verdict on, with every verdict
    on them; ``created_after`` (inclusive) and ``created_before`` (exclusive) bound the claims'
    creation time; ``tag`` keeps the claims carrying that tag.

    The figures count the independent verdicts only, with the ratings they were given blind
    (``blind_rating``): a verdict given with other verdicts in view, or a rating revised after
    the reveal, would make the desk look more agreed than its judgements were.

    Blind review: editors and admins (unless they review blind) get every figure. Anyone else gets
    the verdict figures over the claims they judged themselves only, and no pair or reviewer rows,
    so that no figure rests on a rating they could not read through the API. Span figures use
    every annotation in scope (spans are not blind) but leave out the per-pair rows for the same
    reason as reviewers.

    The caller has checked that ``user`` is a member of ``project``. Three queries, whatever the
    number of claims: whether the caller sees everything, one row per verdict, one row per span.
    """
    # The computation loads numpy and krippendorff: only when a report is asked for, so that a
    # server process that never computes one does not carry them (about 10 MB).
    from annotations import agreement as compute

    blind = not sees_everything(user, project)
    scope = {
        "project": project,
        "article": article,
        "reviewer": reviewer,
        "created_after": created_after,
        "created_before": created_before,
        "tag": tag,
    }
    verdicts = Verdict.objects.filter(_claims_in_scope("annotation__", **scope), independent=True)
    if blind:
        verdicts = verdicts.filter(revealed_to(user, "annotation__"))
    # Only the columns the figures need, as plain tuples turned into columns: every verdict of the
    # scope is one row, so any work per row (a model instance, a tuple per verdict) shows at 100,000
    # claims. Whether a verdict equals its claim's final rating is the database's to say.
    columns = ["annotation_id", "reviewer__username", "blind_rating"]
    if not blind:
        verdicts = verdicts.annotate(agrees_with_final=_AGREES_WITH_FINAL)
        columns.append("agrees_with_final")
    claims, reviewers, ratings, *agrees = _columns(verdicts.order_by().values_list(*columns), len(columns))
    summary = compute.agreement_summary_from_columns(claims, reviewers, ratings)

    # Everyone who marked a span counts, not only its author: marking the very same words as
    # someone else gives back their annotation and records a second highlight of it. Each pair is
    # compared on the revisions both highlighted something in: annotators often split a desk's
    # articles between them, and an article only one of them read says nothing about their agreement.
    highlights = (
        Highlight.objects.filter(_claims_in_scope("annotation__", **scope))
        .order_by()
        .values_list("user__username", "annotation__revision_id", "annotation__start", "annotation__end")
    )
    authors, revisions, starts, ends = _columns(highlights, 4)
    spans = compute.span_agreement_from_columns(authors, revisions, starts, ends)

    if len(spans.pairs) == 0:
        alone = figures.SpanFigure(value=None, reason=FEWER_THAN_TWO_AUTHORS, n_a=0, n_b=0, matched=0)
        spans = replace(spans, overall=dict.fromkeys(figures.SPAN_MODES, alone))

    if blind:
        if summary.n_claims == 0:
            nothing = figures.Figure(value=None, reason=BLIND_NOTHING_JUDGED, n_claims=0, n_verdicts=0)
            summary = replace(
                summary,
                percent_agreement=nothing,
                fleiss_kappa=nothing,
                krippendorff_alpha=dict.fromkeys(figures.ALPHA_LEVELS, nothing),
            )
        return AgreementReport(
            blind=True,
            verdicts=replace(summary, pairs=()),
            reviewers=(),
            spans=replace(spans, pairs=()),
        )
    return AgreementReport(
        blind=False, verdicts=summary, reviewers=_reviewer_agreement(reviewers, *agrees), spans=spans
    )


# True or False on an agreed or resolved claim with a final rating (whether the verdict's blind
# rating is that rating), None on any other claim.
_ON_FINAL = Q(annotation__status__in=PUBLISHED_STATUSES) & ~Q(annotation__final_rating="")
_AGREES_WITH_FINAL = Case(
    When(_ON_FINAL & Q(blind_rating=F("annotation__final_rating")), then=Value(True)),
    When(_ON_FINAL, then=Value(False)),
    default=Value(None),
    output_field=BooleanField(null=True),
)


def _columns(rows, width: int) -> list[tuple]:
    """The rows of a query as ``width`` columns (empty ones when there is no row)."""
    return list(zip(*rows, strict=True)) or [()] * width


def _reviewer_agreement(
    reviewers: tuple[str, ...], agrees: tuple[bool | None, ...]
) -> tuple[ReviewerAgreement, ...]:
    """Per reviewer, from each verdict's reviewer and :data:`_AGREES_WITH_FINAL`, counted in C."""
    given = Counter(reviewers)
    on_final = Counter(compress(reviewers, map(is_not, agrees, repeat(None))))
    equal = Counter(compress(reviewers, agrees))
    result = []
    for reviewer in sorted(given):
        n = on_final[reviewer]
        if n:
            with_final = figures.Figure(value=equal[reviewer] / n, n_claims=n, n_verdicts=n)
        else:
            with_final = figures.Figure(
                value=None,
                reason="None of their verdicts is on an agreed or resolved claim.",
                n_claims=0,
                n_verdicts=0,
            )
        result.append(ReviewerAgreement(reviewer=reviewer, n_verdicts=given[reviewer], with_final=with_final))
    return tuple(result)


def has_reviewer(project: Project, username: str) -> bool:
    """Whether ``username`` is a member of ``project`` or gave verdicts in it (a former member)."""
    return (
        get_user_model()
        .objects.filter(username=username)
        .filter(
            Exists(Membership.objects.filter(user=OuterRef("pk"), project=project))
            | Exists(Verdict.objects.filter(reviewer=OuterRef("pk"), annotation__article__project=project))
        )
        .exists()
    )


def has_tag(project: Project, name: str) -> bool:
    return Tag.objects.filter(project=project, name=name).exists()
