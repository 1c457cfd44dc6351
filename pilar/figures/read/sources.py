"""Which figures a month reads: the kept figures (current month) or a frozen snapshot."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from pilar.core.dates import today
from pilar.figures import refresh, snapshots
from pilar.figures.choices import SnapshotMethod
from pilar.figures.models import Snapshot

# Which figures a month reads -----------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a month's figures come from: the kept figures (`berjalan`), a frozen
    snapshot (`beku`) or a backfilled one (`susulan`, with `note`)."""

    month: datetime.date
    kind: str
    as_of: datetime.date
    snapshot_id: int | None = None
    note: str = ""
    # Changes whenever the figures behind this source change (a cache key part).
    version: str = ""

    @property
    def label(self) -> str:
        when = f"{self.as_of.day} {snapshots.MONTHS[self.as_of.month - 1]} {self.as_of.year}"
        if self.kind == "berjalan":
            return f"Angka berjalan per {when}"
        if self.kind == SnapshotMethod.FROZEN:
            return f"Potret {snapshots.month_label(self.month)} (dibekukan, angka per {when})"
        return f"Potret {snapshots.month_label(self.month)} (dihitung susulan dari tanggal catatan)"


def ensure_current() -> tuple[datetime.date, str]:
    """Bring the kept figures up to date before reading them; returns their reference
    date and a version that changes whenever they do (for caches). One query when
    nothing is to do; otherwise the month roll-over (the previous month frozen if cron
    did not), a first rebuild, or the refresh of the kelurahan marked stale."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.as_of, s.refreshed_at, EXISTS (SELECT 1 FROM figures_dirty) "
            "FROM (SELECT 1) one LEFT JOIN LATERAL ("
            "  SELECT as_of, refreshed_at FROM figures_figurestate ORDER BY id LIMIT 1"
            ") s ON true"
        )
        as_of, refreshed_at, dirty = cursor.fetchone()
    if as_of is None:
        state = refresh.rebuild()
        return state.as_of, str(state.refreshed_at)
    if snapshots.first_of(as_of) < snapshots.first_of(today()):
        snapshots.roll_over()
        dirty = True
    if dirty:
        refresh.refresh_dirty()
        fresh = refresh.state()
        if fresh is not None:
            return fresh.as_of, str(fresh.refreshed_at)
    return as_of, str(refreshed_at)


def source(month: datetime.date) -> Source | None:
    """The figures of `month`, or None when there are none (a past month with no
    snapshot, a month before the first data, a future month)."""
    month = snapshots.first_of(month)
    if month == snapshots.first_of(today()):
        as_of, version = ensure_current()
        return Source(month=month, kind="berjalan", as_of=as_of, version=version)
    snap = Snapshot.objects.filter(month=month).first()
    if snap is None:
        return None
    return Source(
        month=month,
        kind=snap.method,
        as_of=snap.as_of,
        snapshot_id=snap.pk,
        note=snap.note,
        version=str(snap.taken_at),
    )


def missing_reason(month: datetime.date) -> str:
    """Why a month has no figures (for an empty chart)."""
    if month > snapshots.first_of(today()):
        return f"Bulan {snapshots.month_label(month)} belum tiba."
    first = snapshots.first_data_month()
    if first is None or month < first:
        return (
            f"Belum ada data untuk {snapshots.month_label(month)}: data pertama tercatat kemudian."
        )
    return (
        f"Belum ada potret untuk {snapshots.month_label(month)}. Dinas Sosial dapat menghitungnya "
        "susulan dengan `pilar figures snapshot --backfill`."
    )


def _snap_q(src: Source) -> Q:
    return Q(snapshot__isnull=True) if src.snapshot_id is None else Q(snapshot_id=src.snapshot_id)
