"""The row locks that writers share, and the order they take them in: a project or an article
before its claims, claims in id order. Two writers taking the same locks in the same order wait
for each other instead of deadlocking.

A lock that stands for "one writer of this at a time" is FOR NO KEY UPDATE, not FOR UPDATE: a
transaction that inserts a row naming a project, an article or a claim (a history entry, a
verdict), or writes a claim row twice, checks those foreign keys at commit with FOR KEY SHARE,
which FOR UPDATE blocks; the lock holder waiting for that transaction's claims would deadlock.
"""

from annotations.models import Annotation, Article, Project


def lock_project(project: Project) -> Project:
    """Take the project's row lock and read it afresh under the lock, keeping ``my_role``."""
    locked = Project.objects.select_for_update(no_key=True).get(pk=project.pk)
    locked.my_role = getattr(project, "my_role", None)
    return locked


def lock_article(article: Article) -> Article:
    """Take the article's row lock, which serializes the writers of its spans (highlights,
    deletions, merges, re-imports), and read it afresh under the lock."""
    return (
        Article.objects.select_related("project", "current_revision")
        .select_for_update(of=("self",), no_key=True)
        .get(pk=article.pk)
    )


def lock_claims(annotation_ids) -> list[Annotation]:
    """Lock these claims in id order, the order every writer that locks several claims uses."""
    return lock_claims_where(pk__in=annotation_ids)


def lock_claims_where(**lookups) -> list[Annotation]:
    """Lock the claims these lookups select, in id order; their articles and projects are read,
    not locked."""
    return list(
        Annotation.objects.select_for_update(of=("self",))
        .select_related("article__project")
        .filter(**lookups)
        .order_by("id")
    )
