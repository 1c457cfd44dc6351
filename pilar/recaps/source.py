"""Where the recaps read their figures: the summary tables of pilar.figures, never
the registry. Which rows a month reads is `pilar.figures.read.source`'s choice (the
current month: the kept figures, refreshed first; a past month: its frozen snapshot,
so its recap prints the same after any new write); "the same month a year earlier"
is that month's snapshot (None when there is none). The recaps need finer cuts than
read's (type × sex × kecamatan, every kelurahan row), so they read the same tables
here, within an area `periods.resolve_area` already checked against the user.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min, Q, Sum

from pilar.core.errors import InvalidInput
from pilar.figures import read
from pilar.figures.models import AreaFigure, PpksFigure, ProgramFigure, Snapshot


@dataclass(frozen=True)
class Source:
    """The figures of one month: `snapshot_id` None means the kept (current) figures."""

    month: datetime.date
    snapshot_id: int | None
    as_of: datetime.date
    label: str = ""
    note: str = ""  # what a backfilled month could not recompute

    def q(self) -> Q:
        """Rows of these figures in a figure table."""
        if self.snapshot_id is None:
            return Q(snapshot__isnull=True)
        return Q(snapshot_id=self.snapshot_id)


def first_month() -> datetime.date | None:
    return Snapshot.objects.aggregate(first=Min("month"))["first"]


def _wrap(src: read.Source) -> Source:
    return Source(
        month=src.month,
        snapshot_id=src.snapshot_id,
        as_of=src.as_of,
        label=src.label,
        note=src.note,
    )


def for_month(month: datetime.date) -> Source:
    """The figures of `month` as pilar.figures.read chooses them (the current month:
    the kept figures, brought up to date first; a past month: its snapshot). A month
    without figures is refused with read's reason."""
    src = read.source(month)
    if src is None:
        raise InvalidInput(
            {"bulan": [read.missing_reason(month)]}, message="Angka bulan itu belum tersedia."
        )
    return _wrap(src)


def year_earlier(month: datetime.date) -> Source | None:
    src = read.source(datetime.date(month.year - 1, month.month, 1))
    return _wrap(src) if src is not None else None


def hidden_text(n: int) -> str:
    """How a total says what restricted records it leaves out (read.Hidden's words:
    below 5 only "kurang dari 5", so a small area cannot single anyone out)."""
    return read.Hidden(n).text


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
