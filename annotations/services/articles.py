"""Articles and their revisions: importing, re-importing and re-anchoring annotations."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery

from annotations.anchoring import context_of, reanchor_all
from annotations.html import html_to_text
from annotations.models import Action, Annotation, Article, ArticleRevision, HistoryEntry, Role
from annotations.permissions import get_article_for, get_project_for
from annotations.services import history
from annotations.services.annotations import refresh_claims, span_disputants
from annotations.services.disagreements import close_span_disagreements_of
from annotations.services.locks import lock_article
from annotations.text import canonical_text
from sources.normalization import normalize_url

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
    # What BulkArticlesInput's checks computed, for import_articles(checked=True).
    canonical: str
    url_key: str


def text_of(*, text: str | None = None, html: str | None = None) -> str:
    """The canonical text of plain ``text`` or of ``html``; ValidationError when nothing is left."""
    field = "html" if html is not None else "text"
    canonical = html_to_text(html) if html is not None else canonical_text(text or "")
    if not canonical:
        raise ValidationError(
            {field: ["The article has no text once markup, blank lines and spaces are removed."]}
        )
    return canonical


def url_key_of(url: str) -> str:
    """The key a re-import finds an article by: its ``url`` normalized (see ``normalize_url``), so
    that host case, a default port, a fragment or tracking parameters (``utm_*``, ``fbclid``...)
    make no new article. "" for no url; ValidationError for an address that is no web page's."""
    if not url:
        return ""
    try:
        return normalize_url(url)
    except ValidationError as error:
        if error.code == "unsupported_scheme":
            raise ValidationError(
                "An article's address is a web address, starting with http:// or https://.",
                code="unsupported_scheme",
            ) from None
        raise


def set_url_key(article: Article) -> None:
    try:
        article.url_key = url_key_of(article.url)
    except ValidationError as error:
        raise ValidationError({"url": error.error_list}) from None


def new_article(*, actor, project_id: int, fields: ArticleInput, checked: bool = False) -> Article:
    """An unsaved, validated article (its text goes into a revision). ``checked``: the fields were
    checked already, as the model's checks would, and carry their ``url_key``."""
    article = Article(
        project_id=project_id, created_by=actor, **{key: fields[key] for key in METADATA if key in fields}
    )
    if checked:
        article.url_key = fields["url_key"]
        return article
    article.full_clean(exclude=["project", "created_by", "current_revision"])
    set_url_key(article)
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


def article_at(project_id: int, url_key: str) -> Article | None:
    """The project's article with this url key (the first imported, should there be several)."""
    if not url_key:
        return None
    return Article.objects.filter(project_id=project_id, url_key=url_key).order_by("id").first()


@transaction.atomic
def import_or_revise_article(
    *, actor, project_id: int, title: str, text: str | None = None, html: str | None = None, **metadata
) -> tuple[Article, bool]:
    """Import an article, or re-import it: when the project has an article with the same ``url``
    (normalized, see ``url_key_of``), a changed text becomes its new revision (annotations
    re-anchored) and ``(article, False)`` comes back; otherwise ``(new article, True)``.

    Locks the project row, so two imports of one URL at the same moment make one article.
    """
    get_project_for(actor, project_id, role=Role.ANNOTATOR, lock=True)
    try:
        existing = article_at(project_id, url_key_of(metadata.get("url") or ""))
    except ValidationError as error:
        raise ValidationError({"url": error.error_list}) from None
    if existing is None:
        return import_article(
            actor=actor, project_id=project_id, title=title, text=text, html=html, **metadata
        ), True
    article, _changed = add_revision(actor=actor, article_id=existing.pk, text=text, html=html)
    return article, False


@dataclass
class Planned:
    """What a batch import does to one article: the texts of the revisions it adds, in order."""

    article: Article
    number: int  # of the article's current revision before the batch; 0 for a new article
    text: str  # the text the article has so far, in the batch
    texts: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text != self.text:
            self.texts.append(text)
            self.text = text


