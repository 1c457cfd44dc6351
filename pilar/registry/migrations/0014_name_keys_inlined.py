"""``pilar_name_keys`` rewritten as one expression PostgreSQL inlines (decision 49).

Migration 0013's body read its words ``FROM`` a sub-select and tagged them with an
``ARRAY(SELECT ...)``: such a SQL function is never inlined, so every call went through
the SQL function executor (~8 µs a name; building the index over a million persons took
7.9 s, 3.4 s inlined). The new body returns exactly the same keys for every text (a test
compares the two), so the index is not rebuilt. The text is frozen here as
``names.name_keys_function_sql()`` wrote it; a test checks they still agree.
"""

from django.db import migrations

# The spellings of pilar.registry.names.MUHAMMAD when this migration was written.
SPELLINGS = """
    m mhd mhmd moch mochamad mochammad moh mohamad mohamed mohammad mohammed mohd mokh
    mokhamad mokhammad muchamad muchammad muh muhamad muhamed muhammad muhammed mukhamad
    mukhammad
""".split()
ARRAY = ", ".join(f"'{w}{end}'" for w in SPELLINGS for end in ("", ",", "."))
WORDS = "string_to_array(lower(name), ' ')"
FUNCTION = (
    "CREATE OR REPLACE FUNCTION pilar_name_keys(name text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
    f"SELECT CASE WHEN {WORDS} && ARRAY[{ARRAY}]::text[] "
    "THEN string_to_array(lower(name) || ' ~' || replace(lower(name), ' ', ' ~'), ' ') "
    f"ELSE {WORDS} END $$"
)


def _previous_function() -> str:
    from importlib import import_module

    return import_module("pilar.registry.migrations.0013_person_name_keys").FUNCTION


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_person_name_keys"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, reverse_sql=_previous_function()),
    ]
