"""Consistency watch: active PPKS records of persons who no longer fit the rules of
their PPKS type today (a child of Anak Terlantar who turned 19, a Lanjut Usia record
after a birth date was corrected to under 60, a PRSE record of a man).

Computed in one SQL query from PpksType.min_age / max_age / sex and the person's
birth date, sex and life status, so it scales with the index, not with a loop over
records. Read-only: acting on a row is the PPKS pages' job (edit the person, end
the record).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from pilar.core.filtering import FilterMixin, area_params, filter_area, int_or_none
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord
from pilar.registry.choices import LifeStatus, Sex

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# Kinds of problem (the `masalah` filter) and their labels.
PROBLEMS = {
    "usia": "Usia di luar ketentuan",
    "tanggal_lahir": "Tanggal lahir kosong",
    "jenis_kelamin": "Jenis kelamin tidak sesuai",
    "status": "Meninggal/pindah",
}


class AgeYears(Func):
    """Whole years between a birth date and a day, in SQL (PostgreSQL AGE):
    the same result as pilar.core.dates.age_on."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::integer"
    output_field = IntegerField()


def _age_on(on: datetime.date) -> AgeYears:
    return AgeYears(Value(on, output_field=DateField()), F("person__birth_date"))


def _flag(q: Q) -> ExpressionWrapper:
    return ExpressionWrapper(q, output_field=BooleanField())


def annotate_problems(qs: QuerySet[PpksRecord], on: datetime.date) -> QuerySet[PpksRecord]:
    """Adds `age_now` and one boolean per problem; rows keep only when one holds."""
    has_age_rule = Q(ppks_type__min_age__isnull=False) | Q(ppks_type__max_age__isnull=False)
    qs = qs.annotate(
        age_now=Case(
            When(person__birth_date__isnull=False, then=_age_on(on)),
            default=None,
            output_field=IntegerField(),
        )
    )
    return qs.annotate(
        too_young=_flag(Q(ppks_type__min_age__isnull=False, age_now__lt=F("ppks_type__min_age"))),
        too_old=_flag(Q(ppks_type__max_age__isnull=False, age_now__gt=F("ppks_type__max_age"))),
        no_birth_date=_flag(has_age_rule & Q(person__birth_date__isnull=True)),
        wrong_sex=_flag(~Q(ppks_type__sex="") & ~Q(person__sex=F("ppks_type__sex"))),
        not_alive=_flag(~Q(person__life_status=LifeStatus.ALIVE)),
    )


PROBLEM_FILTERS = {
    "usia": Q(too_young=True) | Q(too_old=True),
    "tanggal_lahir": Q(no_birth_date=True),
    "jenis_kelamin": Q(wrong_sex=True),
    "status": Q(not_alive=True),
}


def inconsistent_records(qs: QuerySet[PpksRecord], on: datetime.date) -> QuerySet[PpksRecord]:
    """Active person-level records (of `qs`, already scoped) that break a rule on `on`."""
    qs = qs.filter(status=RecordStatus.ACTIVE, person__isnull=False)
    qs = annotate_problems(qs, on)
    any_problem = Q()
    for q in PROBLEM_FILTERS.values():
        any_problem |= q
    return qs.filter(any_problem)


def reasons(record) -> list[str]:
    """The annotated problems of one row, in words (Indonesian)."""
    t = record.ppks_type
    person = record.person
    out = []
    if record.too_old or record.too_young:
        out.append(
            f"Usia sekarang {record.age_now} tahun; {t.name} hanya untuk {t.age_rule_label}."
        )
    if record.no_birth_date:
        out.append(f"Tanggal lahir belum diisi; {t.name} hanya untuk {t.age_rule_label}.")
    if record.wrong_sex:
        need = Sex(t.sex).label.lower()
        have = Sex(person.sex).label.lower() if person.sex in Sex.values else person.sex
        out.append(f"Jenis kelamin tercatat {have}; {t.name} hanya untuk {need}.")
    if record.not_alive:
        out.append(
            f"Individu berstatus {person.get_life_status_display().lower()}; data PPKS masih aktif."
        )
    return out


@dataclass
class ConsistencyFilter(FilterMixin):
    """One filter for the page, the API and the export."""

    kecamatan: str = ""
    kelurahan: str = ""
    ppks_type: int | None = None
    masalah: str = ""  # a key of PROBLEMS

    @classmethod
    def from_params(cls, params: Mapping) -> ConsistencyFilter:
        masalah = str(params.get("masalah") or "")
        return cls(
            ppks_type=int_or_none(params.get("ppks_type")),
            masalah=masalah if masalah in PROBLEMS else "",
            **area_params(params),
        )

    def apply(self, qs: QuerySet[PpksRecord]) -> QuerySet[PpksRecord]:
        if self.ppks_type:
            qs = qs.filter(ppks_type__number=self.ppks_type)
        qs = filter_area(qs, "household__village", self.kecamatan, self.kelurahan)
        if self.masalah:
            qs = qs.filter(PROBLEM_FILTERS[self.masalah])
        return qs


def consistency_for(user: User, flt: ConsistencyFilter, on: datetime.date) -> QuerySet[PpksRecord]:
    """The watch list a user sees: PPKS scope (area, restricted health types hidden)."""
    qs = inconsistent_records(PpksRecord.objects.restrict(user, "view"), on)
    return (
        flt.apply(qs)
        .select_related("ppks_type", "person", "household__village__district")
        .order_by("household__village__district_id", "household__village_id", "-id")
    )
