"""History: who created, changed or deleted what, with the values before and after.

Every service that writes an annotation, verdict, evidence or adjudication calls
:func:`record` inside its own transaction, so a change and its history commit together.
"""

from collections.abc import Iterable

from annotations.models import Action, Adjudication, Annotation, Evidence, HistoryEntry, ObjectType, Verdict


def annotation_values(annotation: Annotation, tags: Iterable[str] | None = None) -> dict:
    """The annotation's own fields. Status and final rating are left out: they derive from
    verdicts, and the final rating is hidden by blind review."""
    values = {
        "article": annotation.article_id,
        "revision": annotation.revision_id,
        "start": annotation.start,
        "end": annotation.end,
        "quote": annotation.quote,
        "claim": annotation.claim,
        "orphaned": annotation.orphaned,
    }
    if tags is not None:
        values["tags"] = sorted(tags)
    return values


def verdict_values(verdict: Verdict) -> dict:
    return {
        "annotation": verdict.annotation_id,
        "rating": verdict.rating,
        "blind_rating": verdict.blind_rating,
        "independent": verdict.independent,
        "revised_after_reveal": verdict.revised_after_reveal,
        "confidence": verdict.confidence,
        "rationale": verdict.rationale,
    }


def adjudication_values(adjudication: Adjudication) -> dict:
    return {
        "annotation": adjudication.annotation_id,
        "rating": adjudication.rating,
        "rationale": adjudication.rationale,
    }


def evidence_values(evidence: Evidence) -> dict:
    return {
        "verdict": evidence.verdict_id,
        "adjudication": evidence.adjudication_id,
        "source": evidence.source_id,
        "url": evidence.source.url,
        "stance": evidence.stance,
        "quote": evidence.quote,
    }


OBJECT_TYPES = {
    Annotation: ObjectType.ANNOTATION,
    Verdict: ObjectType.VERDICT,
    Evidence: ObjectType.EVIDENCE,
    Adjudication: ObjectType.ADJUDICATION,
}


def entry(
    claim: Annotation, obj, *, actor, action: Action, before: dict | None = None, after: dict | None = None
) -> HistoryEntry:
    """An unsaved entry about ``obj`` (the claim itself, or a verdict, evidence or adjudication of
    it), for callers that write many at once with bulk_create."""
    return HistoryEntry(
        project_id=claim.article.project_id,
        object_type=OBJECT_TYPES[type(obj)],
        object_id=obj.pk,
        annotation_id=claim.pk,
        action=action,
        actor=actor,
        before=before,
        after=after,
    )


def record(claim: Annotation, obj, **fields) -> HistoryEntry:
    """Save an entry about ``obj``; see :func:`entry`."""
    history_entry = entry(claim, obj, **fields)
    history_entry.save()
    return history_entry
