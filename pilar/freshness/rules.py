"""When a household must be visited again (decisions.md, "Data freshness").

- **Verified or visited** (the later of the two is the household's last check):
  due 24 months later (UU 13/2011 art. 8: verification at least every two years),
  brought forward to the last national update cut-off (DTSEN, quarterly) that falls
  after the check and on or before those 24 months, so the update sent at that
  cut-off already carries the new visit instead of data about to expire.
- **Never checked** (imported or registered without a visit): due at the first
  cut-off after registration, so the next national update does not carry
  unverified data.
- **An event after the last check** (a member died or moved, a disaster record):
  due within PILAR_FRESHNESS_EVENT_DAYS of it, if that is earlier.

Cut-offs are settings (PILAR_DTSEN_CUTOFFS): `MM-DD` recurs every year,
`YYYY-MM-DD` is one date. Pure functions; no database.
"""

from __future__ import annotations

import bisect
import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pilar.freshness.choices import DueReason, VisitState


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole months; the 29th–31st fall back to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_cutoffs(items: Iterable[str]) -> tuple[list[tuple[int, int]], list[datetime.date]]:
    """(recurring month-days, single dates) from the setting; ValueError names a bad item."""
    recurring: list[tuple[int, int]] = []
    single: list[datetime.date] = []
    for raw in items:
        text = raw.strip()
        if not text:
            continue
        try:
            if len(text) == 5:
                month, day = (int(x) for x in text.split("-"))
                datetime.date(2024, month, day)  # 02-29 allowed: a leap year checks it
                recurring.append((month, day))
            else:
                single.append(datetime.date.fromisoformat(text))
        except ValueError:
            raise ValueError(f"PILAR_DTSEN_CUTOFFS: '{text}' bukan MM-DD atau YYYY-MM-DD") from None
    return recurring, single


def cutoff_dates(items: Iterable[str], first_year: int, last_year: int) -> list[datetime.date]:
    """Every cut-off between the two years, sorted."""
    recurring, single = parse_cutoffs(items)
    days = set(d for d in single if first_year <= d.year <= last_year)
    for year in range(first_year, last_year + 1):
        for month, day in recurring:
            last = calendar.monthrange(year, month)[1]
            days.add(datetime.date(year, month, min(day, last)))
    return sorted(days)


@dataclass(frozen=True)
class Due:
    on: datetime.date
    reason: str


@dataclass(frozen=True)
class Rules:
    months: int
    cutoffs: Sequence[datetime.date]
    event_days: int

    def _last_cutoff_in(self, after: datetime.date, until: datetime.date) -> datetime.date | None:
        i = bisect.bisect_right(self.cutoffs, until)
        if i and self.cutoffs[i - 1] > after:
            return self.cutoffs[i - 1]
        return None

    def _first_cutoff_after(self, day: datetime.date) -> datetime.date | None:
        i = bisect.bisect_right(self.cutoffs, day)
        return self.cutoffs[i] if i < len(self.cutoffs) else None

    def next_visit(
        self,
        *,
        last_verified: datetime.date | None,
        last_visited: datetime.date | None,
        registered: datetime.date,
        event_on: datetime.date | None = None,
    ) -> Due:
        checked = max((d for d in (last_verified, last_visited) if d is not None), default=None)
        if checked is None:
            first = self._first_cutoff_after(registered)
            due = (
                Due(first, DueReason.NEVER)
                if first
                else Due(add_months(registered, self.months), DueReason.NEVER)
            )
            base = registered
        else:
            limit = add_months(checked, self.months)
            cutoff = self._last_cutoff_in(checked, limit)
            due = (
                Due(cutoff, DueReason.CUTOFF)
                if cutoff and cutoff < limit
                else Due(limit, DueReason.TWO_YEARS)
            )
            base = checked
        if event_on is not None and event_on > base:
            soon = event_on + datetime.timedelta(days=self.event_days)
            if soon < due.on:
                due = Due(soon, DueReason.EVENT)
        return due


def rules_from_settings(first_year: int, last_year: int) -> Rules:
    from django.conf import settings  # noqa: PLC0415 - keeps this module usable without Django

    return Rules(
        months=settings.PILAR_FRESHNESS_MONTHS,
        cutoffs=cutoff_dates(settings.PILAR_DTSEN_CUTOFFS, first_year, last_year),
        event_days=settings.PILAR_FRESHNESS_EVENT_DAYS,
    )


def state(due_on: datetime.date, today: datetime.date, soon_days: int) -> str:
    if due_on < today:
        return VisitState.OVERDUE
    if due_on <= today + datetime.timedelta(days=soon_days):
        return VisitState.DUE
    return VisitState.FRESH
