"""API: a program period's candidate list (generate it from the rule, read it
ranked, add one household or person by hand). The row output is shared with the
enrollment list (an enrollment row is a candidate row plus its outcome)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from pilar.accounts.types import ApiRequest
from pilar.core.api import AUTH_EDIT, AUTH_PEOPLE, ERRORS, paginate
from pilar.core.identity import mask
from pilar.programs import enrollment as en
from pilar.programs import priority
from pilar.programs.api.schemas import (
    CandidateGenerateOut,
    CandidateManualIn,
    CandidateOut,
    CandidatePage,
    CandidateParams,
)
from pilar.programs.heads import household_heads
from pilar.programs.models import Candidate, Enrollment, Program
from pilar.programs.querysets import EnrollmentQuerySet
from pilar.registry.models import Household, Person

router = Router()


def program_rows(
    request: ApiRequest, program: Program, model: type[Candidate] | type[Enrollment], q: str
) -> EnrollmentQuerySet:
    """The program period's rows of `model` (Candidate or Enrollment) in the user's
    area, ranked like the page: highest priority first."""
    return (
        model.objects.restrict(request.auth, "view")
        .filter(program=program, period=en.program_period(program))
        .search(q, masked=not request.auth.can_reveal_ids)
        .select_related("household", "person", "village__district")
        .order_by("-priority_total", "pk")
    )


def _row_out(e: Candidate | Enrollment, heads: dict[int, Person]) -> dict:
    person = e.person or heads.get(e.household_id)
    out = {
        "id": e.pk,
        "program_id": e.program_id,
        "period": e.period,
        "status": e.status,
        "status_label": e.get_status_display(),
        "household_id": e.household_id,
        "person_id": e.person_id,
        "name": person.name if person else "",
        # Always masked, like the enrollment pages and their export.
        "nik": mask(person.nik) if person and person.nik else None,
        "no_kk": mask(e.household.no_kk) if e.household.no_kk else None,
        "kelurahan": e.village.name,
        "kecamatan": e.village.district.name,
        "amount": e.amount,
        "school_level": e.school_level,
        "priority_total": e.priority_total,
        "priority_parts": priority.explain(e.priority_parts),
    }
    if e.status != "kandidat":
        out.update(
            reject_reason=e.reject_reason,
            delivered_on=e.delivered_on,
            delivered_amount=e.delivered_amount,
        )
    return out


def rows_out(rows: list[Candidate] | list[Enrollment]) -> list[dict]:
    heads = household_heads(e.household_id for e in rows if e.person_id is None)
    return [_row_out(e, heads) for e in rows]


@router.post(
    "/{int:program_id}/candidates",
    response={200: CandidateGenerateOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Buat daftar kandidat dari aturan",
    description=(
        "Dinas Sosial dan admin. Mengganti daftar kandidat periode program dengan hasil "
        "aturan kelayakan saat ini (yang sudah diusulkan dan seterusnya tidak tersentuh). "
        "Program tanpa aturan atau program nasional: 422."
    ),
)
def generate_candidates(request: ApiRequest, program_id: int):
    program = get_object_or_404(Program, pk=program_id)
    result = en.generate_candidates(program, acting_user=request.auth)
    return {"count": result["created"], "removed": result["removed"], "period": result["period"]}


@router.get(
    "/{int:program_id}/candidates",
    response={200: CandidatePage, **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Daftar kandidat (berperingkat)",
    description=(
        "Kandidat periode program di wilayah kerja pengguna, skor prioritas tertinggi "
        "lebih dahulu, dengan rincian skor. NIK/No. KK disamarkan."
    ),
)
def list_candidates(request: ApiRequest, program_id: int, params: Query[CandidateParams]):
    program = get_object_or_404(Program, pk=program_id)
    items, count = paginate(program_rows(request, program, Candidate, params.q), params)
    return {"items": rows_out(items), "count": count}


@router.post(
    "/{int:program_id}/candidates/manual",
    response={201: CandidateOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Tambah kandidat secara manual",
    description=(
        "Dinas Sosial dan admin: menambahkan satu keluarga (`household_id`) atau individu "
        "(`person_id`) ke daftar kandidat di luar aturan, dengan skor prioritasnya. "
        "Keluarga/individu di luar wilayah kerja: 404. Sudah terdaftar pada periode: 422."
    ),
)
def add_candidate(request: ApiRequest, program_id: int, body: CandidateManualIn):
    program = get_object_or_404(Program, pk=program_id)
    person = household = None
    # Through the caller's writable scope, active rows only: out of area, merged away
    # and missing all answer the same 404 (the action re-checks).
    if body.person_id is not None:
        person = get_object_or_404(
            Person.objects.restrict(request.auth, "change")
            .filter(is_active=True)
            .select_related("household"),
            pk=body.person_id,
        )
    elif body.household_id is not None:
        household = get_object_or_404(
            Household.objects.restrict(request.auth, "change").filter(is_active=True),
            pk=body.household_id,
        )
    row = en.enroll(
        program,
        acting_user=request.auth,
        household=household,
        person=person,
        override_basis=body.override_basis,
        override_reason=body.override_reason,
    )
    row = program_rows(request, program, type(row), "").get(pk=row.pk)
    return Status(201, rows_out([row])[0])
