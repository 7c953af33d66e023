"""Articles and their revisions: importing, re-importing and re-anchoring annotations."""

from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.anchoring import context_of, reanchor_all
from annotations.html import html_to_text
from annotations.models import Action, Annotation, Article, ArticleRevision, HistoryEntry, Role
from annotations.permissions import get_article_for, get_project_for
from annotations.services import history
from annotations.services.annotations import refresh_claims, span_disputants
from annotations.services.disagreements import close_span_disagreements_of
from annotations.text import canonical_text

METADATA = ("title", "url", "publisher", "author", "published_at", "language")


class ArticleInput(TypedDict, total=False):
    project: int
    title: str
    text: str
    html: str
    url: str
    publisher: str
    author: str
    published_at: datetime | None
    language: str


def text_of(*, text: str | None = None, html: str | None = None) -> str:
    """The canonical text of plain ``text`` or of ``html``; ValidationError when nothing is left."""
    field = "html" if html is not None else "text"
    canonical = html_to_text(html) if html is not None else canonical_text(text or "")
    if not canonical:
        raise ValidationError(
            {field: ["The article has no text once markup, blank lines and spaces are removed."]}
        )
    return canonical


def new_article(*, actor, project_id: int, fields: ArticleInput) -> Article:
    """An unsaved, validated article (its text goes into a revision)."""
    article = Article(
        project_id=project_id, created_by=actor, **{key: fields[key] for key in METADATA if key in fields}
    )
    article.full_clean(exclude=["project", "created_by", "current_revision"])
    return article


@transaction.atomic
def import_article(
    *,
    actor,
    project_id: int,
    title: str,
    text: str | None = None,
    html: str | None = None,
    **metadata,
) -> Article:
    """Create an article with its first revision, the canonical form of ``text`` or ``html``.

    Annotators and up. Raises Http404 for projects the actor cannot see and ValidationError,
    naming the field, for bad metadata or an empty text.
    """
    get_project_for(actor, project_id, role=Role.ANNOTATOR)
    canonical = text_of(text=text, html=html)
    article = new_article(actor=actor, project_id=project_id, fields={"title": title, **metadata})
    article.save()
    revision = ArticleRevision.objects.create(article=article, number=1, text=canonical, created_by=actor)
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    return article


@transaction.atomic
def import_or_revise_article(
    *, actor, project_id: int, title: str, text: str | None = None, html: str | None = None, **metadata
) -> tuple[Article, bool]:
    """Import an article, or re-import it: when the project has an article with the same ``url``,
    a changed text becomes its new revision (annotations re-anchored) and ``(article, False)``
    comes back; otherwise ``(new article, True)``.

    Locks the project row, so two imports of one URL at the same moment make one article.
    """
    get_project_for(actor, project_id, role=Role.ANNOTATOR, lock=True)
    url = metadata.get("url")
    existing = Article.objects.filter(project_id=project_id, url=url).order_by("id").first() if url else None
    if existing is None:
        return import_article(
            actor=actor, project_id=project_id, title=title, text=text, html=html, **metadata
        ), True
    article, _changed = add_revision(actor=actor, article_id=existing.pk, text=text, html=html)
    return article, False


@transaction.atomic
def import_articles(*, actor, items: Sequence[ArticleInput]) -> list[Article]:
    """Create many articles at once, all or nothing, in a handful of queries.

    The items come validated (``BulkArticlesInput`` names every bad item with its position);
    Http404 when an item names a project the actor cannot see.
    """
    for project_id in {item["project"] for item in items}:
        get_project_for(actor, project_id, role=Role.ANNOTATOR)
    texts = [text_of(text=item.get("text"), html=item.get("html")) for item in items]
    articles = [new_article(actor=actor, project_id=item["project"], fields=item) for item in items]
    Article.objects.bulk_create(articles)
    revisions = ArticleRevision.objects.bulk_create(
        ArticleRevision(article=article, number=1, text=text, created_by=actor)
        for article, text in zip(articles, texts, strict=True)
    )
    for article, revision in zip(articles, revisions, strict=True):
        article.current_revision = revision
    Article.objects.bulk_update(articles, ["current_revision"])
    return articles


@transaction.atomic
def update_article(*, actor, article_id: int, **metadata) -> Article:
    """Change an article's metadata (annotators and up)."""
    article = get_article_for(actor, article_id, role=Role.ANNOTATOR, lock=True)
    for field in METADATA:
        if field in metadata:
            setattr(article, field, metadata[field])
    article.full_clean(exclude=["project", "created_by", "current_revision"])
    article.save()
    return article


@transaction.atomic
def add_revision(
    *, actor, article_id: int, text: str | None = None, html: str | None = None
) -> tuple[Article, bool]:
    """Make ``text`` (or ``html``) the article's current text, re-anchoring its annotations.

    Returns ``(article, changed)``; an unchanged text adds no revision. Each annotation moves to
    its words in the new text (same place, the quote near its old place, or a close fuzzy match);
    one whose words are gone stays on its old revision, marked ``orphaned``, and is listed by
    ``GET /api/v1/annotations/?orphaned=true``. Locks the article, so re-imports queue up.
    """
    article = get_article_for(actor, article_id, role=Role.ANNOTATOR, lock=True)
    canonical = text_of(text=text, html=html)
    old = article.current_revision
    if canonical == old.text:
        return article, False
    revision = ArticleRevision.objects.create(
        article=article, number=old.number + 1, text=canonical, created_by=actor
    )
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    reanchor_annotations(actor=actor, article=article, old=old, new=revision)
    return article, True


def reanchor_annotations(*, actor, article: Article, old: ArticleRevision, new: ArticleRevision) -> None:
    """Move the annotations of ``old`` onto ``new``, or orphan those whose words are gone.

    Locks the annotations. An orphan leaves its open span disagreements (its words are no longer
    in the article, so they overlap nothing), and the status of the orphans and of their
    partners is re-derived.
    """
    annotations = list(
        Annotation.objects.select_for_update().filter(revision=old, orphaned=False).order_by("id")
    )
    taken: set[tuple[int, int]] = set()
    entries = []
    anchors = reanchor_all(old.text, new.text, annotations)
    for annotation, anchor in zip(annotations, anchors, strict=True):
        before = history.annotation_values(annotation)
        if anchor is None or (anchor.start, anchor.end) in taken:
            annotation.orphaned = True
        else:
            taken.add((anchor.start, anchor.end))
            annotation.revision = new
            annotation.start, annotation.end = anchor.start, anchor.end
            annotation.quote = new.text[anchor.start : anchor.end]
            annotation.prefix, annotation.suffix = context_of(new.text, anchor.start, anchor.end)
        annotation.version += 1
        entries.append(
            history.entry(
                annotation,
                annotation,
                actor=actor,
                action=Action.UPDATE,
                before=before,
                after=history.annotation_values(annotation),
            )
        )
    fields = ["revision", "start", "end", "quote", "prefix", "suffix", "orphaned", "version"]
    Annotation.objects.bulk_update(annotations, fields)
    HistoryEntry.objects.bulk_create(entries)
    leave_span_disagreements([annotation for annotation in annotations if annotation.orphaned])


def leave_span_disagreements(orphans: list[Annotation]) -> None:
    """Close the orphans' open span disagreements and re-derive the status of every claim involved."""
    involved = span_disputants([orphan.pk for orphan in orphans]) if orphans else set()
    for orphan in orphans:
        if orphan.pk in involved:
            close_span_disagreements_of(orphan)
    refresh_claims(involved)
