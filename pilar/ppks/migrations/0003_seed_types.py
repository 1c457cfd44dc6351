from django.db import migrations


def seed(apps, schema_editor):
    from pilar.ppks.reference import PPKS_TYPES

    PpksType = apps.get_model("ppks", "PpksType")
    for number, name, short, level, min_age, max_age, sex, subtypes, restricted in PPKS_TYPES:
        PpksType.objects.update_or_create(
            number=number,
            defaults=dict(
                name=name,
                short_name=short,
                level=level,
                min_age=min_age,
                max_age=max_age,
                sex=sex,
                has_disability_subtypes=subtypes,
                is_restricted=restricted,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("ppks", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
