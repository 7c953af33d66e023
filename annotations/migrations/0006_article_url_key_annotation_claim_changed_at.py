from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0005_highlights_of_authors"),
    ]

    operations = [
        migrations.AddField(
            model_name="annotation",
            name="claim_changed_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the claim text last changed after a verdict; earlier verdicts judged the old one.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="url_key",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The url normalized: a re-import of the same page finds the article by it.",
                max_length=2000,
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["project", "url_key"], name="article_url_key"),
        ),
    ]
