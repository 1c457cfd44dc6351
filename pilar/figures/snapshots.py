"""Monthly snapshots: a month's figures frozen so that trends are real and a past
month's recap prints the same way again.

- `freeze(month)`: while a month is current, copy the kept figures as its snapshot
  (again and again: cron runs `pilar figures snapshot` daily at 23:55, so the last copy
  of the month is its end-of-month figures). Once the month is over its snapshot is
  never rewritten.
- `roll_over()`: the safety net when cron did not run: the first refresh in a new
  month freezes the previous month from the kept figures if it has no snapshot yet,
  then rebuilds for the new reference date.
- `backfill(month)`: a past month with no snapshot is recomputed from the records' own
  dates (`compute.py` with `at=`), with the figures it cannot recompute left empty and
  `Snapshot.note` saying so.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from pilar.core.dates import today
from pilar.core.errors import InvalidInput
from pilar.figures import compute, refresh
from pilar.figures.choices import SnapshotMethod
from pilar.figures.models import FigureState, Snapshot

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
}

MONTHS = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


def month_label(month: datetime.date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


def first_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def last_of(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous(month: datetime.date) -> datetime.date:
    return first_of(month - datetime.timedelta(days=1))


def _copy_kept(cursor, snapshot_id: int) -> None:
    for table, columns in _TABLES.items():
        cursor.execute(f"DELETE FROM {table} WHERE snapshot_id = %s", [snapshot_id])
        cursor.execute(
            f"INSERT INTO {table} (snapshot_id, {columns}) "
            f"SELECT %s, {columns} FROM {table} WHERE snapshot_id IS NULL",
            [snapshot_id],
        )


def freeze(month: datetime.date | None = None, *, user=None) -> Snapshot:
    """Freeze the kept figures as the current month's (the only month they describe)."""
    current = first_of(today())
    month = first_of(month) if month else current
    if month > current:
        raise InvalidInput({"month": [f"Bulan {month_label(month)} belum tiba."]})
    if month < current:
        raise InvalidInput(
            {
                "month": [
                    f"Bulan {month_label(month)} sudah lewat: angka berjalan bukan angka bulan "
                    "itu. Gunakan --backfill untuk menghitung ulang dari tanggal catatan."
                ]
            }
        )
    refresh.refresh_dirty(wait=True)
    state = refresh.state() or refresh.rebuild()
    return _freeze_kept(month, state, user=user)


def _freeze_kept(month: datetime.date, state: FigureState, *, user=None) -> Snapshot:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [refresh.LOCK_KEY])
        snapshot, _ = Snapshot.objects.update_or_create(
            month=month,
            defaults={
                "method": SnapshotMethod.FROZEN,
                "as_of": state.as_of,
                "taken_at": timezone.now(),
                "taken_by": user,
                "note": "",
            },
        )
        _copy_kept(cursor, snapshot.pk)
    return snapshot


def roll_over() -> Snapshot | None:
    """When the kept figures describe an earlier month than today's: freeze that month
    if it has no snapshot yet (from the figures as last refreshed), then rebuild for
    today. Returns the snapshot made, if any."""
    state = refresh.state()
    if state is None or first_of(state.as_of) >= first_of(today()):
        return None
    made = None
    month = first_of(state.as_of)
    if not Snapshot.objects.filter(month=month).exists():
        made = _freeze_kept(month, state)
    refresh.rebuild()
    return made


def backfill(month: datetime.date, *, user=None) -> Snapshot:
    """Recompute a past month without a snapshot from the records' own dates."""
    month = first_of(month)
    if month >= first_of(today()):
        raise InvalidInput(
            {"month": [f"Bulan {month_label(month)} belum selesai: tidak dapat dihitung susulan."]}
        )
    if Snapshot.objects.filter(month=month).exists():
        raise InvalidInput(
            {"month": [f"Bulan {month_label(month)} sudah memiliki potret; tidak diubah lagi."]}
        )
    end = last_of(month)
    with transaction.atomic(), connection.cursor() as cursor:
        snapshot = Snapshot.objects.create(
            month=month,
            method=SnapshotMethod.BACKFILL,
            as_of=end,
            taken_at=timezone.now(),
            taken_by=user,
            note=compute.BACKFILL_NOTE,
        )
        compute.ppks(cursor, on=end, snapshot_id=snapshot.pk, at=end)
        compute.area(cursor, on=end, snapshot_id=snapshot.pk, at=end)
        compute.programs(cursor, snapshot_id=snapshot.pk, at=end)
    return snapshot


def first_data_month() -> datetime.date | None:
    """The month of the earliest dated record (PPKS found, household registered,
    assessment, report): no figures exist before it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT least(
                (SELECT min(date_found) FROM ppks_ppksrecord),
                (SELECT min(created_at AT TIME ZONE %s)::date
                 FROM registry_household),
                (SELECT min(assessed_on) FROM assessments_povertyassessment),
                (SELECT min(assessed_on) FROM assessments_rtlhassessment))
            """,
            [settings.TIME_ZONE],
        )
        first = cursor.fetchone()[0]
    return first_of(first) if first else None


def backfill_missing(*, user=None, limit_months: int = 60) -> list[Snapshot]:
    """Backfill every past month from the first data (at most `limit_months` back)
    that has no snapshot; months with one are left as they are."""
    first = first_data_month()
    if first is None:
        return []
    current = first_of(today())
    month = previous(current)
    have = set(Snapshot.objects.values_list("month", flat=True))
    made = []
    for _ in range(limit_months):
        if month < first:
            break
        if month not in have:
            made.append(backfill(month, user=user))
        month = previous(month)
    return sorted(made, key=lambda s: s.month)
