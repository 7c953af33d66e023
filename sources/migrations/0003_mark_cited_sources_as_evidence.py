from django.db import migrations
from django.db.models import Exists, OuterRef


def mark_cited_sources(apps, schema_editor):
    """Sources added before ``added_as_evidence`` existed: every cited one counts as added as evidence.

    Every evidence row backs a verdict or an adjudication, and nothing recorded whether a cited
    source was first added directly, so blind review errs on the side of hiding it: a source is
    only ever hidden until its evidence is revealed, while showing one early cannot be undone.
    Who added it is left empty: those who cited it see it through their own evidence anyway.
    """
    Source = apps.get_model("sources", "Source")
    Evidence = apps.get_model("annotations", "Evidence")
    Source.objects.filter(Exists(Evidence.objects.filter(source=OuterRef("pk")))).update(
        added_as_evidence=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_record_who_added_a_source"),
        ("annotations", "0005_highlights_of_authors"),
    ]

    operations = [
        migrations.RunPython(mark_cited_sources, migrations.RunPython.noop),
    ]
