"""The article in a fetched web page: its main text and metadata, found by trafilatura.

Trafilatura separates the article from the page's navigation, adverts and comments and reads
the metadata (title, author, site name, date) from the page's meta tags, JSON-LD and markup. Its
main text comes out as simple HTML, which ``annotations.html`` then reduces to the canonical
text, as for any HTML import. The language is the page's own declaration (``<html lang>``,
``Content-Language``): trafilatura detects languages only with an optional model.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from annotations.models.articles import (
    AUTHOR_MAX_LENGTH,
    LANGUAGE_MAX_LENGTH,
    PUBLISHER_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)

LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


class ExtractionError(Exception):
    """A page in which no article text was found; ``str(error)`` says so."""


@dataclass(frozen=True)
class Extracted:
    title: str
    html: str  # the main text, as simple HTML
    author: str = ""
    publisher: str = ""
    published_at: datetime | None = None
    language: str = ""

    def metadata(self) -> dict:
        """The fields an article import takes, leaving out those the page did not give."""
        fields = {"author": self.author, "publisher": self.publisher, "language": self.language}
        fields = {name: value for name, value in fields.items() if value}
        if self.published_at is not None:
            fields["published_at"] = self.published_at
        return fields


def extract_article(html: str | bytes, *, url: str) -> Extracted:
    """The article of the page ``html`` fetched from ``url``; ExtractionError when the page holds
    no text trafilatura recognises as an article."""
    # Imported here, not at the module's top: trafilatura and what it loads (lxml, courlan, babel,
    # htmldate, justext) take about 20 MB in every server process, used only by URL imports.
    from trafilatura import bare_extraction
    from trafilatura.htmlprocessing import build_html_output

    document = bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True, output_format="html"
    )
    if document is None or document.body is None or not (document.text or document.raw_text or "").strip():
        raise ExtractionError("no article text was found on the page.")
    return Extracted(
        title=clip(document.title, TITLE_MAX_LENGTH) or untitled(url),
        html=build_html_output(document, False),
        author=clip(document.author, AUTHOR_MAX_LENGTH),
        publisher=clip(document.sitename, PUBLISHER_MAX_LENGTH),
        published_at=date_of(document.date),
        language=language_of(html, document.language),
    )


def clip(value: str | None, length: int) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= length else value[: length - 1].rstrip() + "…"


def untitled(url: str) -> str:
    return clip(f"Untitled page at {urlsplit(url).hostname or url}", TITLE_MAX_LENGTH)


def date_of(value: str | None) -> datetime | None:
    """Trafilatura's dates are days (``YYYY-MM-DD``); an article's publication is midnight UTC of it."""
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d")
    except ValueError:
        return None
    return day.replace(tzinfo=UTC)


def language_of(html: str | bytes, detected: str | None) -> str:
    from selectolax.lexbor import LexborHTMLParser  # as in annotations.html: loaded when used

    candidates = [detected]
    tree = LexborHTMLParser(html if isinstance(html, str) else html.decode("utf-8", "replace"))
    if (root := tree.css_first("html")) is not None:
        candidates.append(root.attributes.get("lang") or root.attributes.get("xml:lang"))
    for meta in tree.css("meta[http-equiv], meta[property='og:locale']"):
        name = (meta.attributes.get("http-equiv") or meta.attributes.get("property") or "").lower()
        if name in ("content-language", "og:locale"):
            candidates.append((meta.attributes.get("content") or "").split(",")[0])
    for candidate in candidates:
        tag = (candidate or "").strip().replace("_", "-")
        if LANGUAGE_TAG.fullmatch(tag) and len(tag) <= LANGUAGE_MAX_LENGTH:
            return tag
    return ""
