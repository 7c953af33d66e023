"""Reserved for the to-review queue at 200,000 articles (issue 15/17); empty until then."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("annotations", "0017_claim_matching_at_scale")]

    operations = []
