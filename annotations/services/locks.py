"""The row locks that writers share, and the order they take them in: an article before its
claims, claims in id order. Two writers taking the same locks in the same order wait for each
other instead of deadlocking."""

from annotations.models import Annotation, Article


def lock_article(article: Article) -> Article:
    """Take the article's row lock, which serializes the writers of its spans (highlights,
    deletions, merges, re-imports), and read it afresh under the lock.

    FOR NO KEY UPDATE, not FOR UPDATE: a transaction that writes a claim row twice (a merge, a
    re-opening) re-checks the claim's foreign keys at commit, taking FOR KEY SHARE on its article,
    which FOR UPDATE blocks; the lock holder waiting for that transaction's claims would deadlock.
    """
    return (
        Article.objects.select_related("project", "current_revision")
        .select_for_update(of=("self",), no_key=True)
        .get(pk=article.pk)
    )


def lock_claims(annotation_ids) -> list[Annotation]:
    """Lock these claims in id order, the order every writer that locks several claims uses."""
    return list(
        Annotation.objects.select_for_update(of=("self",))
        .select_related("article__project")
        .filter(pk__in=annotation_ids)
        .order_by("id")
    )
