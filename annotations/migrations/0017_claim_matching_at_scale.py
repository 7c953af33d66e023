"""Claim matching at 2,000,000 claims: finer statistics of the claims' lexemes on PostgreSQL.

A similar-claims lookup searches by a claim's rare terms only (annotations.selectors.similar),
and reads how many claims hold a lexeme from the statistics ANALYZE gathers on the tsvector
(``pg_stats.most_common_elems``). At the default statistics target (100) ANALYZE samples 30,000
claims and lists the lexemes of about 1 in 1,300 claims or more; at 1,000 it samples 300,000 and
lists those of about 1 in 13,000 (150 of 2,000,000), so that a figure written in a few thousand
claims is known as common rather than taken for rare. Nothing changes on SQLite, whose FTS5 ranks
by BM25, which weighs rare terms already.
"""

from django.db import migrations

STATISTICS_TARGET = 1000


def finer_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE annotations_claimdocument ALTER COLUMN document SET STATISTICS {STATISTICS_TARGET}"
    )
    schema_editor.execute("ANALYZE annotations_claimdocument")


def default_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE annotations_claimdocument ALTER COLUMN document SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("annotations", "0016_read_indexes")]

    operations = [migrations.RunPython(finer_statistics, default_statistics)]
