"""Reserved for claim matching at 2,000,000 claims (issue 15/17); empty until then."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("annotations", "0016_read_indexes")]

    operations = []
