from django.db import migrations


def seed(apps, schema_editor):
    from pilar.psks.reference import PSKS_TYPES

    PsksType = apps.get_model("psks", "PsksType")
    for number, name, short, is_person, min_age, max_age in PSKS_TYPES:
        PsksType.objects.update_or_create(
            number=number,
            defaults=dict(
                name=name, short_name=short, is_person=is_person, min_age=min_age, max_age=max_age
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("psks", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
