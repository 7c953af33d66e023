"""Who may see and do what: every access to a project's objects on behalf of a user goes through here.

Objects of a project the user is not a member of answer 404 (never 403), so that ids of other
desks are never revealed. Members below the role an action needs get PermissionDenied (403).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from annotations.models import (
    Annotation,
    Article,
    Disagreement,
    DisagreementKind,
    Membership,
    Project,
    Role,
    Status,
    Verdict,
)
from workbench.errors import StateConflict

# Who highlights claims in a project: every member (create_annotation asks it; the reader's
# suggested claims are offered to it).
HIGHLIGHTS_CLAIMS = Role.ANNOTATOR


def projects_of(user) -> QuerySet[Project]:
    """The user's projects, each annotated with ``my_role``, the user's role in it, and
    ``i_see_everything`` (:func:`sees_everything`)."""
    if not user.is_authenticated:
        return Project.objects.none()
    my_role = Membership.objects.filter(project=OuterRef("pk"), user=user).values("role")[:1]
    return Project.objects.annotate(
        my_role=Subquery(my_role), i_see_everything=Q(pk__in=sees_everything_in(user))
    ).filter(my_role__isnull=False)


def role_in(user, project: Project) -> Role | None:
    """The user's role in ``project``, read from ``my_role`` when the project came from projects_of."""
    if not user.is_authenticated:
        return None
    role = getattr(project, "my_role", None)
    if role is None:
        role = Membership.objects.filter(project=project, user=user).values_list("role", flat=True).first()
    return Role(role) if role is not None else None


def require_role(user, project: Project, role: Role) -> None:
    """Raise PermissionDenied unless the user holds ``role`` or a higher one in ``project``."""
    mine = role_in(user, project)
    if mine is None:
        raise Http404("No such project.")
    if mine < role:
        raise PermissionDenied(f"This needs the {role.slug} role or higher in this project.")


def require_roles(user, needs: Iterable[tuple[Project, Role]]) -> None:
    """:func:`require_role` for many ``(project, role)`` needs at once, in one query."""
    roles = dict(Membership.objects.filter(user=user).values_list("project", "role"))
    for project, role in needs:
        project.my_role = roles.get(project.pk)
        require_role(user, project, role)


def check_role_where_member(user, project_id: int, role: Role) -> None:
    """PermissionDenied when the user is a member of the project below ``role``. Non-members pass:
    what they ask for is filtered to their own projects, so they learn nothing."""
    mine = Membership.objects.filter(user=user, project_id=project_id).values_list("role", flat=True).first()
    if mine is not None and mine < role:
        raise PermissionDenied(f"This needs the {role.slug} role or higher in this project.")


def can(user, project: Project, role: Role) -> bool:
    mine = role_in(user, project)
    return mine is not None and mine >= role


def get_project_for(user, project_id, *, role: Role = Role.ANNOTATOR, lock: bool = False) -> Project:
    """The project ``project_id`` if the user is a member holding at least ``role``.

    Missing projects and projects the user is not a member of both raise Http404; a member
    below ``role`` gets PermissionDenied. ``lock`` takes a row lock on the project (call inside
    a transaction), which serializes changes to its settings and memberships.
    """
    projects = projects_of(user)
    if lock:
        # No key update, as every writer locks a project (annotations.services.locks).
        projects = projects.select_for_update(of=("self",), no_key=True)
    try:
        project = projects.get(pk=project_id)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404("No such project.") from None
    require_role(user, project, role)
    return project


def member_projects(user):
    """Ids of the user's projects, as a subquery."""
    return Membership.objects.filter(user=user).values("project") if user.is_authenticated else []


def get_article_for(user, article_id, *, role: Role = Role.ANNOTATOR, lock: bool = False) -> Article:
    """The article if the user is a member of its project holding at least ``role``.

    Unknown articles and those of other projects raise Http404; a member below ``role`` gets
    PermissionDenied. ``lock`` takes a row lock on the article (call inside a transaction).
    """
    articles = Article.objects.select_related("project", "current_revision").filter(
        project__in=member_projects(user)
    )
    if lock:
        # No key update, as every writer locks an article (annotations.services.locks).
        articles = articles.select_for_update(of=("self",), no_key=True)
    try:
        article = articles.get(pk=article_id)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise Http404("No such article.") from None
    require_role(user, article.project, role)
    return article


