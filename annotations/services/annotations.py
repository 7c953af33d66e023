"""Annotations: highlighting a claim's words, changing its claim text and tags, deleting it."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from annotations.anchoring import context_of
from annotations.models import (
    Action,
    Annotation,
    Article,
    Disagreement,
    DisagreementKind,
    DisagreementStatus,
    Highlight,
    Role,
    Tag,
)
from annotations.permissions import can, can_change_annotation, get_annotation_for, get_article_for
from annotations.services import history
from annotations.services.disagreements import open_span_disagreements
from annotations.services.locks import lock_article, lock_claims
from annotations.services.review import refresh_statuses
from workbench.errors import PreconditionFailed, StateConflict


def check_span(
    text: str, *, start: int, end: int, quote: str, prefix: str | None, suffix: str | None
) -> None:
    """Raise ValidationError naming the field when the span does not fit ``text``."""
    if start < 0 or start >= len(text):
        raise ValidationError({"start": [f"Must be from 0 to {len(text) - 1}, the text's last position."]})
    if end > len(text):
        raise ValidationError({"end": [f"Must be at most {len(text)}, the text's length in code points."]})
    if start >= end:
        raise ValidationError({"end": ["Must be greater than start."]})
    if text[start:end] != quote:
        raise ValidationError(
            {
                "quote": [
                    f"Does not match the text from {start} to {end}, which reads “{text[start:end][:200]}”."
                ]
            }
        )
    if prefix and text[max(0, start - len(prefix)) : start] != prefix:
        raise ValidationError({"prefix": ["Does not match the text just before start."]})
    if suffix and text[end : end + len(suffix)] != suffix:
        raise ValidationError({"suffix": ["Does not match the text just after end."]})


def tags_for(project_id: int, names: Sequence[str]) -> list[Tag]:
    """The project's tags of these names, created when new."""
    names = sorted({name.strip() for name in names if name.strip()})
    existing = {tag.name: tag for tag in Tag.objects.filter(project_id=project_id, name__in=names)}
    missing = [Tag(project_id=project_id, name=name) for name in names if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in Tag.objects.filter(project_id=project_id, name__in=names)}
    return list(existing.values())


def new_annotation(
    *, author, article: Article, start: int, end: int, quote: str, claim: str = ""
) -> Annotation:
    """An unsaved annotation on the article's current revision, its context computed. Raises
    ValidationError naming the field for a value the model refuses; runs no query."""
    prefix, suffix = context_of(article.current_revision.text, start, end)
    annotation = Annotation(
        article=article,
        revision=article.current_revision,
        start=start,
        end=end,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        claim=claim,
        author=author,
    )
    annotation.full_clean(exclude=["article", "revision", "author"], validate_constraints=False)
    return annotation


@transaction.atomic
def create_annotation(
    *,
    author,
    article_id: int,
    start: int,
    end: int,
    quote: str,
    prefix: str | None = None,
    suffix: str | None = None,
    claim: str = "",
    tags: Sequence[str] = (),
) -> tuple[Annotation, bool]:
    """Highlight ``quote`` at ``start``..``end`` of the article's current revision (annotators and up).

    Returns ``(annotation, created)``: the same words on the same revision give back the existing
    annotation, so two people who mark the same words judge the same claim; the second person is
    recorded as one more highlighter of it (span agreement counts them). Words of a claim an
    editor merged into another give back the claim it lives on in (:func:`live_claim`). Raises Http404 for
    articles the author cannot see and ValidationError, naming the field, for a span that does
    not fit the text. Prefix and suffix are computed; when given, they must match the text.
    """
    # The article lock serializes highlights on one article, so overlaps are never missed.
    article = lock_article(get_article_for(author, article_id, role=Role.ANNOTATOR))
    check_span(article.current_revision.text, start=start, end=end, quote=quote, prefix=prefix, suffix=suffix)
    existing = Annotation.objects.filter(
        revision=article.current_revision, start=start, end=end, orphaned=False
    )
    if found := existing.first():
        Highlight.objects.bulk_create([Highlight(annotation=found, user=author)], ignore_conflicts=True)
        return live_claim(found), False
    annotation = new_annotation(
        author=author, article=article, start=start, end=end, quote=quote, claim=claim
    )
    try:
        with transaction.atomic():
            annotation.save()
    except IntegrityError:
        # Someone highlighted the same words a moment earlier: theirs is the claim.
        found = existing.get()
        Highlight.objects.bulk_create([Highlight(annotation=found, user=author)], ignore_conflicts=True)
        return live_claim(found), False
    Highlight.objects.create(annotation=annotation, user=author)
    tag_objects = tags_for(article.project_id, tags)
    annotation.tags.set(tag_objects)
    history.record(
        annotation,
        annotation,
        actor=author,
        action=Action.CREATE,
        after=history.annotation_values(annotation, [tag.name for tag in tag_objects]),
    )
    settle_spans([annotation])
    return annotation, True


def live_claim(annotation: Annotation, known: dict[int, Annotation] | None = None) -> Annotation:
    """The claim an annotation's words stand for now: itself, or, when an editor merged it into
    another, the claim its verdicts moved to (following merges of merges). ``known`` holds
    annotations already loaded, by id; others are read one query each."""
    known = known or {}
    while annotation.merged_into_id is not None:
        annotation = known.get(annotation.merged_into_id) or Annotation.objects.select_related(
            "article__project", "revision"
        ).get(pk=annotation.merged_into_id)
    return annotation


