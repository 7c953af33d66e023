from django.db import migrations


def record_authors(apps, schema_editor):
    Annotation = apps.get_model("annotations", "Annotation")
    Highlight = apps.get_model("annotations", "Highlight")
    Highlight.objects.bulk_create(
        (Highlight(annotation_id=pk, user_id=author_id) for pk, author_id in Annotation.objects.values_list("pk", "author_id")),
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0004_highlights"),
    ]

    operations = [
        migrations.RunPython(record_authors, migrations.RunPython.noop),
    ]
