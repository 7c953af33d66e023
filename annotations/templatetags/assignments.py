"""Sharing work out in the pages: each reviewer's progress and the desk's backlog drawn as SVG bars,
laid out here and drawn by ``annotations/_assign_progress.html``."""

from dataclasses import dataclass

from django import template

from annotations.models import Status
from annotations.permissions import sees_everything

register = template.Library()

# The bars are drawn in a box this wide and stretched to the width of their line, so that they
# fit any screen; their names and numbers are the page's text beside them.
BAR = 300
BAR_HEIGHT = 18
# Each reviewer's claims, in the order their segments are drawn, with the words a segment's title uses.
PARTS = (("done", "judged"), ("waiting", "awaiting their verdict"), ("settled", "settled without them"))


@dataclass(frozen=True)
class Segment:
    x: int
    width: int
    part: str
    title: str


@dataclass(frozen=True)
class Row:
    name: str
    segments: list[Segment]
    label: str


def segments(values, scale: int, name: str = "") -> list[Segment]:
    """Bars side by side, each ``value`` as wide as its share of ``scale``."""
    found, x = [], 0
    for part, words, value in values:
        width = round(BAR * value / scale) if scale else 0
        if width:
            found.append(Segment(x=x, width=width, part=part, title=f"{name}{value} {words}"))
            x += width
    return found


def progress_layout(progress, counts) -> dict:
    """The reviewers' bars, scaled to the most claims any of them has, and the backlog's bar of the
    project's claims by status (as the member may see them)."""
    biggest = max((row.assigned for row in progress), default=0)
    rows = [
        Row(
            name=row.username,
            segments=segments(
                [(part, words, getattr(row, part)) for part, words in PARTS], biggest, f"{row.username}: "
            ),
            label=f"{row.done} of {row.assigned} done, {row.waiting} waiting",
        )
        for row in progress
    ]
    statuses = [(status, str(label).lower(), counts.get(status, 0)) for status, label in Status.choices]
    total = counts.get("total", 0)
    return {
        "progress": progress,
        "rows": rows,
        "bar_width": BAR,
        "bar_height": BAR_HEIGHT,
        "backlog": segments(statuses, total),
        "statuses": statuses,
        "total": total,
        "open": counts.get(Status.NEEDS_REVIEW, 0) + counts.get(Status.DISPUTED, 0),
    }


@register.inclusion_tag("annotations/_assign_progress.html", takes_context=True)
def assignment_progress(context, progress, counts):
    """``{% assignment_progress progress counts %}``: the project page's section on shared work."""
    project = context["project"]
    return {
        **progress_layout(progress, counts),
        "project": project,
        "can_edit": context["can_edit"],
        # Whether the progress shown is everyone's (see annotations.selectors.reviewer_progress).
        "sees_all": sees_everything(context["user"], project),
    }
