"""API of case handling: list and read cases; open, assign, assess, plan, record
results and visits, close. Same actions and scoping as the pages: cases come
through `Case.objects.restrict(user, "view")` (404 outside the area), a role that
may not take a step gets 403."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from pilar.accounts.types import ApiRequest
from pilar.cases import actions
from pilar.cases.filters import CaseFilter, cases_for
from pilar.cases.models import Case, Intervention
from pilar.cases.schemas import (
    AssessIn,
    AssignIn,
    CaseDetailOut,
    CaseOpenIn,
    CasePage,
    CaseParams,
    CloseIn,
    InterventionIn,
    InterventionOut,
    ResultIn,
    VisitIn,
    VisitOut,
)
from pilar.core.api import AUTH_EDIT, AUTH_PEOPLE, ERRORS, check_filter_codes, paginate
from pilar.core.errors import InvalidInput
from pilar.ppks.models import PpksRecord
from pilar.programs.models import Enrollment, Program
from pilar.regions.deployment import normalize_code

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

router = Router(auth=AUTH_PEOPLE)

CASE_RELATED = ("record__ppks_type", "record__person", "record__household", "assigned_to")


def _name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.username


def case_out(case: Case) -> dict:
    record = case.record
    return {
        "id": case.pk,
        "record_id": record.pk,
        "ppks_type": record.ppks_type.number,
        "ppks_type_name": record.ppks_type.name,
        "person_id": record.person_id,
        "person_name": record.person.name if record.person is not None else None,
        "household_id": record.household_id,
        "kelurahan": record.household.village_id,
        "status": case.status,
        "intake_date": case.intake_date,
        "intake_source": case.intake_source,
        "intake_notes": case.intake_notes,
        "needs": list(case.needs),
        "assessment_notes": case.assessment_notes,
        "assigned_to_id": case.assigned_to_id,
        "assigned_to_name": _name(case.assigned_to),
        "followup_days": case.followup_days,
        "next_due": case.next_due,
        "overdue": case.is_overdue,
        "outcome": case.outcome,
        "closed_on": case.closed_on,
        "closure_note": case.closure_note,
    }


def intervention_out(item: Intervention) -> dict:
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "target": item.target_label,
        "program_id": item.program_id,
        "enrollment_id": item.enrollment_id,
        "planned_date": item.planned_date,
        "status": item.status,
        "done_on": item.done_on,
        "result_note": item.result_note,
    }


def detail_out(case: Case) -> dict:
    out = case_out(case)
    out["interventions"] = [
        intervention_out(i) for i in case.interventions.select_related("program")
    ]
    out["visits"] = [
        {
            "id": v.pk,
            "visited_on": v.visited_on,
            "visitor": _name(v.visitor),
            "notes": v.notes,
            "latitude": float(v.latitude) if v.latitude is not None else None,
            "longitude": float(v.longitude) if v.longitude is not None else None,
        }
        for v in case.visits.select_related("visitor")
    ]
    out["steps"] = [
        {
            "action": s.action,
            "action_label": s.get_action_display(),
            "actor": _name(s.actor),
            "at": s.at,
            "note": s.note,
        }
        for s in case.steps.select_related("actor")
    ]
    return out


def _case(request: ApiRequest, case_id: int) -> Case:
    return get_object_or_404(
        Case.objects.restrict(request.auth, "view").select_related(*CASE_RELATED), pk=case_id
    )


def _manager_case(request: ApiRequest, case_id: int) -> Case:
    case = _case(request, case_id)
    if not actions.may_manage(request.auth):
        raise PermissionDenied(actions.MSG_MANAGER)
    return case


def _worker_case(request: ApiRequest, case_id: int) -> Case:
    case = _case(request, case_id)
    if not actions.may_work_on(request.auth, case):
        raise PermissionDenied(actions.MSG_WORKER)
    return case


def _worker(record: PpksRecord, user_id: int | None, field: str):
    """The worker named in the body, looked up among those who may work a case of
    `record`: an unknown id, a user of another area or role, and one who may not see
    the record's health data all get the same 422 (pattern 9)."""
    if user_id is None:
        return None
    user = actions.find_worker(record, user_id)
    if user is None:
        raise InvalidInput({field: [actions.MSG_NO_WORKER]})
    return user


@router.get("", response={200: CasePage, **ERRORS}, summary="Daftar penanganan")
def list_cases(request: ApiRequest, params: Query[CaseParams]):
    kelurahan = normalize_code(params.kelurahan)
    kecamatan = normalize_code(params.kecamatan)[:8]
    check_filter_codes(params, {"kelurahan": kelurahan, "kecamatan": kecamatan})
    flt = CaseFilter.from_params(
        {
            "status": params.status,
            "outcome": params.outcome.value if params.outcome else "",
            "overdue": "1" if params.overdue else "",
            "kecamatan": kecamatan,
            "kelurahan": kelurahan,
            "worker": params.worker,
            "ppks_type": params.ppks_type,
            "q": params.q,
        }
    )
    items, count = paginate(cases_for(request.auth, flt), params)
    return {"items": [case_out(c) for c in items], "count": count}


@router.get("/{case_id}", response={200: CaseDetailOut, **ERRORS}, summary="Satu penanganan")
def get_case(request: ApiRequest, case_id: int):
    return detail_out(_case(request, case_id))


