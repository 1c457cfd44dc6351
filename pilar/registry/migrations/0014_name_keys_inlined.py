"""``pilar_name_keys`` rewritten as one expression PostgreSQL inlines (decision 49).

Migration 0013's body read its words ``FROM`` a sub-select and tagged them with an
``ARRAY(SELECT ...)``: such a SQL function is never inlined, so every call went through
the SQL function executor (~8 µs a name; building the index over a million persons took
7.9 s, 3.4 s inlined). The new body returns exactly the same keys for every text (a test
compares the two), so the index is not rebuilt. The text is frozen here as
``names.name_keys_function_sql()`` wrote it; a test checks they still agree.
"""

from importlib import import_module

from django.db import migrations

# 0013's function, kept to go back to; its spellings (frozen there) are this one's too.
PREVIOUS = import_module("pilar.registry.migrations.0013_person_name_keys")
WORDS = "string_to_array(lower(name), ' ')"
FUNCTION = (
    "CREATE OR REPLACE FUNCTION pilar_name_keys(name text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
    f"SELECT CASE WHEN {WORDS} && ARRAY[{PREVIOUS.ARRAY}]::text[] "
    "THEN string_to_array(lower(name) || ' ~' || replace(lower(name), ' ', ' ~'), ' ') "
    f"ELSE {WORDS} END $$"
)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_person_name_keys"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, reverse_sql=PREVIOUS.FUNCTION),
    ]
