"""Pending visits per kelurahan frozen at each month's end.

The performance figures (pilar.performance.metrics) count, per worker and month,
the households visited against those due: the visited plus the households of the
worker's area whose visit was due by the month's end and not made since its start
(the "pending"). HouseholdFreshness keeps only each household's current due date and
last visit, so counted later the pending of a past month is an estimate: a household
visited after the month no longer looks pending in it. This module keeps the count
as it was at the month's end (DueMonth, DueMonthVillage):

- `freeze()`: every night (`pilar freshness`, after the refresh) the current month's
  pending per kelurahan is written again (an idempotent upsert), so the month's last
  nightly write describes its end.
- `roll_over()`: the previous month is frozen again from the freshest data by the
  first nightly run or read (the `/kinerja/` page, its export, the API) after it ended,
  when that moment is closer to its end than its last write was: a month cron missed
  entirely, or one whose last write was the morning of its last day (cron at 05:30),
  gets the count of the first morning after it. Once written after its end, a month
  never changes again.
- `pending(month, villages)`: the counts a month's figures use: live for the current
  month, frozen for a past month that has them, and otherwise today's table read for
  that month with `estimate=True` ("perkiraan": months before the first freeze). A
  freeze counted more than a day from the month's end (cron stopped for days, or the
  month before the upgrade that brought this table, frozen by the first read after
  it) no longer drifts but is still an estimate: `estimate=True` too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from pilar.core.dates import today
from pilar.freshness.models import DueMonth, DueMonthVillage
from pilar.freshness.rules import add_months

# A freeze counted this close to the month's end describes its end: the visits made
# in between are few. Further from it, the month's figures are an estimate.
EXACT_WITHIN = datetime.timedelta(days=1)

# pg_advisory_xact_lock key of the writers of DueMonth ("PILARDUE").
LOCK_KEY = 0x50494C4152445545 & 0x7FFFFFFFFFFFFFFF

# Households due by the month's end (`end_day`, exclusive) and not visited since its
# start; `{where}` narrows to some kelurahan.
PENDING = """
SELECT f.village_id, count(*) FROM freshness_householdfreshness f
WHERE f.due_on < %(end_day)s AND (f.last_visited_on IS NULL OR f.last_visited_on < %(start_day)s)
  {where}
GROUP BY 1
"""


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month's first day and the next month's first day."""
    start = month.replace(day=1)
    return start, add_months(start, 1)


def month_end(month: datetime.date) -> datetime.datetime:
    """Midnight ending the month in the office's time zone."""
    return timezone.make_aware(datetime.datetime.combine(month_bounds(month)[1], datetime.time()))


def _count(cursor, month: datetime.date, villages: list[str] | None = None) -> dict[str, int]:
    start, end = month_bounds(month)
    params: dict = {"start_day": start, "end_day": end}
    where = ""
    if villages is not None:
        where = "AND f.village_id = ANY(%(villages)s)"
        params["villages"] = villages
    cursor.execute(PENDING.format(where=where), params)
    return {village: n for village, n in cursor.fetchall()}


def _write(month: datetime.date) -> DueMonth:
    """Count the month's pending from the table as it is now and store it (replacing
    what the month held). The caller holds the lock."""
    month = month.replace(day=1)
    with connection.cursor() as cursor:
        counts = _count(cursor, month)
    row, _ = DueMonth.objects.update_or_create(month=month, defaults={"taken_at": timezone.now()})
    DueMonthVillage.objects.filter(month=row).delete()
    DueMonthVillage.objects.bulk_create(
        DueMonthVillage(month=row, village_id=village, pending=n) for village, n in counts.items()
    )
    return row


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


@transaction.atomic
def freeze() -> DueMonth:
    """Write the current month's pending per kelurahan (nightly; again and again)."""
    _lock()
    return _write(today().replace(day=1))


@transaction.atomic
def roll_over() -> DueMonth | None:
    """Freeze the previous month again if now is closer to its end than its last write
    (or it has none). Returns the month written, if any."""
    current = today().replace(day=1)
    previous = add_months(current, -1)
    end = month_end(previous)
    now = timezone.now()
    last = DueMonth.objects.filter(month=previous).values_list("taken_at", flat=True).first()
    if last is not None and (last >= end or end - last <= now - end):
        return None
    _lock()
    # Another writer may have frozen it while this one waited for the lock.
    last = DueMonth.objects.filter(month=previous).values_list("taken_at", flat=True).first()
    if last is not None and (last >= end or end - last <= now - end):
        return None
    return _write(previous)


@dataclass
class Pending:
    """A month's pending visits per kelurahan code; `estimate`: a past month not frozen,
    read from today's table (visits made after the month hide its pending)."""

    by_village: dict[str, int]
    estimate: bool = False
    taken_at: datetime.datetime | None = None


def pending(month: datetime.date, villages: list[str]) -> Pending:
    """The pending visits of `villages` at the end of `month` (see the module)."""
    month = month.replace(day=1)
    if month < today().replace(day=1):
        roll_over()
        frozen = DueMonth.objects.filter(month=month).first()
        if frozen is not None:
            counts = dict(
                DueMonthVillage.objects.filter(month=frozen, village_id__in=villages).values_list(
                    "village_id", "pending"
                )
            )
            late = abs(frozen.taken_at - month_end(month)) > EXACT_WITHIN
            return Pending(counts, estimate=late, taken_at=frozen.taken_at)
        estimate = True
    else:
        estimate = False
    if not villages:
        return Pending({}, estimate=estimate)
    with connection.cursor() as cursor:
        return Pending(_count(cursor, month, villages), estimate=estimate)