def get_annotation_for(user, annotation_id, *, role: Role = Role.ANNOTATOR, lock: bool = False) -> Annotation:
    """The annotation if the user is a member of its project holding at least ``role``.

    Missing annotations and those of other projects both raise Http404, so ids are never
    revealed. ``lock`` takes a row lock on the annotation (call inside a transaction).
    """
    annotations = Annotation.objects.select_related("article__project", "revision").filter(
        article__project__in=member_projects(user)
    )
    if lock:
        annotations = annotations.select_for_update(of=("self",))
    try:
        annotation = annotations.get(pk=annotation_id)
    except (Annotation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such annotation.") from None
    require_role(user, annotation.article.project, role)
    return annotation


def get_disagreement_for(user, disagreement_id, *, role: Role = Role.ANNOTATOR) -> Disagreement:
    """The disagreement if the user is a member of its project holding at least ``role`` and blind
    review lets them see it (:func:`disagreements_revealed_to`); one query.

    Missing disagreements, those of other projects and those blind review hides raise Http404; a
    member below ``role`` gets PermissionDenied.
    """
    my_role = Membership.objects.filter(project=OuterRef("project"), user=user).values("role")[:1]
    try:
        disagreement = (
            Disagreement.objects.select_related("project")
            .annotate(my_role=Subquery(my_role), revealed=disagreements_revealed_to(user))
            .get(pk=disagreement_id, my_role__isnull=False)
        )
    except (Disagreement.DoesNotExist, ValueError, TypeError):
        raise Http404("No such disagreement.") from None
    disagreement.project.my_role = disagreement.my_role
    require_role(user, disagreement.project, role)
    if not disagreement.revealed:
        raise Http404("No such disagreement.")
    return disagreement


def can_change_annotation(user, annotation: Annotation) -> bool:
    """Authors may change their own annotations; editors and admins anyone's."""
    return annotation.author_id == user.pk or can(user, annotation.article.project, Role.EDITOR)


def get_verdict_for(user, verdict_id, *, lock: bool = False) -> Verdict:
    """A verdict the user may see under blind review; others answer Http404."""
    from annotations.selectors import verdicts_visible_to

    verdicts = verdicts_visible_to(user).select_related("annotation__article__project")
    if lock:
        verdicts = verdicts.select_for_update(of=("self",))
    try:
        return verdicts.get(pk=verdict_id)
    except (Verdict.DoesNotExist, ValueError, TypeError):
        raise Http404("No such verdict.") from None


# Blind review: the one rule of what a member may see of other people's judgements.


def projects_where(user, role: Role) -> QuerySet:
    """Ids of the projects where the user holds ``role`` or a higher one, as a subquery."""
    return Membership.objects.filter(user=user, role__gte=role).values("project")


def sees_everything_in(user) -> QuerySet:
    """Ids of the projects where the user sees every verdict: those they edit or administer,
    unless they chose to review blind there."""
    return Membership.objects.filter(user=user, role__gte=Role.EDITOR, review_blind=False).values("project")


def sees_everything(user, project: Project) -> bool:
    """Whether the user sees every verdict in ``project`` (:func:`sees_everything_in`), read from
    ``i_see_everything`` when the project came from :func:`projects_of`, else in one query."""
    known = getattr(project, "i_see_everything", None)
    if known is not None:
        return known
    return Project.objects.filter(pk=project.pk, pk__in=sees_everything_in(user)).exists()


def judged_by(user) -> QuerySet:
    """Ids of the claims the user has given a verdict on."""
    return Verdict.objects.filter(reviewer=user).values("annotation")


def revealed_to(user, claim: str = "", *, unjudged: bool = False) -> Q:
    """The claims whose verdicts, evidence, disputes and final rating blind review reveals to the
    user: every claim of the projects they see everything in, and the claims they have judged.

    ``claim`` is the path from the filtered model to its annotation (``"annotation__"`` for
    verdicts), empty for annotations themselves. ``unjudged``: the claims asked about are known to
    be ones the user has not judged (the to-review queue's), so the second half is false and not
    asked: per claim it is a probe of the verdicts, and in a long list the planner may hash all of
    a prolific reviewer's verdicts for it instead.
    """
    everything = Q(**{f"{claim}article__project__in": sees_everything_in(user)})
    return everything if unjudged else everything | Q(judged_here(user, claim))


def judged_here(user, claim: str = "") -> Exists:
    """Whether the user has given a verdict on the claim (``claim`` the path to it, as in
    :func:`revealed_to`), asked row by row: one probe of the (claim, reviewer) index, where
    ``pk IN judged_by(user)`` would gather all of a prolific reviewer's claims for every query."""
    return Exists(Verdict.objects.filter(reviewer=user, annotation=OuterRef(f"{claim}pk")))


def disagreements_revealed_to(user) -> Q:
    """The disagreements blind review lets the user see: span disagreements (spans are not blind)
    and the verdict disagreements of claims revealed to them (:func:`revealed_to`)."""
    return revealed_to(user, "annotation__") | Q(kind=DisagreementKind.SPAN)


def is_revealed(user, annotation: Annotation) -> bool:
    """Whether blind review reveals the claim's verdicts to the user now (:func:`revealed_to`)."""
    return Annotation.objects.filter(pk=annotation.pk).filter(revealed_to(user)).exists()


# What a claim's status reads to a member it is not revealed to: a dispute would betray that the
# verdicts differ. Agreed and resolved claims are the desk's published result, shown to everyone.
STATUS_SHOWN_BLIND = {Status.DISPUTED: Status.NEEDS_REVIEW}


def status_shown_to(user, claim: str = "", *, unjudged: bool = False) -> Case:
    """The claim's status as the user may see it, as an expression (see :data:`STATUS_SHOWN_BLIND`;
    ``unjudged`` as for :func:`revealed_to`)."""
    hidden = ~revealed_to(user, claim, unjudged=unjudged)
    return Case(
        *(
            When(hidden & Q(**{f"{claim}status": status}), then=Value(shown))
            for status, shown in STATUS_SHOWN_BLIND.items()
        ),
        default=F(f"{claim}status"),
    )


def in_status_shown_to(user, status: str, claim: str = "") -> Q:
    """The claims whose status, as the user may see it, is ``status``: the filter form of
    :func:`status_shown_to`, for counts and aggregates over a relation."""
    revealed = revealed_to(user, claim)
    selected = Q(**{f"{claim}status": status})
    if status in STATUS_SHOWN_BLIND:
        selected &= revealed
    for hidden, shown in STATUS_SHOWN_BLIND.items():
        if shown == status:
            selected |= Q(**{f"{claim}status": hidden}) & ~revealed
    return selected


# Judging.


def judgement_refusal(annotation: Annotation) -> StateConflict | None:
    """Why no verdict on the claim may be given or changed now (resolved, or merged into another),
    or None when it is open for judgement. Adjudication is refused for the same reasons."""
    if annotation.status == Status.RESOLVED:
        return StateConflict(
            "This claim is resolved; its verdicts are frozen. An editor may re-open it.", code="resolved"
        )
    if annotation.merged_into_id:
        return StateConflict(
            f"This claim was merged into claim {annotation.merged_into_id}; judge that one.", code="merged"
        )
    return None


def can_judge(user, annotation: Annotation) -> bool:
    """May the user give or change a verdict on this claim now: a reviewer or higher, on an open claim."""
    return can(user, annotation.article.project, Role.REVIEWER) and judgement_refusal(annotation) is None


def check_can_judge(user, annotation: Annotation) -> None:
    """Raise PermissionDenied (role below reviewer) or StateConflict (the claim is not open for
    judgement) unless :func:`can_judge`."""
    require_role(user, annotation.article.project, Role.REVIEWER)
    if (refusal := judgement_refusal(annotation)) is not None:
        raise refusal
