"""The 3×24-hour clocks of the personal data law: open data-subject requests (art.
30, 32) and breaches not yet notified (art. 46), counted as overdue, at risk (due
within PILAR_PDP_AT_RISK_HOURS) or on time. Shown on the start page of Dinas Sosial
and admins (pilar.web) and on /pdp/."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from pilar.pdp.choices import OPEN_REQUEST, BreachStatus
from pilar.pdp.models import Breach, SubjectRequest
from pilar.pdp.querysets import may_manage

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def at_risk_window() -> datetime.timedelta:
    return datetime.timedelta(hours=int(getattr(settings, "PILAR_PDP_AT_RISK_HOURS", 24)))


def state(due_at: datetime.datetime, done: bool, now: datetime.datetime | None = None) -> str:
    """ "selesai", "terlambat", "mendesak" or "berjalan" for one deadline."""
    if done:
        return "selesai"
    now = now or timezone.now()
    if due_at < now:
        return "terlambat"
    if due_at < now + at_risk_window():
        return "mendesak"
    return "berjalan"


@dataclass
class Clock:
    open: int
    overdue: int
    at_risk: int

    @property
    def on_time(self) -> int:
        return self.open - self.overdue - self.at_risk


@dataclass
class Summary:
    requests: Clock
    breaches: Clock

    @property
    def needs_attention(self) -> bool:
        return bool(self.requests.overdue or self.requests.at_risk) or bool(
            self.breaches.overdue or self.breaches.at_risk
        )


def _clock(qs, now: datetime.datetime) -> Clock:
    row = qs.aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        at_risk=Count("pk", filter=Q(due_at__gte=now, due_at__lt=now + at_risk_window())),
    )
    return Clock(open=row["open"], overdue=row["overdue"], at_risk=row["at_risk"])


def summary(user: User) -> Summary | None:
    """The clocks for `user`, or None for roles that do not keep the registers."""
    if not may_manage(user):
        return None
    now = timezone.now()
    requests = SubjectRequest.objects.restrict(user).filter(status__in=OPEN_REQUEST)
    # A breach's clock stops when both written notices are recorded.
    breaches = Breach.objects.restrict(user).filter(status=BreachStatus.OPEN)
    return Summary(requests=_clock(requests, now), breaches=_clock(breaches, now))
