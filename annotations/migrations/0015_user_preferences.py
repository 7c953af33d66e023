# Reserved for the change that fills it in; kept in the chain so parallel work does not collide.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0014_claim_matching"),
    ]

    operations = []
