"""Reads shaped for one endpoint or page. Blind review is decided here, once.

Until reviewers have submitted their own verdict on a claim, other reviewers' verdicts, their
evidence and the claim's final rating are hidden from them. Editors and admins see everything.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from annotations.models import Annotation, Article, Evidence, HistoryEntry, Membership, Role, Verdict
from annotations.permissions import member_projects


def editor_projects(user):
    return Membership.objects.filter(user=user, role__gte=Role.EDITOR).values("project")


def judged_by(user):
    return Verdict.objects.filter(reviewer=user).values("annotation")


def articles_visible_to(user) -> QuerySet[Article]:
    if not user.is_authenticated:
        return Article.objects.none()
    return Article.objects.filter(project__in=member_projects(user)).select_related("current_revision")


def annotations_visible_to(user) -> QuerySet[Annotation]:
    """The annotations of the user's projects, each annotated with ``revealed``: whether blind
    review lets the user see its other verdicts and final rating. Verdicts come prefetched;
    :func:`visible_verdicts` picks those the user may see."""
    if not user.is_authenticated:
        return Annotation.objects.none()
    my_role = Membership.objects.filter(project=OuterRef("article__project"), user=user).values("role")[:1]
    i_judged = Exists(Verdict.objects.filter(annotation=OuterRef("pk"), reviewer=user))
    return (
        Annotation.objects.with_context()
        .filter(article__project__in=member_projects(user))
        .annotate(my_role=Subquery(my_role), i_judged=i_judged)
        .annotate(revealed=Q(my_role__gte=Role.EDITOR) | Q(i_judged=True))
        .prefetch_related(Prefetch("verdicts", queryset=Verdict.objects.with_context()))
    )


def visible_verdicts(annotation: Annotation, user) -> list[Verdict]:
    """The prefetched verdicts of ``annotation`` that ``user`` may see."""
    verdicts = annotation.verdicts.all()
    if getattr(annotation, "revealed", False):
        return list(verdicts)
    return [verdict for verdict in verdicts if verdict.reviewer_id == user.pk]


def verdicts_visible_to(user) -> QuerySet[Verdict]:
    """Verdicts of the user's projects that blind review lets them see: all of them for editors,
    else their own and those on claims they have judged themselves."""
    if not user.is_authenticated:
        return Verdict.objects.none()
    return (
        Verdict.objects.with_context()
        .filter(annotation__article__project__in=member_projects(user))
        .filter(Q(annotation__article__project__in=editor_projects(user)) | Q(annotation__in=judged_by(user)))
    )


def history_visible_to(user) -> QuerySet[HistoryEntry]:
    """History of the user's projects; entries about a claim's verdicts and evidence by others stay
    hidden until the user has judged that claim (editors see all)."""
    if not user.is_authenticated:
        return HistoryEntry.objects.none()
    return (
        HistoryEntry.objects.select_related("actor")
        .filter(project__in=member_projects(user))
        .filter(
            Q(project__in=editor_projects(user))
            | Q(object_type__in=["annotation", "article"])
            | Q(actor=user)
            | Q(annotation_id__in=judged_by(user))
        )
    )


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """Evidence of the verdicts blind review lets the user see."""
    if not user.is_authenticated:
        return Evidence.objects.none()
    return Evidence.objects.select_related("source").filter(
        verdict__in=verdicts_visible_to(user).values("pk")
    )
