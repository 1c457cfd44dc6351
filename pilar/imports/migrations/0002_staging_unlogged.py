from django.db import migrations


class Migration(migrations.Migration):
    """Staged rows are a scratch copy of an uploaded file: not worth WAL. An unlogged
    table is emptied after a crash, which only means the batch must be checked again."""

    dependencies = [("imports", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE imports_stagedrow SET UNLOGGED",
            "ALTER TABLE imports_stagedrow SET LOGGED",
        )
    ]
