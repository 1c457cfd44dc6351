"""Statement-level triggers that mark the kelurahan a write touched as stale
(figures_dirty), per topic, in the writing transaction. One function per table; one
trigger per event (PostgreSQL allows transition tables only on single-event triggers).

Topics (pilar.figures.choices.Topic): 1 PPKS, 2 area (population, poverty, RTLH,
quality, waiting reports), 3 programs, 4 field reports by month.

Self-contained on purpose: a later change to the triggers is a new migration, not an
edit of the code this one ran.
"""

from django.db import migrations

HOUSEHOLD_VILLAGES = (
    "SELECT DISTINCT h.village_id FROM registry_household h "
    "WHERE h.id IN (SELECT household_id FROM {t})"
)
PERSON_VILLAGES = (
    "SELECT DISTINCT h.village_id FROM registry_household h WHERE h.id IN "
    "(SELECT p.household_id FROM registry_person p WHERE p.id IN (SELECT person_a_id FROM {t}))"
)
ENROLLMENT_VILLAGES = (
    "SELECT DISTINCT e.village_id FROM programs_enrollment e "
    "WHERE e.id IN (SELECT enrollment_id FROM {t})"
)
OWN_VILLAGES = "SELECT DISTINCT village_id FROM {t}"

# table -> (how to find the kelurahan from a transition table {t}, topics)
TABLES = {
    "registry_household": (OWN_VILLAGES, (1, 2)),
    "registry_person": (HOUSEHOLD_VILLAGES, (1, 2)),
    "ppks_ppksrecord": (HOUSEHOLD_VILLAGES, (1, 2)),
    "registry_housingsurvey": (HOUSEHOLD_VILLAGES, (2,)),
    "assessments_povertyassessment": (HOUSEHOLD_VILLAGES, (2,)),
    "assessments_rtlhassessment": (HOUSEHOLD_VILLAGES, (2,)),
    "submissions_submission": (OWN_VILLAGES, (2, 4)),
    "dedup_candidatepair": (PERSON_VILLAGES, (2,)),
    "programs_enrollment": (OWN_VILLAGES, (3,)),
    "programs_candidate": (OWN_VILLAGES, (3,)),
    "programs_delivery": (ENROLLMENT_VILLAGES, (3,)),
}


def _mark(villages: str, topics: tuple[int, ...]) -> str:
    return (
        "INSERT INTO figures_dirty (village_id, topic, marked_at) "
        f"SELECT v.village_id, t.topic, now() FROM ({villages}) v "
        f"CROSS JOIN unnest(ARRAY{list(topics)}::smallint[]) AS t(topic) "
        "WHERE v.village_id IS NOT NULL;"
    )


def forwards_sql() -> str:
    parts = []
    for table, (villages, topics) in TABLES.items():
        fn = f"figures_mark_{table}"
        parts.append(
            f"""
CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_mark(villages.format(t="new_rows"), topics)}
    ELSIF TG_OP = 'DELETE' THEN
        {_mark(villages.format(t="old_rows"), topics)}
    ELSE
        {_mark(villages.format(t="(SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows) AS both_rows"), topics)}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER figures_mark_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
CREATE TRIGGER figures_mark_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
CREATE TRIGGER figures_mark_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {fn}();
"""
        )
    return "\n".join(parts)


def backwards_sql() -> str:
    return "\n".join(
        f"DROP TRIGGER IF EXISTS figures_mark_insert ON {t};"
        f"DROP TRIGGER IF EXISTS figures_mark_update ON {t};"
        f"DROP TRIGGER IF EXISTS figures_mark_delete ON {t};"
        f"DROP FUNCTION IF EXISTS figures_mark_{t}();"
        for t in TABLES
    )


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0001_initial"),
        ("registry", "0008_program_rule_cover_indexes"),
        ("ppks", "0005_validation"),
        ("assessments", "0001_initial"),
        ("submissions", "0003_restricted"),
        ("dedup", "0001_initial"),
        ("programs", "0007_candidates"),
    ]

    operations = [migrations.RunSQL(forwards_sql(), backwards_sql())]
