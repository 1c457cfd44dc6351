"""Name search keys with the Muhammad names tagged (decision 48).

The words index (0009) becomes ``person_name_keys`` on ``pilar_name_keys(name)``: a
name's words and, when one of them spells Muhammad, each word again with "~" before it
(``pilar.registry.names.NameKeys``). A query "Muh. Fikri" then looks up "~fikri" and its
misspellings instead of intersecting "fikri" with the posting lists of every Muhammad
spelling (50-250 ms at 2 million persons). The function's text is frozen here as
``names.name_keys_function_sql()`` wrote it; a test checks they still agree.
"""

import django.contrib.postgres.indexes
from django.db import migrations

import pilar.registry.names

# The spellings of pilar.registry.names.MUHAMMAD when this migration was written.
SPELLINGS = """
    m mhd mhmd moch mochamad mochammad moh mohamad mohamed mohammad mohammed mohd mokh
    mokhamad mokhammad muchamad muchammad muh muhamad muhamed muhammad muhammed mukhamad
    mukhammad
""".split()
ARRAY = ", ".join(f"'{w}{end}'" for w in SPELLINGS for end in ("", ",", "."))
FUNCTION = (
    "CREATE OR REPLACE FUNCTION pilar_name_keys(name text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
    f"SELECT CASE WHEN w && ARRAY[{ARRAY}] "
    "THEN w || ARRAY(SELECT '~' || x FROM unnest(w) AS x) ELSE w END "
    "FROM (SELECT string_to_array(lower(name), ' ') AS w) AS words $$"
)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0012_gin_without_fastupdate"),
    ]

    operations = [
        migrations.RunSQL(FUNCTION, reverse_sql="DROP FUNCTION pilar_name_keys(text)"),
        migrations.RemoveIndex(model_name="person", name="person_name_words"),
        migrations.AddIndex(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                pilar.registry.names.NameKeys("name"),
                fastupdate=False,
                name="person_name_keys",
            ),
        ),
        # Statistics of the new expression, or the planner guesses a third of the table.
        migrations.RunSQL("ANALYZE registry_person", reverse_sql=migrations.RunSQL.noop),
    ]
