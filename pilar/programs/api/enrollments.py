"""API: a program period's enrollments (list, propose/approve/reject/complete)
and its quota and budget usage."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from pilar.accounts.types import ApiRequest
from pilar.core.api import AUTH_EDIT, AUTH_PEOPLE, ERRORS, paginate
from pilar.core.errors import InvalidInput
from pilar.programs import enrollment as en
from pilar.programs.api.candidates import program_rows, rows_out
from pilar.programs.api.schemas import (
    EnrollmentActionIn,
    EnrollmentCountOut,
    EnrollmentPage,
    EnrollmentParams,
    ProgramUsageOut,
)
from pilar.programs.models import Enrollment, Program

router = Router()


ENROLLMENT_STATUSES = ("diusulkan", "disetujui", "ditolak", "disalurkan", "selesai")


@router.get(
    "/{int:program_id}/enrollments",
    response={200: EnrollmentPage, **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Daftar kepesertaan (usulan, disetujui, ditolak, disalurkan, selesai)",
    description=(
        "Kepesertaan periode program di wilayah kerja pengguna, skor prioritas tertinggi "
        "lebih dahulu; `status` menyaring satu status. NIK/No. KK disamarkan."
    ),
)
def list_enrollments(request: ApiRequest, program_id: int, params: Query[EnrollmentParams]):
    program = get_object_or_404(Program, pk=program_id)
    if params.status and params.status not in ENROLLMENT_STATUSES:
        raise InvalidInput(
            {"status": [f"Status tidak dikenal. Pilihan: {', '.join(ENROLLMENT_STATUSES)}."]}
        )
    qs = program_rows(request, program, Enrollment, params.q)
    if params.status:
        qs = qs.filter(status=params.status)
    items, count = paginate(qs, params)
    return {"items": rows_out(items), "count": count}


@router.post(
    "/{int:program_id}/enrollments/{action}",
    response={200: EnrollmentCountOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Usulkan, setujui, tolak atau selesaikan kepesertaan",
    description=(
        "Dinas Sosial dan admin. `action`: `propose` (ids = ID kandidat), `approve` (dalam "
        "kuota dan pagu), `reject` (wajib `reason`), `complete` (yang sudah disalurkan). "
        "Semua atau tidak satu pun: bila satu data tidak dapat diproses, 422 dan tidak ada "
        "yang berubah. Jawaban: jumlah data yang diproses."
    ),
)
def enrollment_action(request: ApiRequest, program_id: int, action: str, body: EnrollmentActionIn):
    program = get_object_or_404(Program, pk=program_id)
    user = request.auth
    if action == "propose":
        n = en.propose(program, body.ids, acting_user=user, note=body.note)
    elif action == "approve":
        n = en.approve(program, body.ids, acting_user=user, note=body.note)
    elif action == "reject":
        n = en.reject(program, body.ids, acting_user=user, reason=body.reason)
    elif action == "complete":
        n = en.complete_many(program, body.ids, acting_user=user, note=body.note)
    else:
        raise Http404
    return {"count": n}


@router.get(
    "/{int:program_id}/usage",
    response={200: ProgramUsageOut, **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Pemakaian kuota dan pagu",
    description=(
        "Per wilayah kuota: kuota, terpakai (disetujui, disalurkan, selesai) dan sisa; "
        "pagu: dibayar, terikat, terpakai dan sisa (kosong bila tanpa pagu)."
    ),
)
def program_usage(request: ApiRequest, program_id: int):
    program = get_object_or_404(Program, pk=program_id)
    period = en.program_period(program)
    return {
        "period": period,
        "quotas": en.quota_usage(program, period),
        "budget": en.budget_usage(program, period),
    }
