"""One filter definition for case lists: the page, the API and the export."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet

from pilar.cases.choices import CaseStatus, Outcome
from pilar.cases.models import Case
from pilar.cases.querysets import overdue_q
from pilar.core.filtering import FilterMixin, area_params, filter_area, int_or_none
from pilar.ppks.filters import search_records
from pilar.ppks.models import PpksRecord

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# Pseudo-status "terbuka": every status but closed.
OPEN = "terbuka"


@dataclass
class CaseFilter(FilterMixin):
    q: str = ""  # name or NIK of the person, No. KK of the household
    status: str = ""  # a CaseStatus value, or "terbuka"
    outcome: str = ""
    overdue: bool = False
    kecamatan: str = ""
    kelurahan: str = ""
    worker: int | None = None  # assigned user id
    ppks_type: int | None = None  # PPKS number 1-26

    @classmethod
    def from_params(cls, params: Mapping) -> CaseFilter:
        status = str(params.get("status") or "")
        outcome = str(params.get("outcome") or "")
        overdue = str(params.get("overdue") or "").lower() in ("1", "ya", "true", "on")
        return cls(
            q=str(params.get("q") or "").strip()[:100],
            status=status if status in (*CaseStatus.values, OPEN) else "",
            outcome=outcome if outcome in Outcome.values else "",
            overdue=overdue,
            worker=int_or_none(params.get("worker")),
            ppks_type=int_or_none(params.get("ppks_type")),
            **area_params(params),
        )

    def as_dict(self) -> dict:
        return {k: v for k, v in super().as_dict().items() if v is not False}

    def apply(self, qs: QuerySet[Case]) -> QuerySet[Case]:
        if self.status == OPEN:
            qs = qs.exclude(status=CaseStatus.CLOSED)
        elif self.status:
            qs = qs.filter(status=self.status)
        if self.outcome:
            qs = qs.filter(outcome=self.outcome)
        if self.overdue:
            qs = qs.filter(overdue_q())
        if self.worker:
            qs = qs.filter(assigned_to_id=self.worker)
        if self.ppks_type:
            qs = qs.filter(record__ppks_type__number=self.ppks_type)
        qs = filter_area(qs, "record__household__village", self.kecamatan, self.kelurahan)
        if self.q:
            records = search_records(PpksRecord.objects.all(), self.q).values("id")
            qs = qs.filter(Q(record_id__in=records))
        return qs


def cases_for(user: User, flt: CaseFilter) -> QuerySet[Case]:
    """Cases a user sees (area-scoped, health types hidden), filtered, overdue first."""
    return (
        flt.apply(Case.objects.restrict(user, "view"))
        .select_related(
            "record__ppks_type",
            "record__person",
            "record__household__village__district",
            "assigned_to",
        )
        .order_by(F("closed_on").desc(nulls_first=True), "next_due", "-id")
    )
