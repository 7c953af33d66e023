"""Indexes of the hot reads at scale (200,000 articles, 2,000,000 claims; docs/scaling.md), each
found by EXPLAIN (ANALYZE) of a read that scanned without it:

- ``article_list_order``: a project's articles newest first, the article list's order. Without
  it every page sorted the project's articles, and a deep page's ids (workbench.pagination) were
  no index scan.
- ``verdict_by_reviewer``: the claims a reviewer has judged (``judged_by``, in every queue and
  in blind review's rule), read from the index alone. The unique (annotation, reviewer) index
  has the reviewer second, so the planner scanned all of it, every verdict of the database.
- ``revision_text_search`` and ``claim_text_search`` (PostgreSQL only): the search of the desk's
  work (annotations/selectors/search.py), the same expressions as its ``SearchVector``s in the
  ``simple`` configuration. Without them each search parsed every text into words.

Built CONCURRENTLY on PostgreSQL, so a large table takes writes while they build (hence no
transaction); plain on SQLite. They are the database's, not the models' (no model state).
"""

from django.db import migrations

INDEXES = {
    "article_list_order": "annotations_article (project_id, created_at, id)",
    "verdict_by_reviewer": "annotations_verdict (reviewer_id, annotation_id)",
}
POSTGRESQL_INDEXES = {
    "revision_text_search": (
        "annotations_articlerevision USING gin (to_tsvector('simple'::regconfig, COALESCE(text, '')))"
    ),
    "claim_text_search": (
        "annotations_annotation USING gin "
        "(to_tsvector('simple'::regconfig, COALESCE(claim, '') || ' ' || COALESCE(quote, '')))"
    ),
}


def indexes_of(connection) -> dict[str, str]:
    if connection.vendor == "postgresql":
        return {**INDEXES, **POSTGRESQL_INDEXES}
    return INDEXES


def create_indexes(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name, columns in indexes_of(schema_editor.connection).items():
        schema_editor.execute(f"CREATE INDEX {concurrently}IF NOT EXISTS {name} ON {columns}")


def drop_indexes(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    for name in indexes_of(schema_editor.connection):
        schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("annotations", "0015_user_preferences"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
