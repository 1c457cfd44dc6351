"""One filter definition for Bedah Rumah lists: the page, the API and the export
read the same parameters and get the same rows. Also the "siap dimulai" queue:
approved enrollments of house-renovation programs with no renovation yet."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Round

from pilar.accounts.models import User
from pilar.assessments.models import RtlhAssessment
from pilar.core.filtering import FilterMixin, area_params, filter_area, int_or_none
from pilar.programs.choices import BenefitType, EnrollmentStatus
from pilar.programs.models import Enrollment
from pilar.registry.choices import Relation
from pilar.registry.models import Household, HousingSurvey, Person
from pilar.registry.search import search_households
from pilar.renovations.choices import OPEN_STATUSES, Mode, Status
from pilar.renovations.models import CostItem, Renovation

# Pseudo-status "berjalan": planning or work, i.e. not handed over nor cancelled.
OPEN = "berjalan"
STATUS_CHOICES = {OPEN: "Berjalan (perencanaan/pelaksanaan)", **dict(Status.choices)}

# Handover years outside this range are not years anyone means.
FIRST_YEAR = 2000
LAST_YEAR = 2100


@dataclass
class RenovationFilter(FilterMixin):
    q: str = ""  # name of a household member, No. KK or a member's NIK, address
    status: str = ""  # a Status value, or "berjalan"
    mode: str = ""  # kontraktor / swakelola
    kecamatan: str = ""  # district code, e.g. 36.71.01
    kelurahan: str = ""  # village code, e.g. 36.71.01.1001
    program: int | None = None  # program id
    year: int | None = None  # handover year

    @classmethod
    def from_params(cls, params: Mapping) -> RenovationFilter:
        """Unknown values are dropped (a page link with a stale value still works);
        the API refuses them before calling this (see `invalid_params`)."""
        status = str(params.get("status") or "").strip()
        mode = str(params.get("mode") or "").strip()
        year = int_or_none(params.get("year"))
        return cls(
            q=" ".join(str(params.get("q") or "").split())[:100],
            status=status if status in STATUS_CHOICES else "",
            mode=mode if mode in Mode.values else "",
            program=int_or_none(params.get("program")),
            year=year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None,
            **area_params(params),
        )

    def is_filtered(self) -> bool:
        return bool(self.as_dict())

    def apply(self, qs: QuerySet[Renovation]) -> QuerySet[Renovation]:
        if self.status == OPEN:
            qs = qs.filter(status__in=OPEN_STATUSES)
        elif self.status:
            qs = qs.filter(status=self.status)
        if self.mode:
            qs = qs.filter(mode=self.mode)
        if self.program:
            qs = qs.filter(enrollment__program_id=self.program)
        if self.year:
            # A range, not __year, so the handover-date index serves it.
            qs = qs.filter(
                handed_over_on__gte=datetime.date(self.year, 1, 1),
                handed_over_on__lt=datetime.date(self.year + 1, 1, 1),
            )
        qs = filter_area(qs, "village", self.kecamatan, self.kelurahan)
        if self.q:
            qs = qs.filter(household_id__in=_households_matching(self.q))
        return qs


def invalid_params(params: Mapping) -> dict[str, list[str]]:
    """Errors for values `from_params` would silently drop (for the API, where a
    typo must not quietly mean "no filter")."""
    errors: dict[str, list[str]] = {}
    status = str(params.get("status") or "").strip()
    if status and status not in STATUS_CHOICES:
        errors["status"] = [f"Status tidak dikenal. Pilihan: {', '.join(STATUS_CHOICES)}."]
    mode = str(params.get("mode") or "").strip()
    if mode and mode not in Mode.values:
        errors["mode"] = [f"Cara pelaksanaan tidak dikenal. Pilihan: {', '.join(Mode.values)}."]
    year = params.get("year")
    if year not in (None, "") and not (FIRST_YEAR <= (int_or_none(year) or 0) <= LAST_YEAR):
        errors["year"] = [f"Tahun serah terima harus antara {FIRST_YEAR} dan {LAST_YEAR}."]
    return errors


def _households_matching(q: str):
    """Household ids by the registry's search rules: No. KK or a member's NIK (16
    digits), a member's name (the head's included; typo-tolerant), or the address."""
    return search_households(Household.objects.all(), q).values("id")


def head_name_subquery(household_path: str = "household_id") -> Subquery:
    """The name of the household's head (the first active one), for list rows."""
    return Subquery(
        Person.objects.filter(
            household_id=OuterRef(household_path), relation=Relation.HEAD, is_active=True
        )
        .order_by("id")
        .values("name")[:1]
    )


def planned_total_subquery() -> Subquery:
    """The RAB total of each renovation, summed in the database (one query per page,
    not one per row). Each line is rounded to the cent first, like `CostItem.total`
    (PostgreSQL rounds an exact half-cent up where Python rounds it to even: a
    cent apart at most, and only for such lines)."""
    line = Round(
        ExpressionWrapper(
            F("quantity") * F("unit_price"),
            output_field=DecimalField(max_digits=24, decimal_places=4),
        ),
        2,
    )
    return Subquery(
        CostItem.objects.filter(renovation_id=OuterRef("pk"))
        .order_by()
        .values("renovation_id")
        .annotate(rab_total=Sum(line))
        .values("rab_total"),
        output_field=DecimalField(max_digits=24, decimal_places=2),
    )


def renovations_for(user: User, flt: RenovationFilter) -> QuerySet[Renovation]:
    """Renovations the user sees (area-scoped), filtered, newest first, with what a
    list row shows: the household head's name (`head_name`) and the RAB total
    (`planned_total`, None without a plan)."""
    return (
        flt.apply(Renovation.objects.restrict(user, "view"))
        .select_related("household", "village__district", "enrollment__program")
        .annotate(head_name=head_name_subquery(), planned_total=planned_total_subquery())
        .order_by("-id")
    )


def ready_for(user: User, flt: RenovationFilter | None = None):
    """The "siap dimulai" queue: approved enrollments of house-renovation programs in
    the user's area with no renovation yet (a cancelled one still counts: an
    enrollment is renovated once), highest priority first. Of `flt` only q, the
    area and the program apply. Each row carries `head_name`, `surveyed_on` (the
    latest housing survey; none means the house must be surveyed before opening)
    and `is_rtlh` (the latest RTLH verdict, None when never assessed)."""
    flt = flt or RenovationFilter()
    qs = Enrollment.objects.restrict(user, "view").filter(
        program__benefit_type=BenefitType.HOUSE_RENOVATION,
        status=EnrollmentStatus.APPROVED,
        renovation__isnull=True,
    )
    if flt.program:
        qs = qs.filter(program_id=flt.program)
    qs = filter_area(qs, "village", flt.kecamatan, flt.kelurahan)
    if flt.q:
        qs = qs.filter(household_id__in=_households_matching(flt.q))
    latest_survey = HousingSurvey.objects.filter(household_id=OuterRef("household_id")).order_by(
        "-surveyed_on", "-id"
    )
    latest_rtlh = RtlhAssessment.objects.filter(household_id=OuterRef("household_id")).order_by(
        "-assessed_on", "-id"
    )
    return (
        qs.select_related("program", "household", "village__district")
        .annotate(
            head_name=head_name_subquery(),
            surveyed_on=Subquery(latest_survey.values("surveyed_on")[:1]),
            is_rtlh=Subquery(latest_rtlh.values("is_rtlh")[:1]),
        )
        .order_by("-priority_total", "pk")
    )
