"""Reserved for the agreement of a 100,000-claim project (issue 15/17); empty until then."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("annotations", "0018_queue_at_scale")]

    operations = []
