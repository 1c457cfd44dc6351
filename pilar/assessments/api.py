"""API: household assessments (poverty, RTLH), the overdue list and the consistency
watch. Mounted at /assessments.

Reads go through `restrict(user, "view")` like the pages (out-of-area = 404);
writes are for Dinas Sosial and admins (others: 403) and go through
pilar.assessments.actions.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from pilar.accounts.types import ApiRequest
from pilar.assessments import actions
from pilar.assessments import criteria as cr
from pilar.assessments.consistency import ConsistencyFilter, consistency_for, reasons
from pilar.assessments.filters import OverdueFilter, overdue_households_for
from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.assessments.schemas import (
    ConsistencyPage,
    ConsistencyParams,
    CriteriaOut,
    HouseholdAssessmentsOut,
    OverduePage,
    OverdueParams,
    PovertyIn,
    PovertyOut,
    RtlhIn,
    RtlhOut,
)
from pilar.core.api import AUTH_PEOPLE, ERRORS, check_filter_codes, paginate
from pilar.core.dates import today
from pilar.core.errors import InvalidInput
from pilar.regions.deployment import normalize_code
from pilar.registry.models import Household, HousingSurvey

router = Router(auth=AUTH_PEOPLE)


def poverty_out(a: PovertyAssessment) -> dict:
    return {
        "id": a.pk,
        "household_id": a.household_id,
        "assessed_on": a.assessed_on,
        "assessor": a.assessor.username if a.assessor else None,
        "source_report_id": a.source_report_id,
        "survey_id": a.survey_id,
        "criteria": a.values(),
        "criteria_met_labels": [c.label for c in a.met_criteria],
        "prefilled": list(a.prefilled),
        "criteria_met": a.criteria_met,
        "threshold": a.threshold,
        "is_poor": a.is_poor,
        "due_on": a.due_on,
        "notes": a.notes,
        "created_at": a.created_at,
    }


def rtlh_out(a: RtlhAssessment) -> dict:
    return {
        "id": a.pk,
        "household_id": a.household_id,
        "assessed_on": a.assessed_on,
        "assessor": a.assessor.username if a.assessor else None,
        "survey_id": a.survey_id,
        "failed": [{"code": c.code, "label": c.label} for c in a.failed_criteria],
        "area_per_person": a.area_per_person,
        "m2_threshold": a.m2_threshold,
        "is_rtlh": a.is_rtlh,
        "due_on": a.due_on,
        "notes": a.notes,
        "created_at": a.created_at,
    }


def _household(request: ApiRequest, household_id: int) -> Household:
    return get_object_or_404(Household.objects.restrict(request.auth, "view"), pk=household_id)


@router.get("/criteria", response=CriteriaOut, summary="Kriteria asesmen dan ambang batas")
def criteria(request: ApiRequest):
    def items(defs):
        return [{"number": c.number, "code": c.code, "label": c.label} for c in defs]

    return {
        "poverty": items(cr.POVERTY_CRITERIA),
        "rtlh": items(cr.RTLH_CRITERIA),
        "poor_threshold": actions.poor_threshold(),
        "rtlh_m2_per_person": actions.rtlh_threshold(),
        "reassess_months": settings.PILAR_REASSESS_MONTHS,
    }


@router.get(
    "/households/{household_id}",
    response={200: HouseholdAssessmentsOut, **ERRORS},
    summary="Status asesmen keluarga",
)
def household_status(request: ApiRequest, household_id: int):
    """The current (latest) poverty and RTLH assessments, and the national desil as
    received, kept apart."""
    hh = _household(request, household_id)
    poverty = (
        PovertyAssessment.objects.filter(household=hh)
        .select_related("assessor")
        .order_by("-assessed_on", "-id")
        .first()
    )
    rtlh = (
        RtlhAssessment.objects.filter(household=hh)
        .select_related("assessor")
        .order_by("-assessed_on", "-id")
        .first()
    )
    day = today()
    return {
        "household_id": hh.pk,
        "desil": hh.desil,
        "poverty": poverty_out(poverty) if poverty else None,
        "rtlh": rtlh_out(rtlh) if rtlh else None,
        "poverty_overdue": bool(poverty and poverty.due_on < day),
        "rtlh_overdue": bool(rtlh and rtlh.due_on < day),
    }


@router.get(
    "/households/{household_id}/poverty",
    response={200: list[PovertyOut], **ERRORS},
    summary="Riwayat asesmen kemiskinan keluarga",
)
def list_poverty(request: ApiRequest, household_id: int):
    hh = _household(request, household_id)
    qs = PovertyAssessment.objects.filter(household=hh).select_related("assessor")
    return [poverty_out(a) for a in qs.order_by("-assessed_on", "-id")]


@router.post(
    "/households/{household_id}/poverty",
    response={201: PovertyOut, **ERRORS},
    summary="Catat asesmen kemiskinan",
)
def create_poverty(request: ApiRequest, household_id: int, payload: PovertyIn):
    """Dinas Sosial and admins only. The count met, the poor flag (threshold
    PILAR_POOR_THRESHOLD) and the due date are computed."""
    hh = _household(request, household_id)
    assessment = actions.create_poverty_assessment(
        hh,
        acting_user=request.auth,
        assessed_on=payload.assessed_on,
        criteria=payload.criteria,
        notes=payload.notes,
        source_report=payload.source_report_id,
    )
    return Status(201, poverty_out(assessment))


@router.get(
    "/households/{household_id}/rtlh",
    response={200: list[RtlhOut], **ERRORS},
    summary="Riwayat asesmen RTLH keluarga",
)
def list_rtlh(request: ApiRequest, household_id: int):
    hh = _household(request, household_id)
    qs = RtlhAssessment.objects.filter(household=hh).select_related("assessor")
    return [rtlh_out(a) for a in qs.order_by("-assessed_on", "-id")]


@router.post(
    "/households/{household_id}/rtlh",
    response={201: RtlhOut, **ERRORS},
    summary="Catat asesmen RTLH dari survei rumah",
)
def create_rtlh(request: ApiRequest, household_id: int, payload: RtlhIn):
    """Dinas Sosial and admins only. Assesses a housing survey of the household
    (default: its latest) against the Permensos 20/2017 criteria."""
    hh = _household(request, household_id)
    surveys = HousingSurvey.objects.filter(household=hh)
    if payload.survey_id is not None:
        survey = surveys.filter(pk=payload.survey_id).first()
    else:
        survey = surveys.order_by("-surveyed_on", "-id").first()
    if survey is None:
        raise InvalidInput({"survey_id": ["Survei rumah keluarga ini tidak ditemukan."]})
    assessment = actions.create_rtlh_assessment(
        survey, acting_user=request.auth, assessed_on=payload.assessed_on, notes=payload.notes
    )
    return Status(201, rtlh_out(assessment))


@router.get(
    "/poverty/{assessment_id}",
    response={200: PovertyOut, **ERRORS},
    summary="Satu asesmen kemiskinan",
)
def get_poverty(request: ApiRequest, assessment_id: int):
    qs = PovertyAssessment.objects.restrict(request.auth, "view").select_related("assessor")
    return poverty_out(get_object_or_404(qs, pk=assessment_id))


@router.get("/rtlh/{assessment_id}", response={200: RtlhOut, **ERRORS}, summary="Satu asesmen RTLH")
def get_rtlh(request: ApiRequest, assessment_id: int):
    qs = RtlhAssessment.objects.restrict(request.auth, "view").select_related("assessor")
    return rtlh_out(get_object_or_404(qs, pk=assessment_id))


def _area(params) -> dict[str, str]:
    cleaned = {
        "kelurahan": normalize_code(params.kelurahan),
        "kecamatan": normalize_code(params.kecamatan)[:8],
    }
    check_filter_codes(params, cleaned)
    return cleaned


@router.get("/overdue", response={200: OverduePage, **ERRORS}, summary="Asesmen jatuh tempo")
def overdue(request: ApiRequest, params: Query[OverdueParams]):
    """Households whose latest assessment (of the kind, or either) is due before
    today; the same filter as the page and its export."""
    flt = OverdueFilter(jenis=params.jenis or "", **_area(params))
    items, count = paginate(overdue_households_for(request.auth, flt, today()), params)
    return {
        "items": [
            {
                "household_id": h.pk,
                "kelurahan": h.village_id,
                "head_name": h.head_name,
                "address": h.address,
                "desil": h.desil,
                "poverty_assessed_on": h.poverty_on,
                "poverty_due_on": h.poverty_due,
                "is_poor": h.poverty_poor,
                "rtlh_assessed_on": h.rtlh_on,
                "rtlh_due_on": h.rtlh_due,
                "is_rtlh": h.rtlh_is,
            }
            for h in items
        ],
        "count": count,
    }


@router.get(
    "/consistency", response={200: ConsistencyPage, **ERRORS}, summary="Konsistensi data PPKS"
)
def consistency(request: ApiRequest, params: Query[ConsistencyParams]):
    """Active PPKS records whose person no longer fits the type's rules today."""
    flt = ConsistencyFilter(
        ppks_type=params.ppks_type, masalah=params.masalah or "", **_area(params)
    )
    items, count = paginate(consistency_for(request.auth, flt, today()), params)
    return {
        "items": [
            {
                "record_id": r.pk,
                "ppks_type": r.ppks_type.number,
                "ppks_type_name": r.ppks_type.name,
                "person_id": r.person_id,
                "person_name": r.person.name,
                "household_id": r.household_id,
                "kelurahan": r.household.village_id,
                "age_now": r.age_now,
                "reasons": reasons(r),
            }
            for r in items
        ],
        "count": count,
    }
