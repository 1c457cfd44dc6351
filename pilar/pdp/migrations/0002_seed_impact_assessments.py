"""The first drafts of the two impact assessments (pilar/pdp/dpia.py)."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from pilar.pdp.dpia import seed_assessments

    seed_assessments(apps.get_model("pdp", "ImpactAssessment"), timezone.localdate())


class Migration(migrations.Migration):
    dependencies = [("pdp", "0001_registers")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
