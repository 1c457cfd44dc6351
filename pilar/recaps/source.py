"""Where the recaps read their figures: the summary tables of pilar.figures, never
the registry. The current month reads the kept figures (refreshed first); a past
month reads its frozen snapshot, so its recap prints the same after any new write;
"the same month a year earlier" is that month's snapshot (None when there is none).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min, Q, Sum

from pilar.core.dates import today
from pilar.core.errors import InvalidInput
from pilar.core.formatting import month_label
from pilar.figures import refresh
from pilar.figures.models import AreaFigure, PpksFigure, ProgramFigure, Snapshot

CURRENT = "berjalan"


@dataclass(frozen=True)
class Source:
    """The figures of one month: `snapshot` None means the kept (current) figures."""

    month: datetime.date
    snapshot: Snapshot | None
    as_of: datetime.date

    @property
    def snapshot_id(self) -> int | None:
        return self.snapshot.pk if self.snapshot else None

    def q(self) -> Q:
        """Rows of these figures in a figure table."""
        if self.snapshot is None:
            return Q(snapshot__isnull=True)
        return Q(snapshot_id=self.snapshot.pk)

    @property
    def note(self) -> str:
        """What the reader must know about these figures (a backfilled month's gaps)."""
        return self.snapshot.note if self.snapshot else ""


def first_month() -> datetime.date | None:
    return Snapshot.objects.aggregate(first=Min("month"))["first"]


def for_month(month: datetime.date) -> Source:
    """The figures of `month` (a checked month: not in the future, not before the
    first). A past month without a snapshot is refused with a message."""
    current = today().replace(day=1)
    if month >= current:
        refresh.refresh_dirty()
        state = refresh.state() or refresh.rebuild()
        return Source(month=month, snapshot=None, as_of=state.as_of)
    snapshot = Snapshot.objects.filter(month=month).first()
    if snapshot is None:
        raise InvalidInput(
            {
                "bulan": [
                    f"Angka bulan {month_label(month)} belum dibekukan (tidak ada potret "
                    "bulanan). Minta admin menjalankan pilar figures snapshot."
                ]
            },
            message="Angka bulan itu belum tersedia.",
        )
    return Source(month=month, snapshot=snapshot, as_of=snapshot.as_of)


def year_earlier(month: datetime.date) -> Source | None:
    earlier = datetime.date(month.year - 1, month.month, 1)
    snapshot = Snapshot.objects.filter(month=earlier).first()
    if snapshot is None:
        return None
    return Source(month=earlier, snapshot=snapshot, as_of=snapshot.as_of)


def _part(village_id: str, by_district: bool) -> str:
    return village_id[:8] if by_district else village_id


def ppks_counts(src: Source, prefix: str, *, by_district: bool) -> dict[tuple[str, int, str], int]:
    """(kecamatan or kelurahan code, PPKS type id, sex) -> active records; sex "" for
    household- and community-level records."""
    rows = (
        PpksFigure.objects.filter(src.q(), village__code__startswith=prefix)
        .values("village_id", "ppks_type_id", "sex")
        .annotate(n=Sum("n"))
        .order_by()
    )
    out: dict[tuple[str, int, str], int] = defaultdict(int)
    for row in rows:
        out[(_part(row["village_id"], by_district), row["ppks_type_id"], row["sex"])] += row["n"]
    return out


def area_figures(src: Source, prefix: str) -> list[AreaFigure]:
    """One row per kelurahan (population, poverty, RTLH, data quality)."""
    return list(
        AreaFigure.objects.filter(src.q(), village__code__startswith=prefix).order_by("village_id")
    )


def program_figures(src: Source, prefix: str, period: int) -> list[ProgramFigure]:
    return list(
        ProgramFigure.objects.filter(
            src.q(), village__code__startswith=prefix, period=period
        ).order_by("program_id", "village_id")
    )


def desil_1_4(fig: AreaFigure) -> int | None:
    """Households in desil 1-4 of one kelurahan row (None: not known for that month)."""
    desil: list[int] | None = fig.desil  # type: ignore[assignment]
    if desil is None:
        return None
    return int(sum(int(v) for v in desil[:4]))


def total(values) -> int | None:
    """The sum, or None when any value is unknown (a backfilled month's gap)."""
    out = 0
    for value in values:
        if value is None:
            return None
        out += int(value)
    return out
