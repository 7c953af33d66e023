"""W3C Web Annotations placed onto one article: an ``AnnotationCollection`` with its pages
embedded (``first``, then each page's ``next``), an ``AnnotationPage``, a list of annotations or
of pages, or one annotation (the Web Annotation Data Model, www.w3.org/TR/annotation-model/).

Each annotation is placed on the article's current text by its ``TextPositionSelector`` first
(code points, as the model defines them and as :mod:`annotations.exports.w3c` writes them), kept
only when the words there equal the ``TextQuoteSelector``'s ``exact`` where one is given; else by
the ``TextQuoteSelector``: the one place where ``exact`` stands with its ``prefix`` before and its
``suffix`` after. Positions counted in UTF-16 units (as Hypothesis counts them) are off after an
emoji and fall back to the quote. An annotation with no such place, or with several, is reported,
never guessed. The claim (a ``describing`` body) and tags (``tagging`` bodies) come along; the
annotations become the importer's, as highlights made in the reader would.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.imports.limits import MAX_ANNOTATIONS
from annotations.imports.report import ImportReport, flat
from annotations.limits import MAX_TAGS, QUOTE_MAX_LENGTH
from annotations.models import Role
from annotations.models.annotations import CLAIM_MAX_LENGTH, TAG_NAME_MAX_LENGTH
from annotations.permissions import get_article_for
from annotations.services.bulk import import_annotations
from workbench.errors import ItemErrors, StateConflict

SHAPES = (
    "A W3C import is an AnnotationCollection with its pages embedded, an AnnotationPage, a list of "
    "annotations or of pages, or one Annotation."
)


@dataclass(frozen=True)
class Placed:
    start: int
    end: int
    method: str  # "position" or "quote"


def annotations_in(document) -> tuple[list, list[str]]:
    """The annotations a document holds, in order, and the links to pages it does not hold (a
    page's ``next`` that is an address, not a page of the document). ValidationError
    ``{"export": [...]}`` for a document of no known shape, or a collection that links to its
    pages instead of holding them."""
    found: list = []
    pages: set[str] = set()
    links: list[str] = []
    pending = [document]
    while pending:
        node = pending.pop(0)
        if isinstance(node, list):
            pending = list(node) + pending
            continue
        if not isinstance(node, Mapping):
            raise ValidationError({"export": [SHAPES]})
        kinds = names(node.get("type"))
        if "Annotation" in kinds:
            found.append(node)
        elif "AnnotationPage" in kinds or ("items" in node and "Annotation" not in kinds):
            items = node.get("items")
            if not isinstance(items, list):
                raise ValidationError({"export": ["An AnnotationPage holds its annotations in “items”."]})
            if isinstance(node.get("id"), str):
                pages.add(node["id"])
            following = node.get("next")
            if isinstance(following, str):
                links.append(following)
            pending = list(items) + ([following] if isinstance(following, Mapping) else []) + pending
        elif "AnnotationCollection" in kinds:
            first = node.get("first")
            if isinstance(first, Mapping):
                pending.insert(0, first)
            elif first is not None:
                raise ValidationError(
                    {
                        "export": [
                            "This AnnotationCollection links to its pages instead of holding them: import "
                            "its pages (each ?page=N of it), or a list of them."
                        ]
                    }
                )
        else:
            raise ValidationError({"export": [SHAPES]})
        if len(found) > MAX_ANNOTATIONS:
            raise ValidationError(
                {"export": [f"At most {MAX_ANNOTATIONS} annotations an import; import the rest in parts."]}
            )
    return found, [link for link in links if link not in pages]


def names(value) -> set[str]:
    """A JSON-LD value that is one name or a list of names (``type``, ``purpose``), as a set."""
    values = value if isinstance(value, list) else [value]
    return {one for one in values if isinstance(one, str)}


def selectors_of(annotation: Mapping) -> list[Mapping]:
    target = annotation.get("target")
    target = target[0] if isinstance(target, list) and target else target
    if not isinstance(target, Mapping):
        return []
    selector = target.get("selector")
    selectors = selector if isinstance(selector, list) else [selector]
    return [one for one in selectors if isinstance(one, Mapping)]


def whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def place(text: str, selectors: list[Mapping]) -> Placed | str:
    """Where the selectors put the annotation in ``text``, or why they put it nowhere."""
    position = next((s for s in selectors if s.get("type") == "TextPositionSelector"), None)
    quote = next((s for s in selectors if s.get("type") == "TextQuoteSelector"), None)
    exact = quote.get("exact") if quote is not None else None
    exact = exact if isinstance(exact, str) and exact else None
    reasons = []
    if position is not None:
        start, end = position.get("start"), position.get("end")
        if not (whole_number(start) and whole_number(end) and 0 <= start < end <= len(text)):
            reasons.append(f"Its positions {start}..{end} are not a span of the text.")
        elif exact is None or text[start:end] == exact:
            return Placed(start, end, "position")
        else:
            reasons.append(f"The text at {start}..{end} reads “{text[start:end][:80]}”, not its quote.")
    if exact is not None:
        prefix = quote.get("prefix") if isinstance(quote.get("prefix"), str) else ""
        suffix = quote.get("suffix") if isinstance(quote.get("suffix"), str) else ""
        found = occurrences(text, exact)
        if not found:
            return " ".join([*reasons, "Its quote is not in the text."])
        fitting = [
            at for at in found if text.endswith(prefix, 0, at) and text.startswith(suffix, at + len(exact))
        ]
        if len(fitting) == 1:
            return Placed(fitting[0], fitting[0] + len(exact), "quote")
        if not fitting:
            return " ".join([*reasons, "Its quote is in the text, but nowhere with its prefix and suffix."])
        return " ".join(
            [
                *reasons,
                f"Its quote stands {len(fitting)} times with its prefix and suffix: which one is meant?",
            ]
        )
    if position is None:
        return "It has neither a TextPositionSelector nor a TextQuoteSelector with words."
    return " ".join(reasons)


def occurrences(text: str, exact: str) -> list[int]:
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def bodies_of(annotation: Mapping) -> list[Mapping]:
    body = annotation.get("body")
    bodies = body if isinstance(body, list) else [body]
    return [one for one in bodies if isinstance(one, Mapping)]


def claim_and_tags(annotation: Mapping) -> tuple[str, list[str]]:
    claim, tags = "", []
    for body in bodies_of(annotation):
        value = body.get("value")
        if not isinstance(value, str) or not value.strip():
            continue
        purposes = names(body.get("purpose"))
        if "describing" in purposes and not claim:
            claim = value.strip()[:CLAIM_MAX_LENGTH]
        elif "tagging" in purposes and len(value.strip()) <= TAG_NAME_MAX_LENGTH:
            tags.append(value.strip())
    return claim, tags[:MAX_TAGS]


def name_of(annotation: Mapping, position: int) -> str:
    iri = annotation.get("id")
    return f"Annotation {position + 1}" + (f" ({iri})" if isinstance(iri, str) and iri else "")


def import_w3c(*, actor, article_id: int, document, dry_run: bool = False) -> ImportReport:
    """Place the document's annotations on the article's current text, all or nothing (see the
    module docstring); with ``dry_run``, do the same and roll it back.

    Annotators and up, as highlighting is. An annotation whose span the article already has gives
    back that annotation (counted as existing). Raises Http404 for articles the actor cannot see,
    PermissionDenied below annotator, ValidationError ``{"export": [...]}`` for a document of no
    known shape.
    """
    article = get_article_for(actor, article_id, role=Role.ANNOTATOR)
    annotations, missing = annotations_in(document)
    report = ImportReport(dry_run=dry_run)
    for link in missing:
        report.skip(link, "A page links to this next page, which is not in the file: import it too.")
    text = article.current_revision.text
    items, names, spans = [], [], set()
    for position, annotation in enumerate(annotations):
        name = name_of(annotation, position)
        selectors = selectors_of(annotation)
        exact = next((s.get("exact") for s in selectors if s.get("type") == "TextQuoteSelector"), "")
        placed = place(text, selectors)
        if isinstance(placed, str):
            report.unplace(name, exact[:200] if isinstance(exact, str) else "", placed)
            continue
        if placed.end - placed.start > QUOTE_MAX_LENGTH:
            report.unplace(name, text[placed.start : placed.start + 200], "It marks too many characters.")
            continue
        if (placed.start, placed.end) in spans:
            report.skip(name, "An earlier annotation of this import marks the same words.")
            continue
        spans.add((placed.start, placed.end))
        report.placed_by_quote += placed.method == "quote"
        claim, tags = claim_and_tags(annotation)
        items.append(
            {
                "article": article.pk,
                "start": placed.start,
                "end": placed.end,
                "quote": text[placed.start : placed.end],
                "claim": claim,
                "tags": tags,
            }
        )
        names.append(name)
    with transaction.atomic():
        if items:
            try:
                placed_annotations = import_annotations(actor=actor, items=items)
            except ItemErrors as error:
                reasons = [
                    f"{names[at]}: {'; '.join(flat(fields))}" for at, fields in sorted(error.errors.items())
                ]
                raise (StateConflict if error.conflict else ValidationError)({"export": reasons}) from None
            report.annotations_created = sum(created for _annotation, created in placed_annotations)
            report.annotations_existing = len(placed_annotations) - report.annotations_created
        if dry_run:
            transaction.set_rollback(True)
    return report
