"""Programs, trends by month and report turnaround."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, Sum
from django.db.models.expressions import RawSQL

from pilar.accounts.choices import CITY_ROLES
from pilar.core.dates import today
from pilar.figures import snapshots
from pilar.figures.models import (
    AreaFigure,
    PpksFigure,
    ProgramFigure,
    ReportFigure,
    Snapshot,
)
from pilar.figures.read.areas import AREA_MEASURES, available
from pilar.figures.read.scope import Filters, _area_q
from pilar.figures.read.sources import Source, _snap_q, source
from pilar.programs.models import Program

if TYPE_CHECKING:
    from pilar.accounts.models import User


# Programs -----------------------------------------------------------------------------


@dataclass
class ProgramRow:
    program_id: int
    name: str
    period: int
    eligible: int | None
    proposed: int | None
    enrolled: int
    delivered: int
    amount_planned: Decimal
    amount_delivered: Decimal
    budget: Decimal | None  # the program's budget when this is its budget year (city view)


def programs(user: User, flt: Filters, src: Source) -> list[ProgramRow]:
    q = _area_q(user, flt)
    if q is None:
        return []
    qs = ProgramFigure.objects.filter(_snap_q(src)).filter(q)
    if flt.program:
        qs = qs.filter(program_id=flt.program)
    agg = (
        qs.order_by()
        .values("program_id", "period")
        .annotate(
            eligible=Sum("eligible"),
            proposed=Sum("proposed"),
            enrolled=Sum("enrolled"),
            delivered=Sum("delivered"),
            amount_planned=Sum("amount_planned"),
            amount_delivered=Sum("amount_delivered"),
        )
    )
    names = {p.pk: p for p in Program.objects.only("id", "name", "year", "budget")}
    city_view = user.role in CITY_ROLES and not flt.kecamatan and not flt.kelurahan
    out = []
    for a in agg:
        program = names.get(a["program_id"])
        if program is None:
            continue
        budget = program.budget if city_view and program.year in (None, a["period"]) else None
        out.append(
            ProgramRow(
                program_id=program.pk,
                name=program.name,
                period=a["period"],
                eligible=a["eligible"],
                proposed=a["proposed"],
                enrolled=a["enrolled"] or 0,
                delivered=a["delivered"] or 0,
                amount_planned=a["amount_planned"] or Decimal(0),
                amount_delivered=a["amount_delivered"] or Decimal(0),
                budget=budget,
            )
        )
    return sorted(out, key=lambda r: (r.name, -r.period))


# Trends -------------------------------------------------------------------------------


@dataclass
class TrendPoint:
    month: datetime.date
    kind: str  # "berjalan", "beku", "susulan", or "" (no figures for that month)
    ppks: int | None
    hidden: int
    values: dict[str, int | None] = field(default_factory=dict)  # AREA_MEASURES


def _month_list(last: datetime.date, months: int) -> list[datetime.date]:
    out = [last]
    while len(out) < months:
        out.append(snapshots.previous(out[-1]))
    return sorted(out)


def trend(
    user: User, flt: Filters, months: int = 12, current: Source | None = None
) -> list[TrendPoint]:
    """The `months` months up to the chosen one: PPKS (with the filters) and the area
    measures, from the snapshots and, for the current month, the kept figures (pass
    its `current` source if already read). Three queries whatever the months."""
    wanted = _month_list(flt.month, months)
    this_month = snapshots.first_of(today())
    sources: dict[datetime.date, Source] = {}
    for snap in Snapshot.objects.filter(month__in=wanted):
        sources[snap.month] = Source(
            month=snap.month,
            kind=snap.method,
            as_of=snap.as_of,
            snapshot_id=snap.pk,
            note=snap.note,
        )
    if this_month in wanted:
        src_now = current if current is not None else source(this_month)
        if src_now is not None:
            sources[this_month] = src_now
    area = _area_q(user, flt)
    by_snapshot = {src.snapshot_id: src for src in sources.values()}
    which = Q(snapshot_id__in=[i for i in by_snapshot if i is not None])
    if None in by_snapshot:
        which |= Q(snapshot__isnull=True)
    ppks_sums: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    area_sums: dict[int | None, dict] = {}
    if area is not None and by_snapshot:
        qs = PpksFigure.objects.filter(which, area)
        if flt.ppks_type:
            qs = qs.filter(ppks_type__number=flt.ppks_type)
        if flt.sex:
            qs = qs.filter(sex=flt.sex)
        if flt.age_group:
            qs = qs.filter(age_group=flt.age_group)
        for snap_id, restricted, n in (
            qs.order_by()
            .values("snapshot_id", "ppks_type__is_restricted")
            .annotate(s=Sum("n"))
            .values_list("snapshot_id", "ppks_type__is_restricted", "s")
        ):
            hides = restricted and not user.can_see_health_data
            ppks_sums[snap_id][1 if hides else 0] += n or 0
        simple = [m for m in AREA_MEASURES if m != "desil_1_4"]
        for row in (
            AreaFigure.objects.filter(which, area)
            .order_by()
            .values("snapshot_id")
            .annotate(
                desil_1_4=Sum(RawSQL("desil[1] + desil[2] + desil[3] + desil[4]", [])),
                **{m: Sum(m) for m in simple},
            )
        ):
            sums_row: dict = dict(row)
            area_sums[sums_row.pop("snapshot_id")] = sums_row
    points = []
    for month in wanted:
        src = sources.get(month)
        if src is None:
            points.append(TrendPoint(month=month, kind="", ppks=None, hidden=0))
            continue
        visible, hidden_n = ppks_sums.get(src.snapshot_id, [0, 0])
        sums = area_sums.get(src.snapshot_id, {})
        measures: dict[str, int | None] = {
            m: int(sums.get(m) or 0) if available(src, m) else None for m in AREA_MEASURES
        }
        points.append(
            TrendPoint(month=month, kind=src.kind, ppks=visible, hidden=hidden_n, values=measures)
        )
    return points


@dataclass
class TurnaroundPoint:
    month: datetime.date
    submitted: int
    validated: int
    rejected: int
    mean_days: float | None  # from first submission to validation or rejection


def turnaround(user: User, flt: Filters, months: int = 12) -> list[TurnaroundPoint]:
    """Field reports by month: submitted, decided and the mean days to the decision."""
    wanted = _month_list(flt.month, months)
    q = _area_q(user, flt)
    rows: dict[datetime.date, list[float]] = {m: [0, 0, 0, 0.0] for m in wanted}
    if q is not None:
        for r in ReportFigure.objects.filter(q, month__in=wanted):
            acc = rows[r.month]
            acc[0] += r.submitted
            acc[1] += r.validated
            acc[2] += r.rejected
            acc[3] += r.decided_days
    out = []
    for m in wanted:
        sub, val, rej, days = rows[m]
        decided = val + rej
        out.append(
            TurnaroundPoint(
                month=m,
                submitted=int(sub),
                validated=int(val),
                rejected=int(rej),
                mean_days=round(days / decided, 1) if decided else None,
            )
        )
    return out
