"""Overdue visits per kelurahan (issue 17, pilar.freshness) in the area figures, and
the statement triggers that mark a kelurahan's area figures stale when its households'
freshness rows change (as migration 0002 does for the other tables; self-contained)."""

from django.db import migrations, models

TABLE = "freshness_householdfreshness"
FN = f"figures_mark_{TABLE}"


def _mark(rows: str) -> str:
    return (
        "INSERT INTO figures_dirty (village_id, topic, marked_at) "
        f"SELECT v.village_id, 2, now() FROM (SELECT DISTINCT village_id FROM {rows}) v "
        "WHERE v.village_id IS NOT NULL;"
    )


FORWARDS = f"""
CREATE OR REPLACE FUNCTION {FN}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_mark("new_rows")}
    ELSIF TG_OP = 'DELETE' THEN
        {_mark("old_rows")}
    ELSE
        {_mark("(SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) AS both_rows")}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER figures_mark_insert AFTER INSERT ON {TABLE}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {FN}();
CREATE TRIGGER figures_mark_update AFTER UPDATE ON {TABLE}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {FN}();
CREATE TRIGGER figures_mark_delete AFTER DELETE ON {TABLE}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {FN}();
"""

BACKWARDS = f"""
DROP TRIGGER IF EXISTS figures_mark_insert ON {TABLE};
DROP TRIGGER IF EXISTS figures_mark_update ON {TABLE};
DROP TRIGGER IF EXISTS figures_mark_delete ON {TABLE};
DROP FUNCTION IF EXISTS {FN}();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0003_boundary"),
        ("freshness", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="areafigure",
            name="visits_overdue",
            field=models.PositiveIntegerField(null=True, verbose_name="kunjungan terlambat"),
        ),
        migrations.RunSQL(FORWARDS, BACKWARDS),
    ]
