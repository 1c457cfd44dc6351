"""The GIN index of the words of persons' names (name search, issue 14), and fresh
statistics for it: without them the planner guesses that a word look-up matches a
third of the table and scans it (seconds instead of milliseconds at 2 million)."""

import django.contrib.postgres.indexes
from django.db import migrations

import pilar.registry.names


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_program_rule_cover_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                pilar.registry.names.NameWords("name"), name="person_name_words"
            ),
        ),
        migrations.RunSQL("ANALYZE registry_person", reverse_sql=migrations.RunSQL.noop),
    ]
