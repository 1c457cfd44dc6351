"""Test helpers: the kept figures as comparable sets of rows."""

from __future__ import annotations

from django.db import connection

from pilar.figures import refresh

_TABLES = {
    "figures_ppksfigure": "village_id, ppks_type_id, sex, age_group, n",
    "figures_areafigure": (
        "village_id, households, persons, persons_no_nik, desil, desil_unknown, "
        "poverty_assessed, poverty_poor, fakir_miskin, rtlh_assessed, rtlh, never_visited, "
        "assessments_overdue, duplicates_open, reports_to_verify, reports_to_validate, "
        "reports_returned, visits_overdue"
    ),
    "figures_programfigure": (
        "village_id, program_id, period, eligible, proposed, enrolled, delivered, "
        "amount_planned, amount_delivered"
    ),
    "figures_reportfigure": "village_id, month, submitted, validated, rejected, "
    "round(decided_days::numeric, 6)",
}


def rows(snapshot_id: int | None = None) -> dict[str, list[tuple]]:
    out = {}
    with connection.cursor() as cursor:
        for table, columns in _TABLES.items():
            params: list = []
            if table == "figures_reportfigure":
                where = "true" if snapshot_id is None else "false"
            elif snapshot_id is None:
                where = "snapshot_id IS NULL"
            else:
                where, params = "snapshot_id = %s", [snapshot_id]
            cursor.execute(
                f"SELECT {columns} FROM {table} WHERE {where} ORDER BY 1, 2, 3, 4", params
            )
            # Rows all zero are equivalent to no row (a kelurahan emptied by a move).
            out[table] = sorted(
                tuple(r) for r in cursor.fetchall() if any(v not in (0, None) for v in r[1:])
            )
    return out


def kept_equals_rebuild() -> tuple[dict, dict]:
    """Refresh the stale kelurahan, read the kept figures, rebuild from scratch on the
    same reference date, read again: (kept, rebuilt)."""
    refresh.refresh_dirty(wait=True)
    kept = rows()
    state = refresh.state()
    refresh.rebuild(on=state.as_of if state else None)
    return kept, rows()
