"""Reads of sources and domain entries, shaped for the API.

They take the ids of the projects the caller may see (a queryset the caller's permissions
build), so that this app never needs to know about memberships; which sources blind review
lets a member see is decided by the annotations app, from these querysets.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from sources.models import Domain, Source


def sources_of_projects(project_ids) -> QuerySet[Source]:
    """Sources of the given projects with ``effective_reliability`` annotated: one query a page."""
    return Source.objects.filter(project__in=project_ids).with_effective_reliability()


def shared_or_added_by(user) -> Q:
    """Sources added outside any verdict or adjudication, and those ``user`` added themselves."""
    return Q(added_as_evidence=False) | Q(added_by=user)


def with_citing_claims(sources: QuerySet[Source], citations: QuerySet) -> QuerySet[Source]:
    """``sources`` annotated with ``n_claims``: how many distinct claims cite each among
    ``citations``, rows with a ``source`` and a ``claim`` (the caller decides which citations the
    reader may count, so that a count betrays no evidence they may not see); a subquery, no query
    per row."""
    counted = (
        citations.filter(source=OuterRef("pk"))
        .order_by()
        .values("source")
        .annotate(n=Count("claim", distinct=True))
    )
    return sources.annotate(
        n_claims=Coalesce(Subquery(counted.values("n")[:1]), Value(0), output_field=IntegerField())
    )


def domain_entries_of_projects(project_ids) -> QuerySet[Domain]:
    return Domain.objects.filter(project__in=project_ids)


def inherited_reliability(*, project_id: int, domain: str) -> str:
    """The reliability a source on ``domain`` without one of its own inherits: that of the project's
    most specific rated entry for the domain or a parent domain (as ``with_effective_reliability``
    decides for saved sources), else ""; one query."""
    labels = domain.split(".")
    covering = [".".join(labels[index:]) for index in range(len(labels))]
    ratings = dict(
        Domain.objects.filter(project=project_id, domain__in=covering)
        .exclude(reliability="")
        .values_list("domain", "reliability")
    )
    return next((ratings[name] for name in covering if name in ratings), "")
