"""The priority score of a candidate: why this household comes first.

A transparent, additive score (UU PDP: scoring must be explainable): an ordered
list of components, each a quantity read from the registry or the latest
assessments, times a weight, sometimes capped. No hidden model. The score is a
local aid to ranking, never the national desil.

Every component's quantity is read from per-household aggregates joined once to
the candidate rows (`scored_sql`: a GROUP BY per source table, not a subquery
per row), so the whole candidate list is scored in one INSERT ... SELECT. A
candidate row stores `priority_pairs` = [value, points] per component, flattened
in COMPONENTS order (an integer array: building a JSON object per row cost more
than the rest of the scoring at 150,000 rows); an enrollment stores the same as
`priority_parts = {key: {"value": quantity, "points": points}}` (`parts_from_pairs`).
`priority_total` = the sum of the points; `explain()` turns the parts into
Indonesian lines for the pages and the API. COMPONENTS is append-only: stored
arrays are read by position (regenerate candidate lists after a change).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from pilar.programs.rules.builders import years_before
from pilar.registry import choices as rc


@dataclass(frozen=True)
class Component:
    key: str
    label: str  # Indonesian, shown next to the points
    rule: str  # how the points are computed, in Indonesian
    # SQL for the quantity over the aliases of `scored_sql` (base, mem, pov, rtlh, ppks)
    # and for the points from the quantity `{v}`: our own text, never user input.
    value: str
    points: str


COMPONENTS: tuple[Component, ...] = (
    Component(
        "desil",
        "Desil nasional",
        "desil 1 = 30 poin, tiap desil naik berkurang 3 poin; tanpa desil 0",
        "base.c_desil",
        "COALESCE(GREATEST(11 - {v}, 0) * 3, 0)",
    ),
    Component(
        "poverty",
        "Kriteria kemiskinan BPS terpenuhi",
        "2 poin per kriteria (asesmen kemiskinan terakhir)",
        "COALESCE(pov.n, 0)",
        "({v}) * 2",
    ),
    Component(
        "rtlh",
        "Kriteria RTLH tidak terpenuhi",
        "5 poin per kriteria gagal (asesmen RTLH terakhir)",
        "COALESCE(rtlh.n, 0)",
        "({v}) * 5",
    ),
    Component(
        "ppks",
        "Data PPKS aktif di keluarga",
        "4 poin per data PPKS aktif, paling banyak 20",
        "COALESCE(ppks.n, 0)",
        "LEAST(({v}) * 4, 20)",
    ),
    Component(
        "elderly",
        "Anggota lanjut usia (≥ 60 tahun)",
        "3 poin per orang",
        "COALESCE(mem.elderly, 0)",
        "({v}) * 3",
    ),
    Component(
        "disabled",
        "Anggota penyandang disabilitas",
        "4 poin per orang",
        "COALESCE(mem.disabled, 0)",
        "({v}) * 4",
    ),
    Component(
        "children",
        "Anggota anak (< 18 tahun)",
        "2 poin per anak, paling banyak 10",
        "COALESCE(mem.children, 0)",
        "LEAST(({v}) * 2, 10)",
    ),
    Component(
        "waiting",
        "Lama terdaftar (bulan)",
        "1 poin per bulan sejak keluarga terdaftar, paling banyak 24",
        "GREATEST(%(ref_months)s - (EXTRACT(YEAR FROM base.c_created AT TIME ZONE %(tz)s) * 12 "
        "+ EXTRACT(MONTH FROM base.c_created AT TIME ZONE %(tz)s)), 0)::int",
        "LEAST({v}, 24)",
    ),
)

BY_KEY = {c.key: c for c in COMPONENTS}


def scored_sql(inner_sql: str, inner_params, reference_date) -> tuple[str, list]:
    """The candidate rows of `inner_sql` (columns c_household, c_person, c_village,
    c_level, c_amount, and the household's c_desil and c_created, read by the rule's
    own join) with one `pv_<key>` column per component. The household facts are
    aggregated once per candidate household and joined, instead of one correlated
    subquery per row and component (35 s -> a few seconds for 150,000 persons).
    "Latest" assessment = the latest `assessed_on`, then the latest entry, as
    `latest_per_household()`."""
    ref = reference_date
    named = {
        "elderly": years_before(ref, 60),
        "child": years_before(ref, 18),
        "alive": str(rc.LifeStatus.ALIVE),
        "active": "aktif",
        "tz": settings.TIME_ZONE,
        "ref_months": ref.year * 12 + ref.month,
    }
    columns = ", ".join(f"{c.value} AS pv_{c.key}" for c in COMPONENTS)
    sql = f"""
        WITH base AS ({inner_sql}),
        hh AS (SELECT DISTINCT c_household AS id FROM base),
        mem AS (
            SELECT p.household_id,
                   count(*) FILTER (WHERE p.birth_date <= %(elderly)s) AS elderly,
                   count(*) FILTER (WHERE p.birth_date > %(child)s) AS children,
                   count(*) FILTER (WHERE cardinality(p.disabilities) > 0) AS disabled
            FROM registry_person p JOIN hh ON hh.id = p.household_id
            WHERE p.is_active AND p.life_status = %(alive)s
            GROUP BY p.household_id
        ),
        pov AS (
            SELECT DISTINCT ON (a.household_id) a.household_id, a.criteria_met AS n
            FROM assessments_povertyassessment a JOIN hh ON hh.id = a.household_id
            ORDER BY a.household_id, a.assessed_on DESC, a.id DESC
        ),
        rtlh AS (
            SELECT DISTINCT ON (a.household_id) a.household_id,
                   CASE WHEN a.is_rtlh THEN cardinality(a.failed) ELSE 0 END AS n
            FROM assessments_rtlhassessment a JOIN hh ON hh.id = a.household_id
            ORDER BY a.household_id, a.assessed_on DESC, a.id DESC
        ),
        ppks AS (
            SELECT r.household_id, count(*) AS n
            FROM ppks_ppksrecord r JOIN hh ON hh.id = r.household_id
            WHERE r.status = %(active)s
            GROUP BY r.household_id
        )
        SELECT base.c_household, base.c_person, base.c_village, base.c_level,
               base.c_amount, {columns}
        FROM base
        LEFT JOIN mem ON mem.household_id = base.c_household
        LEFT JOIN pov ON pov.household_id = base.c_household
        LEFT JOIN rtlh ON rtlh.household_id = base.c_household
        LEFT JOIN ppks ON ppks.household_id = base.c_household
    """
    # The inner query uses positional %s; ours are named: turn ours positional too.
    order: list = []

    def positional(match) -> str:
        order.append(named[match.group(1)])
        return "%s"

    head, tail = sql.split(inner_sql, 1) if inner_sql in sql else (sql, "")
    head = re.sub(r"%\((\w+)\)s", positional, head)
    head_params = list(order)
    order.clear()
    tail = re.sub(r"%\((\w+)\)s", positional, tail)
    return head + inner_sql + tail, [*head_params, *inner_params, *order]


def parts_sql(alias: str) -> tuple[str, str]:
    """SQL (over the `pv_<key>` columns of `scored_sql` in subquery `alias`) for the
    [value, points, ...] array of `priority_pairs` and for the total. Our own text,
    never user input."""
    points = {c.key: c.points.format(v=f"{alias}.pv_{c.key}") for c in COMPONENTS}
    pairs = ", ".join(f"{alias}.pv_{c.key}, {points[c.key]}" for c in COMPONENTS)
    total = " + ".join(f"({points[c.key]})" for c in COMPONENTS)
    return f"ARRAY[{pairs}]::integer[]", f"({total})"


def parts_from_pairs(pairs: list | None) -> dict:
    """`priority_pairs` (a candidate row) as `priority_parts` (an enrollment row)."""
    pairs = pairs or []
    return {
        c.key: {"value": pairs[2 * i], "points": pairs[2 * i + 1]}
        for i, c in enumerate(COMPONENTS)
        if 2 * i + 1 < len(pairs)
    }


def explain(parts: dict | None) -> list[dict]:
    """The stored parts as lines, in the components' order, largest contributions
    visible first on the page by the caller if it wants; zero lines are kept so
    the reader sees what was considered."""
    parts = parts or {}
    lines = []
    for c in COMPONENTS:
        got = parts.get(c.key) or {}
        lines.append(
            {
                "key": c.key,
                "label": c.label,
                "rule": c.rule,
                "value": got.get("value"),
                "points": got.get("points") or 0,
            }
        )
    return lines


def as_text(parts: dict | None) -> str:
    """'Desil nasional: 2 → 27 poin; ...' (non-zero parts), for exports and tooltips."""
    return "; ".join(
        f"{line['label']}: {line['value']} → {line['points']} poin"
        for line in explain(parts)
        if line["points"]
    )