@router.post("", response={201: CaseDetailOut, **ERRORS}, auth=AUTH_EDIT, summary="Buka penanganan")
def open_case(request: ApiRequest, payload: CaseOpenIn):
    """Dinas Sosial/admin. One open case per active PPKS record."""
    user = request.auth
    record = get_object_or_404(
        PpksRecord.objects.restrict(user, "view").select_related("household", "ppks_type"),
        pk=payload.record_id,
    )
    if not actions.may_manage(user):
        raise PermissionDenied(actions.MSG_MANAGER)
    case = actions.open_case(
        record,
        acting_user=user,
        intake_date=payload.intake_date,
        source=payload.intake_source.value,
        notes=payload.intake_notes,
        assigned_to=_worker(record, payload.assigned_to_id, "assigned_to_id"),
        followup_days=payload.followup_days,
        override_basis=payload.override_basis,
        override_reason=payload.override_reason,
    )
    case = Case.objects.select_related(*CASE_RELATED).get(pk=case.pk)
    return Status(201, detail_out(case))


@router.post(
    "/{case_id}/assign",
    response={200: CaseDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Tugaskan petugas",
)
def assign_case(request: ApiRequest, case_id: int, payload: AssignIn):
    case = _manager_case(request, case_id)
    worker = _worker(case.record, payload.worker_id, "worker_id")
    try:
        actions.assign_case(
            case,
            acting_user=request.auth,
            worker=worker,
            note=payload.note,
            override_basis=payload.override_basis,
            override_reason=payload.override_reason,
        )
    except InvalidInput as exc:
        raise InvalidInput(
            {("worker_id" if k == "assigned_to" else k): v for k, v in exc.errors.items()}
        ) from None
    return detail_out(_case(request, case_id))


@router.post(
    "/{case_id}/assess",
    response={200: CaseDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Asesmen kebutuhan",
)
def assess_case(request: ApiRequest, case_id: int, payload: AssessIn):
    case = _worker_case(request, case_id)
    actions.assess_case(
        case,
        acting_user=request.auth,
        needs=[n.value for n in payload.needs],
        notes=payload.assessment_notes,
        assessed_on=payload.assessed_on,
    )
    return detail_out(_case(request, case_id))


@router.post(
    "/{case_id}/interventions",
    response={201: InterventionOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Tambah rencana intervensi",
)
def add_intervention(request: ApiRequest, case_id: int, payload: InterventionIn):
    case = _worker_case(request, case_id)

    program = None
    if payload.program_id is not None:
        program = Program.objects.filter(pk=payload.program_id, is_active=True).first()
        if program is None:
            raise InvalidInput({"program_id": ["Program tidak ditemukan."]})
    enrollment = None
    if payload.enrollment_id is not None:
        enrollment = (
            Enrollment.objects.restrict(request.auth, "view")
            .filter(pk=payload.enrollment_id)
            .first()
        )
        if enrollment is None:
            raise InvalidInput({"enrollment_id": ["Kepesertaan tidak ditemukan."]})
    item = actions.add_intervention(
        case,
        acting_user=request.auth,
        kind=payload.kind.value,
        target=payload.target,
        program=program,
        enrollment=enrollment,
        planned_date=payload.planned_date,
    )
    return Status(201, intervention_out(item))


@router.post(
    "/{case_id}/interventions/{item_id}/result",
    response={200: InterventionOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Catat hasil intervensi",
)
def intervention_result(request: ApiRequest, case_id: int, item_id: int, payload: ResultIn):
    case = _worker_case(request, case_id)
    item = get_object_or_404(Intervention.objects.select_related("program"), pk=item_id, case=case)
    item = actions.record_intervention_result(
        item,
        acting_user=request.auth,
        status=str(payload.status),
        result_note=payload.result_note,
        done_on=payload.done_on,
    )
    return intervention_out(item)


@router.post(
    "/{case_id}/visits",
    response={201: VisitOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Catat kunjungan",
)
def record_visit(request: ApiRequest, case_id: int, payload: VisitIn):
    """Moves the case's next due date to the latest visit + the follow-up interval."""
    case = _worker_case(request, case_id)
    visit = actions.record_visit(
        case,
        acting_user=request.auth,
        visited_on=payload.visited_on,
        notes=payload.notes,
        latitude=payload.latitude,
        longitude=payload.longitude,
    )
    return Status(
        201,
        {
            "id": visit.pk,
            "visited_on": visit.visited_on,
            "visitor": _name(visit.visitor),
            "notes": visit.notes,
            "latitude": float(visit.latitude) if visit.latitude is not None else None,
            "longitude": float(visit.longitude) if visit.longitude is not None else None,
        },
    )


@router.post(
    "/{case_id}/close",
    response={200: CaseDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Tutup penanganan",
)
def close_case(request: ApiRequest, case_id: int, payload: CloseIn):
    """Dinas Sosial/admin. Outcomes terentaskan, meninggal and pindah also end the PPKS
    record (reason derived from the outcome)."""
    case = _manager_case(request, case_id)
    actions.close_case(
        case,
        acting_user=request.auth,
        outcome=payload.outcome.value,
        closed_on=payload.closed_on,
        note=payload.closure_note,
    )
    return detail_out(_case(request, case_id))
