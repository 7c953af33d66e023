"""The database cache's table (the token throttle's counters), created by ``migrate`` so that a
fresh database needs no ``createcachetable`` step."""

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # Skips a table that already exists, so a database set up by hand migrates as well.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_tables(apps, schema_editor):
    quote = schema_editor.connection.ops.quote_name
    for cache in settings.CACHES.values():
        if cache["BACKEND"] == f"{DatabaseCache.__module__}.{DatabaseCache.__name__}":
            schema_editor.execute(f"DROP TABLE IF EXISTS {quote(cache['LOCATION'])}")


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0010_project_publisher_settings"),
    ]

    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables)]
