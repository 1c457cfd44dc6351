"""API: programs (list, read, create, change with quotas), the rule field registry,
rule preview and saving a rule.

Programs and the field registry are reference data (any active user, partners
included). The preview reads people, so it needs a role that sees people's data
and counts only the caller's area (PSM: kelurahan, TKSK: kecamatan). Writing a
program or a rule is for Dinas Sosial and admins (403 for the others).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from pilar.accounts.types import ApiRequest
from pilar.core.api import AUTH_ANY, AUTH_EDIT, AUTH_PEOPLE, ERRORS, paginate
from pilar.programs import actions, rules
from pilar.programs.api.schemas import (
    FieldOut,
    PreviewIn,
    PreviewOut,
    ProgramCreateIn,
    ProgramOut,
    ProgramPage,
    ProgramParams,
    ProgramPatchIn,
    ProgramQuotaIn,
    RuleIn,
)
from pilar.programs.choices import Level
from pilar.programs.filters import ProgramFilter
from pilar.programs.models import Program

router = Router(auth=AUTH_ANY)


def program_out(p: Program) -> dict:
    return {
        **{
            name: getattr(p, name)
            for name in (
                "id",
                "code",
                "name",
                "agency",
                "level",
                "benefit_type",
                "amount",
                "amount_by_level",
                "frequency",
                "year",
                "start_date",
                "end_date",
                "budget",
                "is_national",
                "is_active",
                "rule",
                "description",
                "updated_at",
            )
        },
        "rule_text": rules.describe(p.rule, p.level),
        "quotas": [{"area_code": q.area_code, "quota": q.quota} for q in p.quotas.all()],
    }


@router.get("", response={200: ProgramPage, **ERRORS}, summary="Daftar program")
def list_programs(request: ApiRequest, params: Query[ProgramParams]):
    flt = ProgramFilter.from_params(params.dict())
    items, count = paginate(flt.queryset().prefetch_related("quotas"), params)
    return {"items": [program_out(p) for p in items], "count": count}


@router.get(
    "/fields",
    response={200: list[FieldOut], **ERRORS},
    summary="Daftar kolom aturan kelayakan",
    description="Kolom yang boleh dipakai dalam aturan, dengan tipe, operator dan pilihan.",
)
def list_fields(request: ApiRequest, level: str = ""):
    return rules.registry(level if level in Level.values else None)


@router.post(
    "/preview",
    response={200: PreviewOut, **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Periksa dan pratinjau aturan",
    description=(
        "Memeriksa aturan lalu menghitung berapa keluarga/individu di wilayah kerja "
        "pengguna yang memenuhinya, dengan 20 data pertama (NIK/No. KK disamarkan). "
        "Aturan tidak valid dijawab 422 dengan posisi syarat yang salah."
    ),
)
def preview(request: ApiRequest, body: PreviewIn):
    return actions.preview(
        user=request.auth, level=body.level, rule=body.rule, reference_date=body.reference_date
    )


@router.get("/{int:program_id}", response={200: ProgramOut, **ERRORS}, summary="Detail program")
def read_program(request: ApiRequest, program_id: int):
    return program_out(get_object_or_404(Program, pk=program_id))


@router.put(
    "/{int:program_id}/rule",
    response={200: ProgramOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Simpan aturan kelayakan",
    description="Hanya Dinas Sosial dan admin. Aturan tidak valid: 422, tidak ada yang disimpan.",
)
def save_rule(request: ApiRequest, program_id: int, body: RuleIn):
    program = get_object_or_404(Program, pk=program_id)
    return program_out(actions.save_rule(program, acting_user=request.auth, rule=body.rule))


def _quota_pairs(quotas: list[ProgramQuotaIn] | None) -> list[tuple[str, int]] | None:
    return None if quotas is None else [(q.area_code.strip(), q.quota) for q in quotas]


@router.post(
    "",
    response={201: ProgramOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Buat program",
    description=(
        "Dinas Sosial dan admin (lainnya 403). Isian sama dengan formulir program, ditambah "
        "aturan kelayakan dan kuota per wilayah. Isian salah: 422, tidak ada yang disimpan."
    ),
)
def create_program(request: ApiRequest, body: ProgramCreateIn):
    data = body.dict(exclude={"rule", "quotas"})
    program = actions.create_program(
        acting_user=request.auth, data=data, rule=body.rule, quotas=_quota_pairs(body.quotas)
    )
    return Status(201, program_out(program))


@router.patch(
    "/{int:program_id}",
    response={200: ProgramOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Ubah program (termasuk kuota)",
    description=(
        "Dinas Sosial dan admin. Hanya kolom yang dikirim yang diubah; `quotas` menggantikan "
        "semua kuota. Isian salah: 422, program tetap seperti semula."
    ),
)
def update_program(request: ApiRequest, program_id: int, body: ProgramPatchIn):
    program = get_object_or_404(Program, pk=program_id)
    given = body.dict(exclude_unset=True)
    rule = given.pop("rule", None)
    given.pop("quotas", None)
    program = actions.update_program(
        program,
        acting_user=request.auth,
        data=given,
        rule=rule,
        quotas=_quota_pairs(body.quotas) if "quotas" in body.model_fields_set else None,
    )
    return program_out(program)
