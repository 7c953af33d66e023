"""The review workflow in the pages: agreement figures in words, charts drawn as SVG, and what the
claim panel shows of a claim's review (its adjudication, the form that re-opens it).

The charts are laid out here and drawn by templates (``annotations/_heatmap.html``,
``annotations/_reviewer_bars.html``), so every label they show is escaped like any other text.
"""

from dataclasses import dataclass

from django import template

from annotations.models import Rating, Status
from annotations.pages.forms import ReopenForm
from annotations.selectors import adjudications_of

register = template.Library()

RATING_ORDER = list(Rating.values)
RATING_LABELS = dict(Rating.choices)
MINUS = "\u2212"


# Figures ---------------------------------------------------------------------------------------


@register.filter
def coefficient(value) -> str:
    """A kappa or alpha with two decimals and a true minus sign; an em dash when missing."""
    if value is None:
        return "—"
    text = f"{value:.2f}"
    return f"{MINUS}{text[1:]}" if text.startswith("-") else text


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.0f}%"


@register.filter
def severity(disagreement) -> str:
    """How far apart a verdict disagreement's ratings are, in words."""
    if disagreement.kind != "verdict":
        return ""
    if disagreement.categorical:
        return "categorical: a rating outside the truth scale is involved"
    steps = disagreement.severity or 0
    return f"{steps} step{'' if steps == 1 else 's'} apart on the truth scale"


# Charts ----------------------------------------------------------------------------------------

CELL = 42
# Room for the labels, from their length in characters: about 7 px a character at 12 px, and
# column labels turned 45 degrees up to the right (so the last ones reach past the grid).
CHARACTER = 7
AXIS_NAMES = 44
FIRST_SHADE = 0.12


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    count: int
    opacity: float
    light_text: bool
    diagonal: bool
    title: str


def short_label(text: str, width: int = 20) -> str:
    return text if len(text) <= width else f"{text[: width - 1]}…"


def heatmap_layout(pair) -> dict:
    """Cells and labels of one reviewer pair's rating-by-rating table, both axes in the same
    rating order (so agreement runs down the diagonal), with only the ratings either one gave."""
    confusion = pair.confusion
    present = set(confusion) | {rating for row in confusion.values() for rating in row}
    ratings = [rating for rating in RATING_ORDER if rating in present] + sorted(present - set(RATING_ORDER))
    labels = [RATING_LABELS.get(rating, rating) for rating in ratings]
    biggest = max((count for row in confusion.values() for count in row.values()), default=0) or 1
    longest = max((len(short_label(label)) for label in labels), default=0) * CHARACTER
    row_labels = max(longest, 110) + 12
    column_labels = max(round(longest * 0.71) + 14, AXIS_NAMES)
    cells = []
    for row, rating_a in enumerate(ratings):
        for column, rating_b in enumerate(ratings):
            count = confusion.get(rating_a, {}).get(rating_b, 0)
            opacity = FIRST_SHADE + (1 - FIRST_SHADE) * count / biggest if count else 0
            claims = f"{count} claim{'' if count == 1 else 's'}"
            cells.append(
                HeatCell(
                    x=row_labels + column * CELL,
                    y=column_labels + row * CELL,
                    count=count,
                    opacity=round(opacity, 3),
                    light_text=opacity > 0.55,
                    diagonal=row == column,
                    title=f"{pair.reviewer_a}: {labels[row]}, {pair.reviewer_b}: {labels[column]}, {claims}",
                )
            )
    grid = len(ratings) * CELL
    return {
        "pair": pair,
        "ratings": list(zip(ratings, labels, strict=True)),
        "rows": [
            (label, column_labels + index * CELL + CELL // 2, short_label(label))
            for index, label in enumerate(labels)
        ],
        "columns": [
            (label, row_labels + index * CELL + CELL // 2, short_label(label))
            for index, label in enumerate(labels)
        ],
        "cells": cells,
        "table": [
            (label_a, [confusion.get(rating_a, {}).get(rating_b, 0) for rating_b in ratings])
            for rating_a, label_a in zip(ratings, labels, strict=True)
        ],
        "width": row_labels + grid + max(round(longest * 0.71) - CELL // 2, 0) + 8,
        "height": column_labels + grid + 8,
        "cell_size": CELL,
        "half": CELL // 2,
        "description": "; ".join(cell.title for cell in cells if cell.count) + ".",
        "label_x": row_labels - 8,
        "label_y": column_labels - 8,
        "a_short": short_label(str(pair.reviewer_a), 18),
        "b_short": short_label(str(pair.reviewer_b), 18),
    }


@register.inclusion_tag("annotations/_heatmap.html")
def heatmap(pair, number):
    """``{% heatmap pair forloop.counter %}``: one pair's confusion table as a heat map and a table."""
    return {**heatmap_layout(pair), "chart_id": f"heatmap-{number}"}


BAR_ROW = 34
BAR_LABELS = 150
BAR_WIDTH = 320
BAR_VALUE_SPACE = 190
BAR_TOP = 26


@dataclass(frozen=True)
class Bar:
    y: int
    text_y: int
    name: str
    short_name: str
    width: int
    value: float | None
    label: str
    reason: str


def bars_layout(reviewers) -> dict:
    """One bar a reviewer: the share of their verdicts on settled claims that equal the final rating."""
    bars = []
    for index, row in enumerate(reviewers):
        figure = row.with_final
        if figure.value is None:
            label, width = "", 0
        else:
            equal = round(figure.value * figure.n_verdicts)
            label = f"{percent(figure.value)} ({equal} of {figure.n_verdicts})"
            width = round(BAR_WIDTH * figure.value)
        bars.append(
            Bar(
                y=BAR_TOP + index * BAR_ROW,
                text_y=BAR_TOP + index * BAR_ROW + (BAR_ROW - 12) // 2,
                name=str(row.reviewer),
                short_name=short_label(str(row.reviewer), 18),
                width=width,
                value=figure.value,
                label=label,
                reason=figure.reason or "",
            )
        )
    return {
        "bars": bars,
        "rows": reviewers,
        "width": BAR_LABELS + BAR_WIDTH + BAR_VALUE_SPACE,
        "height": BAR_TOP + len(bars) * BAR_ROW + 6,
        "bar_x": BAR_LABELS,
        "bar_width": BAR_WIDTH,
        "bar_height": BAR_ROW - 12,
        "label_x": BAR_LABELS - 8,
        "reason_x": BAR_LABELS + 8,
        "value_x": BAR_LABELS + BAR_WIDTH + 8,
        "ticks": [(BAR_LABELS + BAR_WIDTH * share // 100, f"{share}%") for share in (0, 50, 100)],
        "axis_bottom": BAR_TOP + len(bars) * BAR_ROW - 6,
    }


@register.inclusion_tag("annotations/_reviewer_bars.html")
def reviewer_bars(reviewers):
    return bars_layout(reviewers)


# The claim panel -------------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def claim_adjudications(context, claim):
    """``{% claim_adjudications claim as adjudications %}``: a resolved claim's adjudications as
    blind review lets the user see them (standing one first); no query for other claims."""
    if claim.status != Status.RESOLVED:
        return []
    return adjudications_of(context["user"], claim.pk)


@register.simple_tag
def reopen_form_or_new(form=None):
    """``{% reopen_form_or_new reopen_form as reopen %}``: the posted re-open form, or a blank one."""
    return form or ReopenForm()
