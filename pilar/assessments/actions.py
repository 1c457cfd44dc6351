"""Writes of household assessments. Each call adds one row (assessments are never
overwritten) in a transaction; the result, the threshold in force and the due date
are computed here, never taken from the caller.

`assess_rtlh_from_survey` is called when a housing-survey report (`survei_rumah`)
is validated, so every validated survey gives an RTLH result.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from pilar.accounts.scope import village_allowed
from pilar.assessments import criteria as cr
from pilar.assessments.access import MSG_NOT_ASSESSOR, may_assess
from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.core.dates import EARLIEST_RECORD, parse_date, today
from pilar.core.errors import ErrorCollector, NotAllowed
from pilar.core.text import check_text
from pilar.registry.choices import Education, LifeStatus, Relation
from pilar.registry.models import Household, HousingSurvey, Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole months; the 31st becomes the month's last day when needed."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def due_date(assessed_on: datetime.date) -> datetime.date:
    return add_months(assessed_on, settings.PILAR_REASSESS_MONTHS)


def poor_threshold() -> int:
    return int(settings.PILAR_POOR_THRESHOLD)


def rtlh_threshold() -> Decimal:
    return Decimal(str(settings.PILAR_RTLH_M2_PER_PERSON))


def _check_writer(household: Household, acting_user: User) -> None:
    if not may_assess(acting_user):
        raise PermissionDenied(MSG_NOT_ASSESSOR)
    if not village_allowed(acting_user, household.village_id, "view"):
        raise NotAllowed


def _assessed_on(errors: ErrorCollector, value: Any) -> datetime.date | None:
    day = parse_date(errors, "assessed_on", value, "Tanggal asesmen")
    if day is None and "assessed_on" not in errors:
        day = today()
    if day is not None and day > today():
        errors.add("assessed_on", "Tanggal asesmen tidak boleh di masa depan.")
    elif day is not None and day < EARLIEST_RECORD:
        # Pages as well as the API (whose schema says the same): no assessment is
        # older than the office's records.
        errors.add(
            "assessed_on", f"Tanggal asesmen tidak boleh sebelum {EARLIEST_RECORD:%d-%m-%Y}."
        )
    return day


# Pre-fill of the poverty checklist ----------------------------------------------


@dataclass
class Prefill:
    """Values of criteria 1-7 and 13 proposed from data, and where they came from."""

    values: dict[str, bool] = field(default_factory=dict)
    survey: HousingSurvey | None = None
    head: Person | None = None
    sources: dict[str, str] = field(default_factory=dict)  # code -> Indonesian note


def latest_survey(household: Household, on: datetime.date | None = None) -> HousingSurvey | None:
    qs = HousingSurvey.objects.filter(household=household)
    if on is not None:
        qs = qs.filter(surveyed_on__lte=on)
    return qs.order_by("-surveyed_on", "-id").first()


def household_head(household: Household) -> Person | None:
    return (
        Person.objects.filter(
            household=household,
            relation=Relation.HEAD,
            is_active=True,
            life_status=LifeStatus.ALIVE,
        )
        .order_by("id")
        .first()
    )


def prefill_poverty(household: Household, on: datetime.date | None = None) -> Prefill:
    """Criteria 1-7 from the latest housing survey (on or before `on`) and 13 from
    the head's education, where that data exists; the assessor confirms them."""
    result = Prefill()
    survey = latest_survey(household, on)
    if survey is not None:
        result.survey = survey
        note = f"survei rumah {survey.surveyed_on:%d-%m-%Y}"
        for code, value in cr.poverty_from_survey(survey).items():
            result.values[code] = value
            result.sources[code] = note
    head = household_head(household)
    if head is not None and head.education:
        result.head = head
        result.values["low_education"] = head.education in cr.LOW_EDUCATION
        result.sources["low_education"] = (
            f"pendidikan kepala keluarga: {Education(head.education).label}"
        )
    return result


# Poverty assessment ------------------------------------------------------------


