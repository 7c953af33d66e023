"""Loading many pre-labelled claims at once: annotations with the caller's verdicts and evidence.

One transaction and a fixed number of queries per batch, whatever its size: the articles (with
the caller's role), the existing spans and the verdicts on the claims judged are read in one
query each, and every kind of row is written with one bulk insert, the history of all of them
with one.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404

from annotations.models import (
    Action,
    Annotation,
    Evidence,
    Highlight,
    HistoryEntry,
    Membership,
    Role,
    Verdict,
)
from annotations.permissions import judgement_refusal, require_role, sees_everything, sees_everything_in
from annotations.selectors import articles_visible_to
from annotations.services import history
from annotations.services.annotations import check_span, live_claim, new_annotation, refresh_claims, tags_for
from annotations.services.disagreements import open_span_disagreements
from annotations.services.evidence import EvidenceInput
from annotations.services.review import refresh_statuses
from annotations.services.verdicts import new_verdict
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
    my_role = Membership.objects.filter(project=OuterRef("project"), user=actor).values("role")[:1]
    # Locked in id order, like single highlights, so overlaps between concurrent writers are seen.
    articles = {
        article.id: article
        for article in articles_visible_to(actor)
        .select_related("project")
        .annotate(my_role=Subquery(my_role), i_see_everything=Q(project__in=sees_everything_in(actor)))
        # No key update: see annotations.services.locks.lock_article.
        .select_for_update(of=("self",), no_key=True)
        .filter(pk__in=article_ids)
        .order_by("id")
    }
    if missing := article_ids - set(articles):
        raise Http404(f"No such article: {min(missing)}.")
    for article in articles.values():
        article.project.my_role = article.my_role
    for item in items:
        project = articles[item["article"]].project
        require_role(actor, project, Role.REVIEWER if item.get("verdict") else Role.ANNOTATOR)

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

    entries: list[HistoryEntry] = []
    annotations, spans = place_annotations(actor=actor, items=items, articles=articles, entries=entries)
    # Span disagreements of the new annotations, from the spans read under the articles' locks.
    opened = open_span_disagreements([annotation for annotation, created in annotations if created], spans)
    refresh_claims({d.annotation_id for d in opened} | {d.other_annotation_id for d in opened})
    give_verdicts(
        actor=actor,
        items=items,
        annotations=[annotation for annotation, _ in annotations],
        entries=entries,
        sees_all={article.project_id: article.i_see_everything for article in articles.values()},
    )
    HistoryEntry.objects.bulk_create(entries)
    return annotations


def place_annotations(
    *, actor, items, articles, entries: list[HistoryEntry]
) -> tuple[list[tuple[Annotation, bool]], list[Annotation]]:
    """The items' annotations, new (saved, their history added to ``entries``) or found, and
    every live annotation of the articles' revisions, new ones included."""
    revisions = {article.current_revision_id for article in articles.values()}
    on_revisions = list(
        # Claims in id order, as every writer locks several (annotations.services.locks).
        Annotation.objects.select_for_update(of=("self",))
        .filter(revision__in=revisions, orphaned=False)
        .order_by("id")
    )
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
        # No savepoint (two more queries): a failure ends the whole batch, which rolls back.
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
    entries += [
        history.entry(
            annotation,
            annotation,
            actor=actor,
            action=Action.CREATE,
            after=history.annotation_values(annotation, item.get("tags", ())),
        )
        for annotation, item in new
    ]
    return placed, [*on_revisions, *(annotation for annotation, _ in new)]


Given = tuple[int, bool, str]  # a verdict's reviewer id, whether it is independent, its blind rating


def verdicts_on(annotations: list[Annotation]) -> tuple[dict[int, list[Given]], dict[int, int]]:
    """Every verdict on these claims as ``(reviewer id, independent, blind rating)``, oldest first,
    and the number of verdicts each claim's project requires, in one query. Read after the claims'
    locks are held, so the numbers are those of now (see ``ratings_and_required``)."""
    verdicts, required = defaultdict(list), {}
    rows = (
        Annotation.objects.filter(pk__in=[annotation.pk for annotation in annotations])
        .order_by("pk", "verdicts__id")
        .values_list(
            "pk",
            "article__project__required_verdicts",
            "verdicts__reviewer_id",
            "verdicts__independent",
            "verdicts__blind_rating",
        )
    )
    for annotation_id, needed, reviewer_id, independent, blind_rating in rows:
        required[annotation_id] = needed
        if reviewer_id is not None:
            verdicts[annotation_id].append((reviewer_id, independent, blind_rating))
    return verdicts, required


def give_verdicts(
    *, actor, items, annotations: list[Annotation], entries: list[HistoryEntry], sees_all: dict[int, bool]
) -> None:
    """The actor's verdicts (and evidence) on the items' claims, their history added to ``entries``.
    ``sees_all``: whether the actor sees every verdict (``sees_everything``), by project id."""
    judged = [
        (position, annotation, item["verdict"])
        for position, (annotation, item) in enumerate(zip(annotations, items, strict=True))
        if item.get("verdict")
    ]
    if not judged:
        return
    claims = list({annotation.pk: annotation for _, annotation, _ in judged}.values())
    given, required = verdicts_on(claims)
    already = {claim for claim, verdicts in given.items() if any(who == actor.pk for who, _, _ in verdicts)}
    seen, errors = set(), {}
    for position, annotation, _verdict in judged:
        if annotation.pk in already or annotation.pk in seen:
            errors[position] = {"verdict": ["You already gave a verdict on this claim."]}
        elif (refusal := judgement_refusal(annotation)) is not None:
            errors[position] = {"verdict": refusal.messages}
        seen.add(annotation.pk)
    if errors:
        raise ItemErrors("annotations", errors, conflict=True)

    # Independent: the actor can see no one else's verdict on the claim, because there is none or
    # because blind review hides them (sees_everything_in; a claim the actor judged is refused above).
    for claim in claims:
        if claim.article.project_id not in sees_all:  # a claim merged into one of another article
            sees_all[claim.article.project_id] = sees_everything(actor, claim.article.project)
    independent = {
        claim.pk
        for claim in claims
        if not (sees_all[claim.article.project_id] and any(who != actor.pk for who, _, _ in given[claim.pk]))
    }
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

    entries += [
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
    ratings = {
        claim.pk: [rating for _, independent, rating in given[claim.pk] if independent] for claim in claims
    }
    for verdict in verdicts:
        if verdict.independent:
            ratings[verdict.annotation.pk].append(verdict.blind_rating)
    refresh_statuses(claims, known=(ratings, required))