@transaction.atomic
def import_articles(
    *, actor, items: Sequence[ArticleInput], checked: bool = False
) -> list[tuple[Article, bool]]:
    """Import many articles at once, all or nothing, in a fixed number of queries per batch.

    Each item is imported as ``import_or_revise_article`` imports one: an item whose url
    (normalized) is that of an article of its project, or of an earlier item of the batch,
    re-imports that article (a changed text adds a revision, annotations re-anchored); any other
    item makes a new article. Returns ``(article, created)`` for each item, in order. The items
    come validated (``BulkArticlesInput`` names every bad item with its position); with
    ``checked``, they come from its checks, which ran every check of the model's ``full_clean``
    and computed each item's ``canonical`` text and ``url_key``, so none runs again. Http404 when
    an item names a project the actor cannot see. Locks the projects' rows in id order, and the
    articles re-imported.
    """
    project_ids = sorted({item["project"] for item in items})
    for project_id in project_ids:
        get_project_for(actor, project_id, role=Role.ANNOTATOR, lock=True)
    if checked:
        texts = [item["canonical"] for item in items]
        keys = [item["url_key"] for item in items]
    else:
        texts = [text_of(text=item.get("text"), html=item.get("html")) for item in items]
        keys = [url_key_of(item.get("url") or "") for item in items]
    plans: dict[tuple[int, str], Planned] = {}
    for article in (
        # No key update: see lock_article.
        Article.objects.select_for_update(of=("self",), no_key=True)
        .select_related("current_revision")
        .filter(project_id__in=project_ids, url_key__in={key for key in keys if key})
        .order_by("id")
    ):
        revision = article.current_revision
        plans.setdefault(
            (article.project_id, article.url_key), Planned(article, revision.number, revision.text)
        )
    results, new = [], []
    for item, text, key in zip(items, texts, keys, strict=True):
        plan = plans.get((item["project"], key)) if key else None
        if plan is None:
            article = new_article(actor=actor, project_id=item["project"], fields=item, checked=checked)
            plan = Planned(article, 0, text, [text])
            new.append(plan.article)
            plans[item["project"], key or f"#{len(results)}"] = plan
            results.append((plan.article, True))
        else:
            plan.add(text)
            results.append((plan.article, False))
    Article.objects.bulk_create(new)
    revised = [plan for plan in plans.values() if plan.texts]
    revisions = ArticleRevision.objects.bulk_create(
        ArticleRevision(article=plan.article, number=plan.number + offset, text=text, created_by=actor)
        for plan in revised
        for offset, text in enumerate(plan.texts, start=1)
    )
    moves, position = [], 0
    for plan in revised:
        added = revisions[position : position + len(plan.texts)]
        position += len(plan.texts)
        if plan.number:
            moves.append((plan.article, plan.article.current_revision, added))
        plan.article.current_revision = added[-1]
    # One UPDATE whatever the batch's size: bulk_update's CASE of one branch per article cost
    # more to build than the inserts.
    latest = ArticleRevision.objects.filter(article=OuterRef("pk")).order_by("-number").values("pk")[:1]
    revised_ids = [plan.article.pk for plan in revised]
    Article.objects.filter(pk__in=revised_ids).update(current_revision=Subquery(latest))
    reanchor_annotations(actor=actor, moves=moves)
    return results


@transaction.atomic
def update_article(*, actor, article_id: int, **metadata) -> Article:
    """Change an article's metadata (annotators and up)."""
    article = get_article_for(actor, article_id, role=Role.ANNOTATOR, lock=True)
    return change_article(article=article, **metadata)


@transaction.atomic
def change_article(*, article: Article, **metadata) -> Article:
    """Change the metadata of ``article`` (held locked by the caller): the checks of data behind
    ``update_article``, without its check of people, for callers that decide who may (the admin)."""
    for name in METADATA:
        if name in metadata:
            setattr(article, name, metadata[name])
    article.full_clean(exclude=["project", "created_by", "current_revision"])
    set_url_key(article)
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
    article = lock_article(get_article_for(actor, article_id, role=Role.ANNOTATOR))
    canonical = text_of(text=text, html=html)
    old = article.current_revision
    if canonical == old.text:
        return article, False
    revision = ArticleRevision.objects.create(
        article=article, number=old.number + 1, text=canonical, created_by=actor
    )
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    reanchor_annotations(actor=actor, moves=[(article, old, [revision])])
    return article, True


Move = tuple[Article, ArticleRevision, Sequence[ArticleRevision]]


def reanchor_annotations(*, actor, moves: Sequence[Move]) -> None:
    """Carry the annotations of each ``(article, old revision, new revisions)`` through the new
    revisions in order; one whose words are gone stays where it was last found, ``orphaned``.

    Locks the annotations. An orphan leaves its open span disagreements (its words overlap
    nothing any more), and the status of the orphans and of their partners is re-derived. A fixed
    number of queries for any number of articles, plus one for each orphan that was in an open
    span disagreement (``close_span_disagreements_of`` closes those of one annotation).
    """
    if not moves:
        return
    annotations = list(
        Annotation.objects.select_for_update()
        .filter(revision__in=[old for _article, old, _new in moves], orphaned=False)
        .order_by("id")
    )
    on_revision = defaultdict(list)
    for annotation in annotations:
        on_revision[annotation.revision_id].append(annotation)
    entries = []
    for article, old, new_revisions in moves:
        live = on_revision[old.pk]
        for annotation in live:
            annotation.article = article
        for new in new_revisions:
            entries += move_annotations(actor=actor, annotations=live, old=old, new=new)
            live = [annotation for annotation in live if not annotation.orphaned]
            old = new
    fields = ["revision", "start", "end", "quote", "prefix", "suffix", "orphaned", "version"]
    Annotation.objects.bulk_update(annotations, fields)
    HistoryEntry.objects.bulk_create(entries)
    leave_span_disagreements([annotation for annotation in annotations if annotation.orphaned])


def move_annotations(
    *, actor, annotations: list[Annotation], old: ArticleRevision, new: ArticleRevision
) -> list[HistoryEntry]:
    """Re-anchor these annotations of ``old`` onto ``new`` in memory; their unsaved history entries."""
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
    return entries


def leave_span_disagreements(orphans: list[Annotation]) -> None:
    """Close the orphans' open span disagreements and re-derive the status of every claim involved."""
    involved = span_disputants([orphan.pk for orphan in orphans]) if orphans else set()
    for orphan in orphans:
        if orphan.pk in involved:
            close_span_disagreements_of(orphan)
    refresh_claims(involved)
