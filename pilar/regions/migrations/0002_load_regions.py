from django.db import migrations


def load(apps, schema_editor):
    from pilar.regions.loader import load_regions

    load_regions(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
