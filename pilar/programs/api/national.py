"""API: recording participation in a national program from the centre's data."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router

from pilar.accounts.types import ApiRequest
from pilar.core.api import AUTH_EDIT, ERRORS
from pilar.programs.api.schemas import NationalParticipationIn, NationalParticipationOut
from pilar.programs.models import Program
from pilar.programs.national import record_participation

router = Router()


@router.post(
    "/{int:program_id}/participants",
    response={200: NationalParticipationOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Catat kepesertaan program nasional dari data pusat",
    description=(
        "Dinas Sosial dan admin. Nomor yang cocok (aktif, di wilayah kerja) dicatat sebagai "
        "peserta periode itu; yang sudah tercatat, tidak ditemukan atau salah format "
        "dikembalikan tanpa disimpan. Program bukan nasional: 422."
    ),
)
def record_national_participation(
    request: ApiRequest, program_id: int, payload: NationalParticipationIn
):
    program = get_object_or_404(Program, pk=program_id)
    return record_participation(
        program,
        acting_user=request.auth,
        numbers="\n".join(payload.numbers),
        period=payload.period,
        source=payload.source,
    )
