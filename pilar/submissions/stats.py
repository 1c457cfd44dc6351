"""Turnaround of submissions (field reports): how long verification and validation
take, and what is still waiting, per kecamatan or per kelurahan of one kecamatan.

One grouped SQL query per table (PostgreSQL `percentile_cont` for medians).
Definitions (also on the page and in docs/pengguna/laporan.md):

- *diajukan*: submissions whose latest `submitted_at` falls in the period;
- *median ajukan→verifikasi*: over those submissions that have been verified, days
  from `submitted_at` to `verified_at`; a returned-and-corrected submission counts
  from its latest submission (the time the reviewer had it);
- *median ajukan→validasi*: over those validated, days from `submitted_at` to
  `decided_at`;
- backlog and the oldest wait are "now" figures, not limited to the period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Aggregate,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    Min,
    Q,
    QuerySet,
)
from django.utils import timezone

from pilar.accounts.models import User
from pilar.submissions.choices import Status
from pilar.submissions.models import Submission

DEFAULT_DAYS = 90


class Median(Aggregate):
    """percentile_cont(0.5) WITHIN GROUP (ORDER BY expr) [FILTER (WHERE ...)]."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False


class DaysBetween(Func):
    """Days (fractional) from `start` to `end` of two timestamps."""

    template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
    arg_joiner = " - "
    output_field = FloatField()

    def __init__(self, end, start):
        super().__init__(F(end), F(start))


@dataclass
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def default(cls) -> Period:
        end = timezone.localdate()
        return cls(end - datetime.timedelta(days=DEFAULT_DAYS - 1), end)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        return start, end


def scoped_submissions(user: User) -> QuerySet[Submission]:
    """Submissions of the user's area that left the reporter's hands (drafts are private)."""
    return Submission.objects.restrict(user, "view").exclude(status=Status.DRAFT)


def _aggregates(period: Period, now: datetime.datetime) -> dict:
    start, end = period.bounds()
    in_period = Q(submitted_at__gte=start, submitted_at__lt=end)
    waiting = Q(status__in=[Status.SUBMITTED, Status.VERIFIED])
    return {
        "submitted": Count("pk", filter=in_period),
        "verified": Count("pk", filter=in_period & Q(verified_at__isnull=False)),
        "validated": Count("pk", filter=in_period & Q(status=Status.VALIDATED)),
        "rejected": Count("pk", filter=in_period & Q(status=Status.REJECTED)),
        "median_verify": Median(
            DaysBetween("verified_at", "submitted_at"),
            filter=in_period & Q(verified_at__isnull=False),
        ),
        "median_validate": Median(
            DaysBetween("decided_at", "submitted_at"),
            filter=in_period & Q(status=Status.VALIDATED),
        ),
        "waiting_verification": Count("pk", filter=Q(status=Status.SUBMITTED)),
        "waiting_validation": Count("pk", filter=Q(status=Status.VERIFIED)),
        "oldest_waiting": Min("submitted_at", filter=waiting, output_field=DateTimeField()),
    }


def _finish(row: dict, now: datetime.datetime) -> dict:
    oldest = row.pop("oldest_waiting", None)
    row["oldest_waiting_days"] = (now - oldest).days if oldest else None
    for key in ("median_verify", "median_validate"):
        if row.get(key) is not None:
            row[key] = round(float(row[key]), 1)
    return row


def turnaround(user: User, period: Period, kecamatan: str = "") -> tuple[list[dict], dict]:
    """Rows per kecamatan (or per kelurahan of `kecamatan`) and the total row.
    Only areas with at least one submission (in the period or still waiting) appear."""
    now = timezone.now()
    qs = scoped_submissions(user)
    if kecamatan:
        qs = qs.filter(village__code__startswith=kecamatan + ".")
        keys = {"code": F("village_id"), "name": F("village__name")}
    else:
        keys = {"code": F("village__district_id"), "name": F("village__district__name")}
    aggs = _aggregates(period, now)
    grouped: list[dict[str, Any]] = [
        dict(row) for row in qs.values(**keys).order_by().annotate(**aggs)
    ]
    rows = sorted(
        (
            _finish(row, now)
            for row in grouped
            if row["submitted"] or row["waiting_verification"] or row["waiting_validation"]
        ),
        key=lambda r: (r["name"], r["code"]),
    )
    total = _finish(dict(qs.aggregate(**aggs)), now)
    return rows, total
