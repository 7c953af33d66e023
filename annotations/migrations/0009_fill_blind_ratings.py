"""Existing verdicts: the blind rating is the rating their creation was recorded with (history),
else the current one; a verdict of someone who now edits or administers the project, given after
another person's verdict on the claim, was given with that verdict in view and is not independent.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef

EDITOR = 30


def fill(apps, schema_editor):
    Verdict = apps.get_model("annotations", "Verdict")
    HistoryEntry = apps.get_model("annotations", "HistoryEntry")
    Membership = apps.get_model("annotations", "Membership")
    first_ratings = {
        object_id: (after or {}).get("rating")
        for object_id, after in HistoryEntry.objects.filter(object_type="verdict", action="create")
        .order_by("at", "id")
        .values_list("object_id", "after")
    }
    editor = Membership.objects.filter(
        project=OuterRef("annotation__article__project"), user=OuterRef("reviewer"), role__gte=EDITOR
    )
    earlier = Verdict.objects.filter(
        annotation=OuterRef("annotation"), created_at__lt=OuterRef("created_at")
    ).exclude(reviewer=OuterRef("reviewer"))
    verdicts = list(Verdict.objects.annotate(as_editor=Exists(editor), after_others=Exists(earlier)))
    for verdict in verdicts:
        verdict.blind_rating = first_ratings.get(verdict.pk) or verdict.rating
        verdict.independent = not (verdict.as_editor and verdict.after_others)
        verdict.revised_after_reveal = verdict.rating != verdict.blind_rating
    Verdict.objects.bulk_update(verdicts, ["blind_rating", "independent", "revised_after_reveal"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("annotations", "0008_independent_verdicts_and_blind_editors")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
