"""Annotations: highlighting a claim's words, changing its claim text and tags, deleting it."""

import re
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from annotations.anchoring import context_of
from annotations.limits import QUOTE_MAX_LENGTH
from annotations.models import (
    Action,
    Annotation,
    Article,
    Disagreement,
    DisagreementKind,
    DisagreementStatus,
    Highlight,
    Role,
    Status,
    Tag,
)
from annotations.permissions import (
    HIGHLIGHTS_CLAIMS,
    can,
    can_change_annotation,
    get_annotation_for,
    get_article_for,
)
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
    article = lock_article(get_article_for(author, article_id, role=HIGHLIGHTS_CLAIMS))
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


# A re-cut is small, and the claim keeps its verdicts, when the new span still overlaps the old
# one and the words it adds and drops together number at most this many. A word is a run of
# characters between white space, as the reader's keys step over them, and a word cut in two
# by either span counts whole: "10,000 troops" grown to "sent 10,000 troops to Russia" adds
# three words and still names what the reviewers judged; a span moved to other words, or grown
# by a clause, is a new claim.
RECUT_SMALL_WORDS = 3
WORD = re.compile(r"\S+")


def words_changed(text: str, old: tuple[int, int], new: tuple[int, int]) -> int | None:
    """How many words a move of the span ``old`` to ``new`` (``(start, end)`` offsets of ``text``)
    adds and drops; None when the two spans do not overlap."""
    (old_start, old_end), (new_start, new_end) = old, new
    if new_start >= old_end or old_start >= new_end:
        return None
    count = 0
    for low, high in ((old_start, new_start), (old_end, new_end)):
        low, high = min(low, high), max(low, high)
        if low == high:
            continue
        # Widen to the whole words the changed stretch touches, so a word cut in two counts once.
        while low > 0 and not text[low - 1].isspace() and not text[low].isspace():
            low -= 1
        while high < len(text) and not text[high].isspace() and not text[high - 1].isspace():
            high += 1
        count += len(WORD.findall(text, low, high))
    return count


def recut_is_small(text: str, old: tuple[int, int], new: tuple[int, int]) -> bool:
    """The one rule of which re-cuts keep a claim's verdicts (see ``RECUT_SMALL_WORDS``)."""
    changed = words_changed(text, old, new)
    return changed is not None and changed <= RECUT_SMALL_WORDS


def check_recut(actor, annotation: Annotation, start: int, end: int) -> None:
    """Raise when ``annotation`` may not move to ``start``..``end``: ValidationError naming the
    field for a span that does not fit its text, StateConflict for a claim whose words cannot
    move (merged away, orphaned, resolved, other words already a claim) or whose verdicts would
    no longer judge its words (``has_verdicts`` for non-editors, ``recut_too_large``)."""
    text = annotation.revision.text
    check_span(text, start=start, end=end, quote=text[start:end], prefix=None, suffix=None)
    if end - start > QUOTE_MAX_LENGTH:
        raise ValidationError({"end": [f"A highlight holds at most {QUOTE_MAX_LENGTH} characters."]})
    if annotation.merged_into_id is not None:
        raise StateConflict("This claim was merged into another; re-cut that one.", code="merged")
    if annotation.orphaned:
        raise StateConflict(
            "The words of this claim are not in the article's current text; it cannot be re-cut.",
            code="orphaned",
        )
    if annotation.status == Status.RESOLVED:
        raise StateConflict(
            "This claim is resolved: its rating was given on these words. Re-open it to re-cut it.",
            code="resolved",
        )
    taken = (
        Annotation.objects.filter(revision=annotation.revision, start=start, end=end, orphaned=False)
        .exclude(pk=annotation.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if taken is not None:
        raise StateConflict(f"Claim #{taken} already marks exactly these words.", code="span_taken")
    n_verdicts = annotation.verdicts.count()
    if not n_verdicts:
        return
    if not can(actor, annotation.article.project, Role.EDITOR):
        raise StateConflict(
            "This claim already has verdicts; only an editor may re-cut it now.", code="has_verdicts"
        )
    if not recut_is_small(text, (annotation.start, annotation.end), (start, end)):
        raise StateConflict(
            f"This re-cut changes more than {RECUT_SMALL_WORDS} words (or leaves the old words), so "
            f"the claim's {n_verdicts} verdict{pluralize(n_verdicts)} would no longer judge its words. "
            "Highlight the new words as a claim of their own instead.",
            code="recut_too_large",
        )


def move_span(annotation: Annotation, start: int, end: int) -> set[int]:
    """Put ``annotation`` (locked, under its article's lock) on ``start``..``end``, its quote and
    context read from its text, and settle its span disagreements: those with claims it no longer
    overlaps close, new overlaps open. Returns the ids of the claims whose status may change."""
    text = annotation.revision.text
    annotation.start, annotation.end, annotation.quote = start, end, text[start:end]
    annotation.prefix, annotation.suffix = context_of(text, start, end)
    before = span_disputants([annotation.pk]) - {annotation.pk}
    still = set(
        Annotation.objects.filter(pk__in=before, start__lt=end, end__gt=start).values_list("pk", flat=True)
    )
    if gone := before - still:
        Disagreement.objects.filter(
            Q(annotation=annotation, other_annotation__in=gone)
            | Q(other_annotation=annotation, annotation__in=gone),
            kind=DisagreementKind.SPAN,
            status=DisagreementStatus.OPEN,
        ).update(
            status=DisagreementStatus.CLOSED,
            closed_at=timezone.now(),
            resolution="A claim was re-cut: the two spans no longer overlap.",
        )
    return before | {annotation.pk}


@transaction.atomic
def update_annotation(
    *,
    actor,
    annotation_id: int,
    expected_version: int | None = None,
    claim: str | None = None,
    tags: Sequence[str] | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Annotation:
    """Change an annotation's claim text, tags or span (its author, editors and admins).

    Once the claim has a verdict, its claim text and its words are what the reviewers judged: only
    an editor or an admin may change them then (others get StateConflict ``has_verdicts``; the
    author may still change the tags), and ``claim_changed_at`` records when, so that the
    reviewers whose verdicts predate it are shown the change. A re-cut (``start`` or ``end``, the
    other kept) reads the quote and context from the text; it keeps the verdicts only when it is
    small (:func:`recut_is_small`), and is refused otherwise (:func:`check_recut`). Raises
    PreconditionFailed when ``expected_version`` is stale. Changes nothing when it raises.

    A re-cut locks the article first and then the claim and the claims it overlaps, as a deletion
    does, since it moves span disagreements; other changes lock the annotation alone.
    """
    recut = start is not None or end is not None
    if recut:
        found = get_annotation_for(actor, annotation_id)
        lock_article(found.article)
        lock_claims({found.pk} | span_disputants([found.pk]))
    annotation = get_annotation_for(actor, annotation_id, lock=True)
    if not can_change_annotation(actor, annotation):
        raise PermissionDenied("Only its author or an editor may change this annotation.")
    check_version(annotation, expected_version)
    before = history.annotation_values(annotation, annotation.tags.values_list("name", flat=True))
    involved: set[int] = set()
    if recut:
        start = annotation.start if start is None else start
        end = annotation.end if end is None else end
        if (start, end) != (annotation.start, annotation.end):
            check_recut(actor, annotation, start, end)
            if annotation.verdicts.exists():
                annotation.claim_changed_at = timezone.now()
            involved = move_span(annotation, start, end)
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
    if involved:
        opened = open_span_disagreements([annotation])
        involved |= {d.other_annotation_id for d in opened} | {d.annotation_id for d in opened}
        refresh_claims(involved)
        annotation.refresh_from_db()
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