def settle_spans(annotations: list[Annotation]) -> None:
    """Open span disagreements for new annotations and re-derive the status of every claim involved."""
    opened = open_span_disagreements(annotations)
    involved = {d.annotation_id for d in opened} | {d.other_annotation_id for d in opened}
    refresh_claims(involved)


def refresh_claims(annotation_ids) -> None:
    """Lock these claims and re-derive their status (see ``refresh_statuses``)."""
    if annotation_ids:
        refresh_statuses(lock_claims(annotation_ids))


def span_disputants(annotation_ids) -> set[int]:
    """Ids of these claims and their partners, where they share an open span disagreement."""
    rows = Disagreement.objects.filter(
        Q(annotation__in=annotation_ids) | Q(other_annotation__in=annotation_ids),
        kind=DisagreementKind.SPAN,
        status=DisagreementStatus.OPEN,
    ).values_list("annotation_id", "other_annotation_id")
    return {claim for row in rows for claim in row}


def check_version(obj, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != obj.version:
        raise PreconditionFailed()


@transaction.atomic
def update_annotation(
    *,
    actor,
    annotation_id: int,
    expected_version: int | None = None,
    claim: str | None = None,
    tags: Sequence[str] | None = None,
) -> Annotation:
    """Change an annotation's claim text or tags (its author, editors and admins).

    Once the claim has a verdict, its claim text is what the reviewers judged: only an editor or
    an admin may change it then (others get StateConflict ``has_verdicts``; the author may still
    change the tags), and ``claim_changed_at`` records when, so that the reviewers whose verdicts
    predate it are shown the change. Locks the annotation. Raises PreconditionFailed when
    ``expected_version`` is stale. Changes nothing when it raises.
    """
    annotation = get_annotation_for(actor, annotation_id, lock=True)
    if not can_change_annotation(actor, annotation):
        raise PermissionDenied("Only its author or an editor may change this annotation.")
    check_version(annotation, expected_version)
    before = history.annotation_values(annotation, annotation.tags.values_list("name", flat=True))
    if claim is not None and claim != annotation.claim:
        if annotation.verdicts.exists():
            if not can(actor, annotation.article.project, Role.EDITOR):
                refusal = ValidationError(
                    "This claim already has verdicts; only an editor may change what it says now.",
                    code="has_verdicts",
                )
                raise StateConflict({"claim": [refusal]})
            annotation.claim_changed_at = timezone.now()
        annotation.claim = claim
    annotation.full_clean(exclude=["article", "revision", "author"], validate_constraints=False)
    annotation.version += 1
    annotation.save()
    if tags is not None:
        annotation.tags.set(tags_for(annotation.article.project_id, tags))
    history.record(
        annotation,
        annotation,
        actor=actor,
        action=Action.UPDATE,
        before=before,
        after=history.annotation_values(annotation, annotation.tags.values_list("name", flat=True)),
    )
    return annotation


@transaction.atomic
def delete_annotation(*, actor, annotation_id: int, expected_version: int | None = None) -> None:
    """Delete an annotation: its author while nobody has judged it, editors and admins always.

    Its verdicts, evidence and disagreements go with it; the deletion is recorded with the
    annotation's values. The claims it overlapped are locked and their status re-derived, since
    the span disagreement that made them ``disputed`` is gone. Raises StateConflict when an
    author tries to delete a claim that already has verdicts, and when another claim was merged
    into this one (the merged claim points here, and its verdicts moved here).

    Locks the article first, as highlighting and re-importing do, so that a highlight made at the
    same moment never opens a span disagreement with an annotation being deleted; then the
    annotation and the claims it overlaps together, in id order, as a merge locks them, so that a
    merge and a deletion of the same claims cannot deadlock.
    """
    found = get_annotation_for(actor, annotation_id)
    lock_article(found.article)
    # Under the article lock no new overlap can appear: the partners found now are all there are.
    lock_claims({found.pk} | span_disputants([found.pk]))
    annotation = get_annotation_for(actor, annotation_id, lock=True)
    project = annotation.article.project
    if not can_change_annotation(actor, annotation):
        raise PermissionDenied("Only its author or an editor may delete this annotation.")
    check_version(annotation, expected_version)
    if merged := sorted(annotation.merged.values_list("pk", flat=True)):
        raise StateConflict(
            f"Claim {', '.join(map(str, merged))} was merged into this claim and its verdicts moved here; "
            "this claim cannot be deleted.",
            code="has_merged",
        )
    n_verdicts = annotation.verdicts.count()
    if n_verdicts and not can(actor, project, Role.EDITOR):
        raise StateConflict(
            "This claim already has verdicts; only an editor may delete it now.", code="has_verdicts"
        )
    before = history.annotation_values(annotation, annotation.tags.values_list("name", flat=True))
    before["verdicts"] = n_verdicts
    history.record(
        annotation,
        annotation,
        actor=actor,
        action=Action.DELETE,
        before=before,
    )
    partners = span_disputants([annotation.pk]) - {annotation.pk}
    annotation.delete()
    refresh_claims(partners)
