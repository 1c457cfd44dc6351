"""What a staged row changes: the SQL shared by the preview counts and the apply.

A staged row's plan (``person_id``, ``household_id``) is set by the registry match
(``batch_checks.match_registry``); these fragments decide, from it, whether the row
changes its person or household and which PPKS records it adds. The preview counts
with them and the apply writes with them, so the preview says what the apply does.
"""

from __future__ import annotations

from pilar.imports.pipeline.staging import STAGED

# Person columns an import may overwrite (non-empty cells only).
PERSON_OVERWRITE = (
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "marital_status",
    "education",
    "occupation",
    "disabilities",
    "source_id",
)
HOUSEHOLD_OVERWRITE = ("address", "rt", "rw", "village_id", "desil")


# Does a matched staged row (s) change its person (p)?
PERSON_CHANGED = " OR ".join(
    [
        f"(s.{f} <> '' AND s.{f} IS DISTINCT FROM p.{f})"
        for f in ("name", "sex", "birth_place", "marital_status", "education", "occupation")
    ]
    + [
        "(s.source_id <> '' AND s.source_id IS DISTINCT FROM p.source_id)",
        "(s.birth_date IS NOT NULL AND s.birth_date IS DISTINCT FROM p.birth_date)",
        "(cardinality(s.disabilities) > 0 AND s.disabilities IS DISTINCT FROM p.disabilities)",
        "(s.nik IS NOT NULL AND p.nik IS NULL)",
        "s.relation IS DISTINCT FROM p.relation",
        # Before apply, a row whose household is still to be created has none yet.
        "COALESCE(s.household_id, -1) IS DISTINCT FROM p.household_id",
    ]
)


def representatives(table: str, where: str = "batch_id = %s", columns: str = "*") -> str:
    """The row that speaks for a household: its head, else the first row with an address.
    (Grouped by bytes: the same groups, as the collation is deterministic, without a
    locale-aware sort of a million keys.)"""
    return f"""
        SELECT DISTINCT ON (group_key COLLATE "C") {columns} FROM {table} WHERE {where}
        ORDER BY group_key COLLATE "C", (relation = 'kepala') DESC, (address <> '') DESC,
                 row_number
    """


# The representative rows of a batch's households in staging (for the preview).
REPRESENTATIVES = representatives(STAGED)

# Does a household's representative row (r) change the registered household (h)?
HOUSEHOLD_CHANGED = " OR ".join(
    [
        f"(r.{f} <> '' AND r.{f} IS DISTINCT FROM h.{f})"
        for f in ("address", "rt", "rw", "village_id")
    ]
    + ["(r.desil IS NOT NULL AND r.desil IS DISTINCT FROM h.desil)"]
)


def ppks_select(batch_id: int, rows: str | None = None) -> tuple[str, list[int]]:
    """Staged PPKS types without an active record yet: (type id, person or NULL,
    household, disability subtypes), one per person/household and type. During apply,
    ``rows`` names the temp table of the batch's rows with the ids drawn for new persons."""
    person = "s.person_id"
    table = STAGED
    if rows:
        person = "COALESCE(s.person_id, s.new_person_id)"
        table = rows
    sql = f"""
        SELECT DISTINCT ON (t.id, CASE WHEN t.level = 'individu'
                                 THEN COALESCE({person}, -s.id) END, s.household_id,
                            -- before apply a new household has no id yet: its KK tells
                            CASE WHEN s.household_id IS NULL THEN s.group_key END)
               t.id AS type_id,
               CASE WHEN t.level = 'individu' THEN {person} END AS person_id,
               s.household_id,
               CASE WHEN t.has_disability_subtypes THEN s.disabilities ELSE '{{}}' END AS subtypes,
               s.row_number
        FROM {table} s
        CROSS JOIN LATERAL unnest(s.ppks_numbers) AS n(number)
        JOIN ppks_ppkstype t ON t.number = n.number
        WHERE s.batch_id = %s AND NOT EXISTS (
            SELECT 1 FROM registry_person d WHERE d.id = s.person_id AND d.life_status <> 'hidup'
        ) AND NOT EXISTS (
            SELECT 1 FROM ppks_ppksrecord r
            WHERE r.status = 'aktif' AND r.ppks_type_id = t.id AND (
                (t.level = 'individu' AND r.person_id = s.person_id)
                OR (t.level <> 'individu' AND r.person_id IS NULL
                    AND r.household_id = s.household_id)
            )
        )
        -- The first row asking for a record is the one it is created from.
        ORDER BY t.id, CASE WHEN t.level = 'individu' THEN COALESCE({person}, -s.id) END,
                 s.household_id, CASE WHEN s.household_id IS NULL THEN s.group_key END,
                 s.row_number
    """
    return sql, [batch_id]
