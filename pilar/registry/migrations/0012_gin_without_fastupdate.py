"""The name and address GIN indexes without fastupdate (decision 46).

With fastupdate on, new rows wait in a pending list (up to gin_pending_list_limit,
4 MB) until a vacuum merges them, and every search reads that list whole: after a big
insert, one name search took 4.4 s instead of 30 ms at 2 million persons. The indexes
are altered in place (no rebuild) and what already waits in their pending lists is
merged now, since turning the option off does not do it.
"""

import django.contrib.postgres.indexes
from django.db import migrations

import pilar.registry.names

INDEXES = ("household_address_trgm", "person_name_trgm", "person_name_words")


def _sql(fastupdate: str, clean: bool) -> list[str]:
    statements = [f"ALTER INDEX {name} SET (fastupdate = {fastupdate})" for name in INDEXES]
    if clean:
        statements += [f"SELECT gin_clean_pending_list('{name}'::regclass)" for name in INDEXES]
    return statements


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_load_regions"),
        ("registry", "0011_processing_restriction"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(_sql("off", clean=True), reverse_sql=_sql("on", clean=False))
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="household", name="household_address_trgm"),
                migrations.RemoveIndex(model_name="person", name="person_name_trgm"),
                migrations.RemoveIndex(model_name="person", name="person_name_words"),
                migrations.AddIndex(
                    model_name="household",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False,
                        fields=["address"],
                        name="household_address_trgm",
                        opclasses=["gin_trgm_ops"],
                    ),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fastupdate=False,
                        fields=["name"],
                        name="person_name_trgm",
                        opclasses=["gin_trgm_ops"],
                    ),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=django.contrib.postgres.indexes.GinIndex(
                        pilar.registry.names.NameWords("name"),
                        fastupdate=False,
                        name="person_name_words",
                    ),
                ),
            ],
        )
    ]
