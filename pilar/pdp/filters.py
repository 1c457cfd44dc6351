"""One filter per register list (page and export read the same one)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from pilar.core.filtering import FilterMixin
from pilar.pdp.choices import OPEN_REQUEST, BreachStatus, RequestKind, RequestStatus
from pilar.pdp.clock import at_risk_window
from pilar.pdp.models import Breach, SubjectRequest

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

CLOCKS = ("terlambat", "mendesak")


def _clock_q(value: str) -> Q:
    now = timezone.now()
    if value == "terlambat":
        return Q(due_at__lt=now)
    return Q(due_at__gte=now, due_at__lt=now + at_risk_window())


@dataclass
class RequestFilter(FilterMixin):
    q: str = ""  # requester's or person's name, NIK, or the request number
    kind: str = ""
    status: str = ""  # a RequestStatus value or "terbuka"
    clock: str = ""  # "terlambat" | "mendesak" (open requests only)

    @classmethod
    def from_params(cls, params: Mapping) -> RequestFilter:
        kind = str(params.get("kind") or "")
        status = str(params.get("status") or "")
        clock = str(params.get("clock") or "")
        return cls(
            q=str(params.get("q") or "").strip()[:100],
            kind=kind if kind in RequestKind.values else "",
            status=status if status in (*RequestStatus.values, "terbuka") else "",
            clock=clock if clock in CLOCKS else "",
        )

    def apply(self, qs: QuerySet[SubjectRequest]) -> QuerySet[SubjectRequest]:
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.status == "terbuka":
            qs = qs.filter(status__in=OPEN_REQUEST)
        elif self.status:
            qs = qs.filter(status=self.status)
        if self.clock:
            qs = qs.filter(_clock_q(self.clock), status__in=OPEN_REQUEST)
        if self.q:
            text = self.q.lstrip("#")
            match = (
                Q(requester_name__icontains=self.q)
                | Q(person__name__icontains=self.q)
                | Q(person__nik=self.q)
            )
            if text.isdigit() and len(text) < 10:
                match |= Q(pk=int(text))
            qs = qs.filter(match)
        return qs


def requests_for(user: User, flt: RequestFilter) -> QuerySet[SubjectRequest]:
    """Open requests first, the nearest deadline first."""
    return (
        flt.apply(SubjectRequest.objects.restrict(user))
        .select_related("person__household__village", "handled_by")
        .order_by("closed_at", "due_at", "-pk")
    )


@dataclass
class BreachFilter(FilterMixin):
    q: str = ""
    status: str = ""
    clock: str = ""

    @classmethod
    def from_params(cls, params: Mapping) -> BreachFilter:
        status = str(params.get("status") or "")
        clock = str(params.get("clock") or "")
        return cls(
            q=str(params.get("q") or "").strip()[:100],
            status=status if status in BreachStatus.values else "",
            clock=clock if clock in CLOCKS else "",
        )

    def apply(self, qs: QuerySet[Breach]) -> QuerySet[Breach]:
        if self.status:
            qs = qs.filter(status=self.status)
        if self.clock:
            qs = qs.filter(_clock_q(self.clock), status=BreachStatus.OPEN)
        if self.q:
            qs = qs.filter(
                Q(title__icontains=self.q)
                | Q(description__icontains=self.q)
                | Q(data_categories__icontains=self.q)
            )
        return qs


def breaches_for(user: User, flt: BreachFilter) -> QuerySet[Breach]:
    return flt.apply(Breach.objects.restrict(user)).order_by("closed_at", "due_at", "-pk")
