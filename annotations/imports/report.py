"""What an import did, or what its dry run would do: the rows created, the work left out and why."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Unplaced:
    """An annotation that could not be placed on its text, and why (nothing is guessed)."""

    where: str
    quote: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    """Work of the export that is not imported, and why."""

    where: str
    reason: str


@dataclass
class ImportReport:
    dry_run: bool
    articles_created: int = 0
    articles_existing: int = 0
    annotations_created: int = 0
    annotations_existing: int = 0
    verdicts_created: int = 0
    # W3C annotations whose positions were off, placed by their quote.
    placed_by_quote: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    # Label Studio values (span labels, choices) without a rating in the mapping, with their counts.
    unmapped_labels: Counter = field(default_factory=Counter)
    # Values found, mapped or not: what a mapping form offers.
    labels_found: Counter = field(default_factory=Counter)
    # Label Studio authors no member of the project answers to: key → what the export says of them.
    unmapped_authors: dict[str, dict] = field(default_factory=dict)

    def skip(self, where: str, reason: str) -> None:
        self.skipped.append(Skipped(where, reason))

    def unplace(self, where: str, quote: str, reason: str) -> None:
        self.unplaced.append(Unplaced(where, quote, reason))

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "created": {
                "articles": self.articles_created,
                "annotations": self.annotations_created,
                "verdicts": self.verdicts_created,
            },
            "existing": {"articles": self.articles_existing, "annotations": self.annotations_existing},
            "placed_by_quote": self.placed_by_quote,
            "skipped": [{"where": item.where, "reason": item.reason} for item in self.skipped],
            "unplaced": [
                {"where": item.where, "quote": item.quote, "reason": item.reason} for item in self.unplaced
            ],
            "unmapped_labels": [
                {"value": value, "count": count} for value, count in sorted(self.unmapped_labels.items())
            ],
            "labels_found": [
                {"value": value, "count": count} for value, count in sorted(self.labels_found.items())
            ],
            "unmapped_authors": [
                {"key": key, **about} for key, about in sorted(self.unmapped_authors.items())
            ],
        }


def flat(errors) -> list[str]:
    """The reasons of a nested ``{field: [reason]}`` error, as sentences."""
    if isinstance(errors, Mapping):
        return [reason for value in errors.values() for reason in flat(value)]
    if isinstance(errors, (list, tuple)):
        return [reason for value in errors for reason in flat(value)]
    return [str(errors)]
