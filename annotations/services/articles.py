"""Articles and their revisions."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.models import Article, ArticleRevision, Role
from annotations.permissions import get_project_for
from annotations.text import canonical_text


@transaction.atomic
def import_article(
    *,
    actor,
    project_id: int,
    title: str,
    text: str,
    url: str = "",
    publisher: str = "",
    author: str = "",
    published_at: datetime | None = None,
    language: str = "",
) -> Article:
    """Create an article with its first revision, the canonical form of ``text`` (annotators and up)."""
    project = get_project_for(actor, project_id, role=Role.ANNOTATOR)
    canonical = canonical_text(text)
    if not canonical:
        raise ValidationError({"text": ["The article has no text once blank lines and spaces are removed."]})
    article = Article(
        project=project,
        title=title,
        url=url,
        publisher=publisher,
        author=author,
        published_at=published_at,
        language=language,
        created_by=actor,
    )
    article.full_clean(exclude=["current_revision"])
    article.save()
    revision = ArticleRevision.objects.create(article=article, number=1, text=canonical, created_by=actor)
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    return article
