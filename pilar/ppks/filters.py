"""One filter definition for PPKS record lists, used by pages, the API and exports
(mirrors pilar.registry.filters.HouseholdFilter)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from pilar.accounts.scope import Action
from pilar.core.dates import today
from pilar.core.filtering import FilterMixin, area_params, filter_area, int_or_none
from pilar.ppks.choices import AGE_GROUP_BOUNDS, AgeGroup, RecordStatus
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
    sex: str = ""  # L / P: the person's (household-level records have none)
    age_group: str = ""  # AgeGroup value: the person's age today

    @classmethod
    def from_params(cls, params: Mapping) -> PpksRecordFilter:
        status = str(params.get("status") or "")
        validated = str(params.get("validated") or "").strip().lower()
        sex = str(params.get("jenis_kelamin") or "").strip().upper()
        age_group = str(params.get("kelompok_usia") or "").strip()
        return cls(
            q=str(params.get("q") or params.get("search") or "").strip()[:100],
            ppks_type=int_or_none(params.get("ppks_type")),
            status=status if status in RecordStatus.values else "",
            validated=validated if validated in VALIDATED_CHOICES else "",
            **area_params(params),
            sex=sex if sex in ("L", "P") else "",
            age_group=age_group if age_group in AgeGroup.values and age_group else "",
        )

    def apply(self, qs: QuerySet[PpksRecord]) -> QuerySet[PpksRecord]:
        if self.ppks_type:
            qs = qs.filter(ppks_type__number=self.ppks_type)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.validated:
            qs = qs.filter(validated_at__isnull=self.validated == "tidak")
        qs = filter_area(qs, "household__village", self.kecamatan, self.kelurahan)
        if self.sex:
            qs = qs.filter(person__sex=self.sex)
        if self.age_group:
            qs = qs.filter(_age_group_q(self.age_group, today()))
        if self.q:
            qs = search_records(qs, self.q)
        return qs

    @property
    def person_labels(self) -> list[str]:
        """The sex and age-group filters in words (set from the dashboard's links)."""
        labels = []
        if self.sex:
            labels.append("laki-laki" if self.sex == "L" else "perempuan")
        if self.age_group:
            labels.append(AgeGroup(self.age_group).label)
        return labels


def _age_group_q(group: str, on: datetime.date) -> Q:
    """Records of persons whose age on `on` falls in `group` (birth-date bounds, so the
    index on birth_date serves)."""
    if group == AgeGroup.UNKNOWN:
        return Q(person__isnull=False, person__birth_date__isnull=True)
    low, high = AGE_GROUP_BOUNDS[AgeGroup(group)]
    q = Q(person__birth_date__lte=_years_before(on, low))
    if high is not None:
        q &= Q(person__birth_date__gt=_years_before(on, high + 1))
    return q


def _years_before(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


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