def _criteria_values(errors: ErrorCollector, criteria: Mapping[str, Any]) -> dict[str, bool | None]:
    unknown = sorted(set(criteria) - set(cr.POVERTY_CODES))
    if unknown:
        errors.add("criteria", f"Kriteria tidak dikenal: {', '.join(unknown)}.")
    values: dict[str, bool | None] = {}
    for code in cr.POVERTY_CODES:
        value = criteria.get(code)
        if value is None or isinstance(value, bool):
            values[code] = value
        else:
            errors.add(f"criteria.{code}", "Harus berupa true atau false.")
    return values


def create_poverty_assessment(
    household: Household,
    *,
    acting_user: User,
    assessed_on: Any = None,
    criteria: Mapping[str, Any],
    notes: str = "",
    source_report: Any = None,
) -> PovertyAssessment:
    """Record one application of the 14 criteria. A criterion left out (None) takes
    its pre-filled value where data exists, else "no". Poor when the count met
    reaches PILAR_POOR_THRESHOLD (the threshold is stored with the result)."""
    _check_writer(household, acting_user)
    errors = ErrorCollector()
    if not household.is_active:
        errors.add("__all__", "Keluarga ini tidak aktif; asesmen tidak dapat dicatat.")
    day = _assessed_on(errors, assessed_on)
    given = _criteria_values(errors, criteria)
    report = None
    if source_report not in (None, ""):
        report_id = getattr(source_report, "pk", source_report)
        # The household's own field reports, through the reverse relation pilar.submissions
        # declares (submissions validates surveys through this app: it sits above it).
        report = (
            household.submissions.filter(pk=report_id).first() if str(report_id).isdigit() else None
        )
        if report is None:
            errors.add("source_report", "Laporan tidak ditemukan untuk keluarga ini.")
    notes = check_text(errors, "notes", notes, max_length=2000, multiline=True)
    errors.raise_if_any()
    assert day is not None

    prefill = prefill_poverty(household, day)
    values = {
        code: bool(prefill.values.get(code, False)) if value is None else value
        for code, value in given.items()
    }
    met = cr.count_met(values)
    threshold = poor_threshold()
    with transaction.atomic():
        return PovertyAssessment.objects.create(
            household=household,
            assessed_on=day,
            assessor=acting_user,
            source_report=report,
            survey=prefill.survey,
            prefilled=[c for c in cr.POVERTY_CODES if c in prefill.values],
            criteria_met=met,
            threshold=threshold,
            is_poor=met >= threshold,
            due_on=due_date(day),
            notes=notes,
            **values,
        )


# RTLH assessment ---------------------------------------------------------------


def create_rtlh_assessment(
    survey: HousingSurvey, *, acting_user: User, assessed_on: Any = None, notes: str = ""
) -> RtlhAssessment:
    """Assess the surveyed house against the Permensos 20/2017 criteria with the m²
    threshold in force (stored with the result)."""
    household = survey.household
    _check_writer(household, acting_user)
    errors = ErrorCollector()
    if not household.is_active:
        errors.add("__all__", "Keluarga ini tidak aktif; asesmen tidak dapat dicatat.")
    day = _assessed_on(errors, assessed_on)
    if day is not None and day < survey.surveyed_on:
        errors.add("assessed_on", "Tanggal asesmen tidak boleh sebelum tanggal survei rumah.")
    notes = check_text(errors, "notes", notes, max_length=2000, multiline=True)
    errors.raise_if_any()
    assert day is not None
    threshold = rtlh_threshold()
    failed = cr.rtlh_failed(survey, threshold)
    with transaction.atomic():
        return RtlhAssessment.objects.create(
            household=household,
            assessed_on=day,
            assessor=acting_user,
            survey=survey,
            failed=failed,
            area_per_person=cr.area_per_person(survey),
            m2_threshold=threshold,
            is_rtlh=bool(failed),
            due_on=due_date(day),
            notes=notes,
        )


def assess_rtlh_from_survey(survey: HousingSurvey, *, acting_user: User) -> RtlhAssessment:
    """The RTLH assessment of a newly validated housing survey, dated on the visit.
    Idempotent: a survey already assessed returns its (latest) assessment."""
    _check_writer(survey.household, acting_user)
    existing = RtlhAssessment.objects.filter(survey=survey).order_by("-id").first()
    if existing is not None:
        return existing
    return create_rtlh_assessment(survey, acting_user=acting_user, assessed_on=survey.surveyed_on)
