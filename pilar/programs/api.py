"""API: programs, the rule field registry, rule preview and saving a rule.

Programs and the field registry are reference data (any active user, partners
included). The preview reads people, so it needs a role that sees people's data
and counts only the caller's area (PSM: kelurahan, TKSK: kecamatan). Saving a
rule is for Dinas Sosial and admins (403 for the others).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from pilar.api import AUTH_ANY, AUTH_EDIT, AUTH_PEOPLE, ErrorOut, PageParams, paginate
from pilar.programs import actions, rules
from pilar.programs.choices import Level
from pilar.programs.filters import ProgramFilter
from pilar.programs.models import Program

router = Router(auth=AUTH_ANY)

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class QuotaOut(Schema):
    area_code: str
    quota: int


class ProgramOut(Schema):
    id: int
    code: str
    name: str
    agency: str
    level: str
    benefit_type: str
    amount: Decimal | None
    amount_by_level: dict[str, Any]
    frequency: str
    year: int | None
    start_date: datetime.date | None
    end_date: datetime.date | None
    budget: Decimal | None
    is_national: bool
    is_active: bool
    rule: dict[str, Any]
    rule_text: str
    description: str
    quotas: list[QuotaOut]
    updated_at: datetime.datetime


class ProgramPage(Schema):
    items: list[ProgramOut]
    count: int


class ProgramParams(PageParams):
    q: str = Field("", description="Cari nama, OPD atau kode program.")
    level: str = Field("", description="individu | keluarga")
    status: str = Field("", description="aktif | nonaktif")
    national: str = Field("", description="ya | tidak")


class OperatorOut(Schema):
    key: str
    label: str


class ChoiceOut(Schema):
    value: str | int
    label: str


class FieldOut(Schema):
    key: str
    label: str
    type: str
    type_label: str
    group: str
    group_label: str
    levels: list[str]
    operators: list[OperatorOut]
    choices: list[ChoiceOut]
    minimum: float | None
    maximum: float | None
    integer: bool
    help: str


class PreviewIn(Schema):
    level: str = Field(..., description="individu | keluarga")
    rule: dict[str, Any] = Field(..., description='{"op": "and"|"or", "rules": [...]}')
    reference_date: datetime.date | None = Field(
        None, description="Tanggal acuan usia (bawaan: hari ini)."
    )


class PreviewRow(Schema):
    id: int
    name: str
    id_number: str = Field(..., description="NIK (individu) atau No. KK (keluarga), disamarkan.")
    address: str
    kelurahan: str
    kecamatan: str
    desil: int | None
    age: int | None
    url: str


class PreviewOut(Schema):
    count: int
    items: list[PreviewRow]
    level: str
    reference_date: datetime.date
    description: str


class RuleIn(Schema):
    rule: dict[str, Any]


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
def list_programs(request, params: Query[ProgramParams]):
    flt = ProgramFilter.from_params(params.dict())
    items, count = paginate(flt.queryset().prefetch_related("quotas"), params)
    return {"items": [program_out(p) for p in items], "count": count}


@router.get(
    "/fields",
    response={200: list[FieldOut], **ERRORS},
    summary="Daftar kolom aturan kelayakan",
    description="Kolom yang boleh dipakai dalam aturan, dengan tipe, operator dan pilihan.",
)
def list_fields(request, level: str = ""):
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
def preview(request, body: PreviewIn):
    return actions.preview(
        user=request.auth, level=body.level, rule=body.rule, reference_date=body.reference_date
    )


@router.get("/{int:program_id}", response={200: ProgramOut, **ERRORS}, summary="Detail program")
def read_program(request, program_id: int):
    return program_out(get_object_or_404(Program, pk=program_id))


@router.put(
    "/{int:program_id}/rule",
    response={200: ProgramOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Simpan aturan kelayakan",
    description="Hanya Dinas Sosial dan admin. Aturan tidak valid: 422, tidak ada yang disimpan.",
)
def save_rule(request, program_id: int, body: RuleIn):
    program = get_object_or_404(Program, pk=program_id)
    return program_out(actions.save_rule(program, acting_user=request.auth, rule=body.rule))
