"""One filter definition for PPKS record lists, used by pages, the API and exports
(mirrors pilar.registry.filters.HouseholdFilter)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from pilar.accounts.scope import Action
from pilar.core.filtering import FilterMixin, area_params, filter_area, int_or_none
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord
from pilar.registry.models import Household, Person
from pilar.registry.search import id_number, person_name_q, search_households

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# Values of the `validated` parameter and their labels on the list page.
VALIDATED_CHOICES = {"ya": "Tervalidasi", "tidak": "Belum divalidasi"}


@dataclass
class PpksRecordFilter(FilterMixin):
    q: str = ""  # NIK, No. KK or name (the person's, or a household member's)
    ppks_type: int | None = None  # PPKS number 1-26
    status: str = ""  # aktif / selesai
    kecamatan: str = ""  # district code, e.g. 36.71.01
    kelurahan: str = ""  # village code, e.g. 36.71.01.1001
    validated: str = ""  # "ya": validated by Dinas Sosial, "tidak": not yet

    @classmethod
    def from_params(cls, params: Mapping) -> PpksRecordFilter:
        status = str(params.get("status") or "")
        validated = str(params.get("validated") or "").strip().lower()
        return cls(
            q=str(params.get("q") or params.get("search") or "").strip()[:100],
            ppks_type=int_or_none(params.get("ppks_type")),
            status=status if status in RecordStatus.values else "",
            validated=validated if validated in VALIDATED_CHOICES else "",
            **area_params(params),
        )

    def apply(self, qs: QuerySet[PpksRecord]) -> QuerySet[PpksRecord]:
        if self.ppks_type:
            qs = qs.filter(ppks_type__number=self.ppks_type)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.validated:
            qs = qs.filter(validated_at__isnull=self.validated == "tidak")
        qs = filter_area(qs, "household__village", self.kecamatan, self.kelurahan)
        if self.q:
            qs = search_records(qs, self.q)
        return qs


def search_records(qs: QuerySet[PpksRecord], q: str) -> QuerySet[PpksRecord]:
    """A person's record matches on the person's NIK or name; a household's record on
    its No. KK, a member's NIK or name, or its address (registry search rules)."""

    q = " ".join(q.split())
    number = id_number(q)
    persons = Person.objects.filter(is_active=True)
    persons = persons.filter(nik=number) if number else persons.filter(person_name_q(q))
    households = search_households(Household.objects.all(), q).values("id")
    return qs.filter(
        Q(person_id__in=persons.values("id")) | Q(person__isnull=True, household_id__in=households)
    )


def ppks_records_for(
    user: User, flt: PpksRecordFilter, action: Action = "view"
) -> QuerySet[PpksRecord]:
    """The PPKS records a user sees: area-scoped, restricted health types hidden from
    roles without health-data access (by `restrict`), newest first."""
    qs = PpksRecord.objects.restrict(user, action)
    return (
        flt.apply(qs)
        .select_related("ppks_type", "person", "household__village__district")
        .order_by("-id")
    )
