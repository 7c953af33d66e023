"""Labels and sentences for the pages: ratings, statuses, roles and history entries in words."""

from django import template
from django.utils.text import Truncator

from annotations.models import Action, Confidence, ObjectType, Rating, Role, Stance, Status

register = template.Library()

CHOICES = {
    "rating": Rating,
    "final_rating": Rating,
    "confidence": Confidence,
    "stance": Stance,
    "status": Status,
}
FIELD_LABELS = {
    "claim": "claim",
    "quote": "quote",
    "rating": "rating",
    "confidence": "confidence",
    "rationale": "rationale",
    "tags": "tags",
    "start": "start",
    "end": "end",
    "orphaned": "orphaned",
    "stance": "stance",
    "url": "source",
    "status": "status",
    "assignees": "assigned to",
    "same_claim_as": "same claim as",
}


def choice_label(field: str, value) -> str:
    choices = CHOICES.get(field)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if value in ("", None):
        return "—"
    return str(value)


@register.filter
def rating_label(value) -> str:
    return choice_label("rating", value) if value else ""


@register.filter
def status_label(value) -> str:
    return choice_label("status", value)


@register.filter
def confidence_label(value) -> str:
    return choice_label("confidence", value)


@register.filter
def stance_label(value) -> str:
    return choice_label("stance", value)


@register.filter
def role_label(value) -> str:
    return str(Role(value).label) if value is not None else ""


def short(text, words: int = 12) -> str:
    return Truncator(str(text or "")).words(words, truncate="…")


@register.filter
def describe(entry) -> str:
    """What a history entry records, as a phrase that follows the actor's name."""
    values = entry.after or entry.before or {}
    kind, action = entry.object_type, entry.action
    if kind == ObjectType.ANNOTATION:
        claim = f"the claim “{short(values['quote'])}”" if values.get("quote") else "the claim"
        before, after = entry.before or {}, entry.after or {}
        if action == Action.CREATE:
            return f"highlighted {claim}"
        if action == Action.DELETE:
            return f"deleted {claim}"
        if "revision" in after and before.get("revision") != after.get("revision"):
            return f"re-anchored {claim} to the article's new text"
        if after.get("orphaned") and not before.get("orphaned"):
            return f"could not find {claim} in the article's new text"
        return f"changed {claim}"
    if kind == ObjectType.VERDICT:
        if action == Action.CREATE:
            return (
                f"gave a verdict: {choice_label('rating', values.get('rating'))} "
                f"({choice_label('confidence', values.get('confidence')).lower()} confidence)"
            )
        return "changed a verdict" if action == Action.UPDATE else "deleted a verdict"
    if kind == ObjectType.EVIDENCE:
        stance = choice_label("stance", values.get("stance")).lower()
        if action == Action.CREATE:
            return f"added evidence ({stance}): {values.get('url', '')}"
        return f"removed evidence ({stance}): {values.get('url', '')}"
    if kind == ObjectType.ADJUDICATION:
        rating = values.get("rating")
        return f"adjudicated: {choice_label('rating', rating)}" if rating else "adjudicated"
    noun = ObjectType(kind).label.lower() if kind in ObjectType.values else kind
    return f"{Action(action).label.lower()} the {noun}" if action in Action.values else f"{action} {noun}"


@register.filter
def changes(entry) -> list[tuple[str, str, str]]:
    """``(field, before, after)`` for each field an update changed, values in words."""
    if entry.action != Action.UPDATE or not entry.before or not entry.after:
        return []
    fields = [field for field in entry.after if field in FIELD_LABELS]
    return [
        (
            FIELD_LABELS[field],
            choice_label(field, entry.before.get(field)),
            choice_label(field, entry.after.get(field)),
        )
        for field in fields
        if entry.before.get(field) != entry.after.get(field)
    ]
