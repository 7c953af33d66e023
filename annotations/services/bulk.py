"""Loading many pre-labelled claims at once: annotations with the caller's verdicts and evidence.

One transaction and a fixed number of queries per batch, whatever its size: the articles, the
existing spans and the caller's existing verdicts are read in one query each, and every kind of
row is written with one bulk insert.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from annotations.models import (
    Action,
    Annotation,
    Evidence,
    Highlight,
    HistoryEntry,
    Role,
    Verdict,
)
from annotations.permissions import judgement_refusal, require_roles
from annotations.selectors import articles_visible_to
from annotations.services import history
from annotations.services.annotations import check_span, live_claim, new_annotation, settle_spans, tags_for
from annotations.services.evidence import EvidenceInput
from annotations.services.review import refresh_statuses
from annotations.services.verdicts import blind_judgements, new_verdict
from sources.services import find_or_create_sources
from workbench.errors import ItemErrors, StateConflict


class VerdictItem(TypedDict, total=False):
    rating: str
    confidence: str
    rationale: str
    evidence: Sequence[EvidenceInput]


class AnnotationItem(TypedDict, total=False):
    article: int
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    claim: str
    tags: Sequence[str]
    verdict: VerdictItem


@transaction.atomic
def import_annotations(*, actor, items: Sequence[AnnotationItem]) -> list[tuple[Annotation, bool]]:
    """Create the items' annotations (or find the same spans) and the actor's verdicts on them.

    All or nothing. Returns ``(annotation, created)`` per item, in order. Raises Http404 when an
    item names an article the actor cannot see, PermissionDenied when the actor lacks the role
    (annotator; reviewer for items with a verdict), ValidationError ``{"annotations":
    {position: {field: [reason]}}}`` (ItemErrors) for spans that do not fit their text or values
    the models refuse, the same with ``conflict`` when the actor already judged a claim or it is
    resolved. Annotations and verdicts are built as single ones are (:func:`new_annotation`,
    :func:`new_verdict`), their validation running no query.
    """
    article_ids = {item["article"] for item in items}
    # Locked in id order, like single highlights, so overlaps between concurrent writers are seen.
    articles = {
        article.id: article
        for article in articles_visible_to(actor)
        .select_related("project")
        # No key update: see annotations.services.locks.lock_article.
        .select_for_update(of=("self",), no_key=True)
        .filter(pk__in=article_ids)
        .order_by("id")
    }
    if missing := article_ids - set(articles):
        raise Http404(f"No such article: {min(missing)}.")
    require_roles(
        actor,
        (
            (articles[item["article"]].project, Role.REVIEWER if item.get("verdict") else Role.ANNOTATOR)
            for item in items
        ),
    )

    errors = {}
    for position, item in enumerate(items):
        text = articles[item["article"]].current_revision.text
        try:
            check_span(
                text,
                start=item["start"],
                end=item["end"],
                quote=item["quote"],
                prefix=item.get("prefix"),
                suffix=item.get("suffix"),
            )
        except ValidationError as error:
            errors[position] = error.message_dict
    if errors:
        raise ItemErrors("annotations", errors)

    annotations = place_annotations(actor=actor, items=items, articles=articles)
    settle_spans([annotation for annotation, created in annotations if created])
    give_verdicts(actor=actor, items=items, annotations=[annotation for annotation, _ in annotations])
    return annotations


def place_annotations(*, actor, items, articles) -> list[tuple[Annotation, bool]]:
    revisions = {article.current_revision_id for article in articles.values()}
    on_revisions = list(Annotation.objects.select_for_update().filter(revision__in=revisions, orphaned=False))
    for annotation in on_revisions:
        # Their articles are read already; without them, each reused span would read its article
        # and project again.
        annotation.article = articles[annotation.article_id]
    by_pk = {annotation.pk: annotation for annotation in on_revisions}
    existing = {
        (annotation.revision_id, annotation.start, annotation.end): annotation for annotation in on_revisions
    }
    placed, marked, new, errors = [], [], [], {}
    for position, item in enumerate(items):
        article = articles[item["article"]]
        key = (article.current_revision_id, item["start"], item["end"])
        if key in existing:
            placed.append((live_claim(existing[key], by_pk), False))
            marked.append(existing[key])
            continue
        try:
            annotation = new_annotation(
                author=actor,
                article=article,
                start=item["start"],
                end=item["end"],
                quote=item["quote"],
                claim=item.get("claim", ""),
            )
        except ValidationError as error:
            errors[position] = error.message_dict
            continue
        existing[key] = annotation
        new.append((annotation, item))
        placed.append((annotation, True))
        marked.append(annotation)
    if errors:
        raise ItemErrors("annotations", errors)
    try:
        if new:
            with transaction.atomic():
                Annotation.objects.bulk_create([annotation for annotation, _ in new])
    except IntegrityError:
        raise StateConflict(
            "Someone highlighted some of these spans at the same moment; send the batch again.",
            code="span_race",
        ) from None

    tag_names = defaultdict(set)
    for annotation, item in new:
        tag_names[annotation.article.project_id].update(item.get("tags", ()))
    tags = {
        (project_id, tag.name): tag
        for project_id, names in tag_names.items()
        for tag in tags_for(project_id, names)
    }
    Highlight.objects.bulk_create(
        [Highlight(annotation=annotation, user=actor) for annotation in marked], ignore_conflicts=True
    )
    Through = Annotation.tags.through
    Through.objects.bulk_create(
        Through(annotation_id=annotation.pk, tag_id=tags[(annotation.article.project_id, name.strip())].pk)
        for annotation, item in new
        for name in {name for name in item.get("tags", ()) if name.strip()}
    )
    HistoryEntry.objects.bulk_create(
        history.entry(
            annotation,
            annotation,
            actor=actor,
            action=Action.CREATE,
            after=history.annotation_values(annotation, item.get("tags", ())),
        )
        for annotation, item in new
    )
    return placed


def give_verdicts(*, actor, items, annotations: list[Annotation]) -> None:
    judged = [
        (position, annotation, item["verdict"])
        for position, (annotation, item) in enumerate(zip(annotations, items, strict=True))
        if item.get("verdict")
    ]
    if not judged:
        return
    ids = {annotation.pk for _, annotation, _ in judged}
    already = set(
        Verdict.objects.filter(reviewer=actor, annotation__in=ids).values_list("annotation", flat=True)
    )
    seen, errors = set(), {}
    for position, annotation, _verdict in judged:
        if annotation.pk in already or annotation.pk in seen:
            errors[position] = {"verdict": ["You already gave a verdict on this claim."]}
        elif (refusal := judgement_refusal(annotation)) is not None:
            errors[position] = {"verdict": refusal.messages}
        seen.add(annotation.pk)
    if errors:
        raise ItemErrors("annotations", errors, conflict=True)

    independent = blind_judgements(actor, ids)
    verdicts, invalid = [], {}
    for position, annotation, verdict in judged:
        try:
            verdicts.append(
                new_verdict(
                    reviewer=actor,
                    annotation=annotation,
                    rating=verdict["rating"],
                    confidence=verdict["confidence"],
                    rationale=verdict.get("rationale", ""),
                    independent=annotation.pk in independent,
                )
            )
        except ValidationError as error:
            invalid[position] = {"verdict": error.message_dict}
    if invalid:
        raise ItemErrors("annotations", invalid)
    Verdict.objects.bulk_create(verdicts)

    by_project = defaultdict(list)
    for (_, annotation, verdict), saved in zip(judged, verdicts, strict=True):
        for piece in verdict.get("evidence", ()):
            by_project[annotation.article.project].append((saved, annotation, piece))
    evidence = []
    for project, pieces in by_project.items():
        sources = find_or_create_sources(
            project=project,
            links=[(p["url"], p.get("title", "")) for _, _, p in pieces],
            actor=actor,
            as_evidence=True,
        )
        evidence += [
            (
                Evidence(
                    verdict=saved,
                    source=sources[piece["url"]],
                    stance=piece["stance"],
                    quote=piece.get("quote", ""),
                ),
                annotation,
            )
            for saved, annotation, piece in pieces
        ]
    Evidence.objects.bulk_create([piece for piece, _ in evidence])

    entries = [
        history.entry(
            annotation,
            verdict,
            actor=actor,
            action=Action.CREATE,
            after=history.verdict_values(verdict),
        )
        for (_, annotation, _), verdict in zip(judged, verdicts, strict=True)
    ]
    entries += [
        history.entry(
            annotation,
            piece,
            actor=actor,
            action=Action.CREATE,
            after=history.evidence_values(piece),
        )
        for piece, annotation in evidence
    ]
    HistoryEntry.objects.bulk_create(entries)
    refresh_statuses([annotation for _, annotation, _ in judged])
