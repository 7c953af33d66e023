"""Which evidence sources and domain entries blind review lets a member see.

A source is shared by the project once anyone may see it, so it must not betray a judgement
the member may not see yet: the URL another reviewer cited, or its title, tells what they found.
"""

from django.db.models import Q, QuerySet

from annotations.models import Evidence
from annotations.permissions import member_projects, sees_everything_in
from annotations.selectors.claims import evidence_visible_to
from annotations.selectors.review import adjudications_visible_to
from sources.models import Domain, Source
from sources.selectors import domain_entries_of_projects, shared_or_added_by, sources_of_projects


def sources_visible_to(user) -> QuerySet[Source]:
    """The sources of the user's projects that blind review lets them see, with
    ``effective_reliability``: every source of the projects where they see everything
    (:func:`annotations.permissions.sees_everything_in`); elsewhere those they added themselves,
    those added outside any verdict or adjudication (directly, through POST /api/v1/sources/),
    and those behind evidence they may already see: of verdicts blind review reveals to them
    (:func:`annotations.selectors.evidence_visible_to`, their own included) or of adjudications
    they may see. One query, the rule as subqueries.
    """
    if not user.is_authenticated:
        return Source.objects.none()
    adjudication_evidence = Evidence.objects.filter(
        adjudication__in=adjudications_visible_to(user).values("pk")
    ).values("source")
    return sources_of_projects(member_projects(user)).filter(
        Q(project__in=sees_everything_in(user))
        | shared_or_added_by(user)
        | Q(pk__in=evidence_visible_to(user).values("source"))
        | Q(pk__in=adjudication_evidence)
    )


def domains_visible_to(user) -> QuerySet[Domain]:
    """The domain entries of the user's projects, all of them: an entry is only ever made by an
    editor rating a domain (``sources.services.set_domain_reliability``), never by citing a
    source, so it betrays nobody's evidence."""
    if not user.is_authenticated:
        return Domain.objects.none()
    return domain_entries_of_projects(member_projects(user))
