from django.core.exceptions import ValidationError
from django.db import migrations

from sources.normalization import normalize_url


def url_key(url: str) -> str:
    # An address that is no web page's (ftp://, credentials) was accepted before; it matches nothing.
    try:
        return normalize_url(url) if url else ""
    except ValidationError:
        return ""


def fill_url_keys(apps, schema_editor):
    Article = apps.get_model("annotations", "Article")
    batch = []
    for article in Article.objects.exclude(url="").only("pk", "url").order_by("pk").iterator(chunk_size=1000):
        article.url_key = url_key(article.url)
        batch.append(article)
        if len(batch) == 1000:
            Article.objects.bulk_update(batch, ["url_key"])
            batch = []
    Article.objects.bulk_update(batch, ["url_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0006_article_url_key_annotation_claim_changed_at"),
    ]

    operations = [
        migrations.RunPython(fill_url_keys, migrations.RunPython.noop),
    ]
