"""The "no RTLH left by year X" target: per kecamatan, the RTLH houses remaining
now (households whose latest RTLH assessment found the house uninhabitable), the
renovations under way, the houses handed over per year, the pace of the last 12
months, the houses a year needed to reach zero by the target year, and the year
the current pace reaches zero. Three grouped queries, whatever the city's size.

The pace counts handovers only: houses found RTLH later add to what remains,
houses repaired by their owners leave it when re-assessed.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from pilar.accounts.models import User
from pilar.assessments.models import RtlhAssessment
from pilar.regions.models import District
from pilar.registry.models import Household
from pilar.renovations.choices import OPEN_STATUSES, Status
from pilar.renovations.models import Renovation

YEARS_SHOWN = 5
DAYS_PER_YEAR = 365.25


@dataclass
class TargetRow:
    code: str
    name: str
    remaining: int = 0
    in_progress: int = 0
    by_year: dict[int, int] = field(default_factory=dict)
    last_12_months: int = 0
    still_rtlh_after: int = 0
    # Filled by `project`.
    needed_per_year: int = 0
    zero_year: int | None = None
    on_track: bool = False
    years_late: int = 0

    def project(self, on: datetime.date, target_year: int) -> None:
        """Years to zero at the last 12 months' pace, and the yearly pace the target
        needs (over the time left until 31 December of the target year)."""
        if self.remaining == 0:
            self.zero_year, self.needed_per_year, self.on_track = on.year, 0, True
            return
        left = (datetime.date(target_year, 12, 31) - on).days / DAYS_PER_YEAR
        self.needed_per_year = math.ceil(self.remaining / left) if left > 0 else self.remaining
        if self.last_12_months > 0:
            years = self.remaining / self.last_12_months
            self.zero_year = (on + datetime.timedelta(days=years * DAYS_PER_YEAR)).year
            self.on_track = self.zero_year <= target_year
            self.years_late = max(self.zero_year - target_year, 0)
        else:
            self.zero_year, self.on_track = None, False

    @property
    def years(self) -> list[int]:
        return sorted(self.by_year)


def target_year() -> int:
    return int(settings.PILAR_RTLH_TARGET_YEAR)


def shown_years(on: datetime.date) -> list[int]:
    return list(range(on.year - YEARS_SHOWN + 1, on.year + 1))


def target_rows(user: User, on: datetime.date, year: int) -> tuple[list[TargetRow], TargetRow]:
    """Rows per kecamatan in the user's area (every kecamatan with an active
    household, even with no RTLH) and the total row."""
    households = Household.objects.restrict(user, "view").filter(is_active=True)
    rtlh_ids = (
        RtlhAssessment.objects.latest_per_household().filter(is_rtlh=True).values("household_id")
    )
    rows: dict[str, TargetRow] = {}
    for r in (
        households.values("village__district_id", "village__district__name")
        .annotate(n=Count("pk", filter=Q(pk__in=rtlh_ids)))
        .order_by("village__district__name")
    ):
        code = r["village__district_id"]
        rows[code] = TargetRow(code, r["village__district__name"], remaining=r["n"])

    years = shown_years(on)
    for row in rows.values():
        row.by_year = dict.fromkeys(years, 0)
    renovations = Renovation.objects.restrict(user, "view")
    for r in (
        renovations.filter(status__in=OPEN_STATUSES)
        .values("village__district_id")
        .annotate(n=Count("pk"))
    ):
        _row(rows, r["village__district_id"]).in_progress = r["n"]
    handed = renovations.filter(status=Status.HANDED_OVER)
    for r in (
        handed.filter(handed_over_on__year__gte=years[0], handed_over_on__lte=on)
        .annotate(year=ExtractYear("handed_over_on"))
        .values("village__district_id", "year")
        .annotate(n=Count("pk"))
    ):
        _row(rows, r["village__district_id"]).by_year[r["year"]] = r["n"]
    since = on - datetime.timedelta(days=365)
    for r in (
        handed.filter(handed_over_on__gt=since, handed_over_on__lte=on)
        .values("village__district_id")
        .annotate(n=Count("pk"))
    ):
        _row(rows, r["village__district_id"]).last_12_months = r["n"]
    for r in (
        handed.filter(after_assessment__is_rtlh=True)
        .values("village__district_id")
        .annotate(n=Count("pk"))
    ):
        _row(rows, r["village__district_id"]).still_rtlh_after = r["n"]

    out = [row for row in rows.values() if row.name]
    total = TargetRow("", "Jumlah", by_year=dict.fromkeys(years, 0))
    for row in out:
        row.by_year = {y: row.by_year.get(y, 0) for y in years}
        row.project(on, year)
        total.remaining += row.remaining
        total.in_progress += row.in_progress
        total.last_12_months += row.last_12_months
        total.still_rtlh_after += row.still_rtlh_after
        for y in years:
            total.by_year[y] += row.by_year[y]
    total.project(on, year)
    return out, total


def _row(rows: dict[str, TargetRow], code: str) -> TargetRow:
    """A kecamatan with renovations but no active household left still shows."""
    if code not in rows:
        district = District.objects.filter(pk=code).first()
        rows[code] = TargetRow(code, district.name if district else code)
    return rows[code]
