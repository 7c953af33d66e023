"""Evidence: the sources behind a verdict or an adjudication."""

from collections.abc import Sequence
from typing import TypedDict

from annotations.models import Action, Adjudication, Annotation, Evidence, HistoryEntry, Verdict
from annotations.services import history
from sources.services import find_or_create_sources


class EvidenceInput(TypedDict, total=False):
    url: str
    title: str
    stance: str
    quote: str


def attach_evidence(
    *,
    actor,
    annotation: Annotation,
    evidence: Sequence[EvidenceInput],
    verdict: Verdict | None = None,
    adjudication: Adjudication | None = None,
) -> list[Evidence]:
    """Create the evidence of a verdict or an adjudication, finding or creating each source by its
    normalized URL, and record it. A fixed number of queries for any number of pieces.

    A source created here is marked as added by ``actor`` as evidence, so that blind review
    hides it from members who may not see this evidence yet."""
    if not evidence:
        return []
    project = annotation.article.project
    sources = find_or_create_sources(
        project=project,
        links=[(item["url"], item.get("title", "")) for item in evidence],
        actor=actor,
        as_evidence=True,
    )
    pieces = Evidence.objects.bulk_create(
        Evidence(
            verdict=verdict,
            adjudication=adjudication,
            source=sources[item["url"]],
            stance=item["stance"],
            quote=item.get("quote", ""),
        )
        for item in evidence
    )
    HistoryEntry.objects.bulk_create(
        history.entry(
            annotation,
            piece,
            actor=actor,
            action=Action.CREATE,
            after=history.evidence_values(piece),
        )
        for piece in pieces
    )
    return pieces


def replace_evidence(
    *, actor, verdict: Verdict, annotation: Annotation, evidence: Sequence[EvidenceInput]
) -> None:
    """Swap a verdict's evidence for ``evidence``, recording each removal and addition."""
    old = list(verdict.evidence.select_related("source"))
    HistoryEntry.objects.bulk_create(
        history.entry(
            annotation,
            piece,
            actor=actor,
            action=Action.DELETE,
            before=history.evidence_values(piece),
        )
        for piece in old
    )
    Evidence.objects.filter(pk__in=[piece.pk for piece in old]).delete()
    attach_evidence(actor=actor, annotation=annotation, evidence=evidence, verdict=verdict)
