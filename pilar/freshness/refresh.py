"""Keeping HouseholdFreshness current, set-based: one SQL statement gathers each
household's dates (last visit and verification from its field reports, deaths and
moves of its members, disaster PPKS records), the rules (rules.py) give the due
date, and the rows go back through a COPY into a temporary table and one upsert.
The same path serves one household (after a report) and the whole registry.

A verification date already stored (from an import or set by the office) is never
lowered: the stored value and the validated reports' latest visit date are
compared and the later one kept.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from pilar.core.dates import today
from pilar.freshness.choices import EventKind
from pilar.freshness.rules import Rules, rules_from_settings
from pilar.submissions.choices import Status

# Report statuses that mean the family was visited and the office has the report.
VISITED = [Status.SUBMITTED, Status.RETURNED, Status.VERIFIED, Status.VALIDATED]
# PPKS types of disaster victims (Permensos 08/2012 nos. 21 and 22).
DISASTER_TYPES = [21, 22]

GATHER = """
WITH hh AS (
    SELECT h.id, h.village_id, (h.created_at AT TIME ZONE %(tz)s)::date AS registered
    FROM registry_household h
    WHERE h.is_active {where}
),
s AS (
    SELECT s.household_id,
           max(s.visit_date) AS visited,
           max(s.visit_date) FILTER (WHERE s.status = 'divalidasi') AS verified
    FROM submissions_submission s
    WHERE s.household_id IN (SELECT id FROM hh) AND s.status = ANY(%(visited)s)
      AND s.visit_date IS NOT NULL
    GROUP BY s.household_id
),
p AS (
    SELECT p.household_id,
           max(p.life_status_date) FILTER (WHERE p.life_status = 'meninggal') AS died,
           max(p.life_status_date) FILTER (WHERE p.life_status = 'pindah') AS moved
    FROM registry_person p
    WHERE p.household_id IN (SELECT id FROM hh) AND p.life_status <> 'hidup'
    GROUP BY p.household_id
),
d AS (
    SELECT r.household_id, max(r.date_found) AS disaster
    FROM ppks_ppksrecord r JOIN ppks_ppkstype t ON t.id = r.ppks_type_id
    WHERE r.household_id IN (SELECT id FROM hh) AND t.number = ANY(%(disaster)s)
    GROUP BY r.household_id
)
SELECT hh.id, hh.village_id, hh.registered, s.visited,
       greatest(s.verified, f.last_verified_on), p.died, p.moved, d.disaster
FROM hh
LEFT JOIN s ON s.household_id = hh.id
LEFT JOIN p ON p.household_id = hh.id
LEFT JOIN d ON d.household_id = hh.id
LEFT JOIN freshness_householdfreshness f ON f.household_id = hh.id
"""

UPSERT = """
INSERT INTO freshness_householdfreshness AS f
    (household_id, village_id, last_visited_on, last_verified_on, event_kind, event_on,
     due_on, due_reason, computed_at)
SELECT household_id, village_id, last_visited_on, last_verified_on, event_kind, event_on,
       due_on, due_reason, %s FROM freshness_stage
ON CONFLICT (household_id) DO UPDATE SET
    village_id = EXCLUDED.village_id, last_visited_on = EXCLUDED.last_visited_on,
    last_verified_on = EXCLUDED.last_verified_on, event_kind = EXCLUDED.event_kind,
    event_on = EXCLUDED.event_on, due_on = EXCLUDED.due_on, due_reason = EXCLUDED.due_reason,
    computed_at = EXCLUDED.computed_at
"""


def _rules() -> Rules:
    year = today().year
    # Registrations and verifications go back decades in an old registry; cut-offs
    # matter from the oldest check to two years past the newest, generously.
    return rules_from_settings(1990, year + settings.PILAR_FRESHNESS_MONTHS // 12 + 3)


def _event(died, moved, disaster) -> tuple[str, datetime.date | None]:
    options = [
        (d, k)
        for d, k in (
            (died, EventKind.DEATH),
            (moved, EventKind.MOVE),
            (disaster, EventKind.DISASTER),
        )
        if d
    ]
    if not options:
        return "", None
    day, kind = max(options)
    return kind, day


def _rows(cursor, rules: Rules) -> Iterable[tuple]:
    for hid, village, registered, visited, verified, died, moved, disaster in cursor:
        kind, event_on = _event(died, moved, disaster)
        due = rules.next_visit(
            last_verified=verified, last_visited=visited, registered=registered, event_on=event_on
        )
        checked = max((d for d in (verified, visited) if d), default=registered)
        if event_on is not None and event_on <= checked:
            # An event the last visit already saw calls for nothing more.
            kind, event_on = "", None
        yield (hid, village, visited, verified, kind, event_on, due.on, due.reason)


@transaction.atomic
def refresh(household_ids: list[int] | None = None) -> int:
    """Recompute the rows of `household_ids` (all active households when None); rows
    of households no longer active are removed. Returns the number of rows written."""
    rules = _rules()
    params: dict = {
        "tz": settings.TIME_ZONE,
        "visited": [str(s) for s in VISITED],
        "disaster": DISASTER_TYPES,
    }
    where = ""
    if household_ids is not None:
        if not household_ids:
            return 0
        where = "AND h.id = ANY(%(ids)s)"
        params["ids"] = list(household_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS freshness_stage ("
            "household_id bigint, village_id varchar(13), last_visited_on date, "
            "last_verified_on date, event_kind varchar(10), event_on date, due_on date, "
            "due_reason varchar(15)) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE freshness_stage")
        cursor.execute(GATHER.format(where=where), params)
        rows = list(_rows(cursor.fetchall(), rules))
        with cursor.copy(
            "COPY freshness_stage (household_id, village_id, last_visited_on, last_verified_on, "
            "event_kind, event_on, due_on, due_reason) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(UPSERT, [timezone.now()])
        if household_ids is None:
            cursor.execute(
                "DELETE FROM freshness_householdfreshness f WHERE NOT EXISTS ("
                "SELECT 1 FROM registry_household h WHERE h.id = f.household_id AND h.is_active)"
            )
            # Every row was rewritten: fresh statistics, or the planner reads the due list
            # of a kelurahan with the old distribution of due dates (benchmarks/RESULTS.md).
            cursor.execute("ANALYZE freshness_householdfreshness")
        else:
            cursor.execute(
                "DELETE FROM freshness_householdfreshness f USING registry_household h "
                "WHERE h.id = f.household_id AND NOT h.is_active AND h.id = ANY(%s)",
                [list(household_ids)],
            )
    return len(rows)


def refresh_all() -> int:
    """The nightly full refresh, then VACUUM: every row was rewritten, and without a
    fresh visibility map counting a kelurahan's due visits reads the table's pages
    instead of the index alone."""
    n = refresh()
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) freshness_householdfreshness")
    return n


def record_verification(household_ids: list[int], day: datetime.date) -> int:
    """Set a verification date the registry learned elsewhere (an import from DTSEN, the
    office's own records), then recompute. An earlier date never replaces a later one."""
    refresh(list(household_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE freshness_householdfreshness SET last_verified_on = %s "
            "WHERE household_id = ANY(%s) AND (last_verified_on IS NULL OR last_verified_on < %s)",
            [day, list(household_ids), day],
        )
    return refresh(list(household_ids))
