"""One filter definition for PPKS record lists, used by pages, the API and exports
(mirrors pilar.registry.filters.HouseholdFilter)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import QuerySet

from pilar.accounts.scope import Action
from pilar.core.filtering import FilterMixin, area_params, filter_area, int_or_none
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord


@dataclass
class PpksRecordFilter(FilterMixin):
    ppks_type: int | None = None  # PPKS number 1-26
    status: str = ""  # aktif / selesai
    kecamatan: str = ""  # district code, e.g. 36.71.01
    kelurahan: str = ""  # village code, e.g. 36.71.01.1001

    @classmethod
    def from_params(cls, params: Mapping) -> PpksRecordFilter:
        status = str(params.get("status") or "")
        return cls(
            ppks_type=int_or_none(params.get("ppks_type")),
            status=status if status in RecordStatus.values else "",
            **area_params(params),
        )

    def apply(self, qs: QuerySet[PpksRecord]) -> QuerySet[PpksRecord]:
        if self.ppks_type:
            qs = qs.filter(ppks_type__number=self.ppks_type)
        if self.status:
            qs = qs.filter(status=self.status)
        return filter_area(qs, "household__village", self.kecamatan, self.kelurahan)


def ppks_records_for(user, flt: PpksRecordFilter, action: Action = "view") -> QuerySet[PpksRecord]:
    """The PPKS records a user sees: area-scoped, restricted health types hidden from
    roles without health-data access (by `restrict`), newest first."""
    qs = PpksRecord.objects.restrict(user, action)
    return (
        flt.apply(qs)
        .select_related("ppks_type", "person", "household__village__district")
        .order_by("-id")
    )
