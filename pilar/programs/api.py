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
from ninja import Field, Query, Router, Schema, Status

from pilar.core.api import AUTH_ANY, AUTH_EDIT, AUTH_PEOPLE, ERRORS, PageParams, paginate
from pilar.core.dates import PlannedDate, date_or_invalid
from pilar.programs import actions, rules
from pilar.programs.choices import Level
from pilar.programs.filters import ProgramFilter
from pilar.programs.models import Program

router = Router(auth=AUTH_ANY)


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
    reference_date: PlannedDate | None = Field(
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


# Enrollments and partners ----------------------------------------------------------

MSG_PARTNER_ONLY_OWN = "Data tidak ditemukan."


class PriorityPartOut(Schema):
    key: str
    label: str
    rule: str
    value: int | None
    points: int


class BeneficiaryOut(Schema):
    id: int
    program_id: int
    program: str
    period: int
    status: str
    status_label: str
    name: str = Field(..., description="Nama individu, atau kepala keluarga.")
    nik: str | None = Field(None, description="NIK, disamarkan kecuali diberi akses.")
    no_kk: str | None = Field(None, description="No. KK, disamarkan kecuali diberi akses.")
    kelurahan: str
    kecamatan: str
    amount: Decimal | None
    delivered_on: datetime.date | None = Field(None, description="Tanggal penyaluran terakhir.")
    delivered_amount: Decimal | None = Field(None, description="Nilai penyaluran terakhir.")
    delivery_count: int = Field(0, description="Jumlah penyaluran tercatat.")
    paid_total: Decimal = Field(Decimal(0), description="Total yang sudah disalurkan (Rp).")
    months_paid: list[str] = Field(
        default_factory=list, description="Bulan yang sudah dibayar (TTTT-BB), program bulanan."
    )
    priority_total: int
    priority_parts: list[PriorityPartOut]


class BeneficiaryPage(Schema):
    items: list[BeneficiaryOut]
    count: int


class BeneficiaryParams(PageParams):
    q: str = Field("", description="Cari nama, alamat, atau awal NIK/No. KK.")
    status: str = Field("", description="disetujui | disalurkan | selesai")


def _partner_programs(user):
    """Programs whose beneficiaries `user` may list: a partner's agency's programs;
    every program for roles that see people's data (rows then scoped by area)."""
    from pilar.accounts.choices import Role

    if user.role == Role.MITRA:
        # The agency's own programs by name (case and spacing aside), plus any
        # program an admin granted explicitly (PartnerAccess): agency names are free
        # text ("Dinas Perkim / Dinas Sosial ..."), a grant does not depend on it.
        from django.db.models import Q

        org = " ".join((user.organization or "").split())
        by_name = Q(agency__iexact=org) if org else Q(pk__in=[])
        return Program.objects.filter(by_name | Q(partner_access__user=user)).distinct()
    if user.can_see_people:
        return Program.objects.all()
    return Program.objects.none()


def beneficiary_rows(user, programs, params: BeneficiaryParams):
    from pilar.accounts.choices import Role
    from pilar.programs.choices import BENEFICIARY
    from pilar.programs.models import Enrollment

    qs = Enrollment.objects.filter(program__in=programs, status__in=BENEFICIARY)
    if user.role != Role.MITRA:
        qs = qs.restrict(user, "view")
    if params.status:
        qs = qs.filter(status=params.status)
    # A partner's grant to see NIK is per program; searching by the start of a number
    # is kept for staff who may reveal numbers anyway.
    masked = user.role == Role.MITRA or not user.can_reveal_ids
    qs = (
        qs.search(params.q, masked=masked)
        .select_related("program", "person", "household", "village__district")
        .order_by("program_id", "pk")
    )
    return qs


def _beneficiary_out(e, heads: dict, reveal: bool, deliveries: list | None = None) -> dict:
    from pilar.core.identity import mask
    from pilar.programs import priority

    def show(value):
        if not value:
            return None
        return value if reveal else mask(value)

    head = heads.get(e.household_id)
    person = e.person or head
    return {
        "id": e.pk,
        "program_id": e.program_id,
        "program": e.program.name,
        "period": e.period,
        "status": e.status,
        "status_label": e.get_status_display(),
        "name": person.name if person else "",
        "nik": show(person.nik if person else None),
        "no_kk": show(e.household.no_kk),
        "kelurahan": e.village.name,
        "kecamatan": e.village.district.name,
        "amount": e.amount,
        "delivered_on": e.delivered_on,
        "delivered_amount": e.delivered_amount,
        **_paid_fields(deliveries or []),
        "priority_total": e.priority_total,
        "priority_parts": priority.explain(e.priority_parts),
    }


def _beneficiary_page(request, programs, params: BeneficiaryParams):
    from pilar.accounts.choices import Role
    from pilar.audit.actions import log_access
    from pilar.audit.models import AccessAction
    from pilar.programs.models import PartnerAccess
    from pilar.registry.choices import Relation
    from pilar.registry.models import Person

    user = request.auth
    items, count = paginate(beneficiary_rows(user, programs, params), params)
    household_ids = [e.household_id for e in items if e.person_id is None]
    heads = {
        p.household_id: p
        for p in Person.objects.filter(
            household_id__in=household_ids, relation=Relation.HEAD, is_active=True
        )
    }
    if user.role == Role.MITRA:
        granted = set(
            PartnerAccess.objects.filter(user=user, may_see_nik=True).values_list(
                "program_id", flat=True
            )
        )
    else:
        granted = {e.program_id for e in items} if user.can_reveal_ids else set()
    from pilar.programs.enrollment import deliveries_for

    paid = deliveries_for([e.pk for e in items])
    out = [_beneficiary_out(e, heads, e.program_id in granted, paid[e.pk]) for e in items]
    # Partners' reads of people's data are accountable like exports.
    log_access(
        user=user,
        action=AccessAction.EXPORT,
        object_type="programs.beneficiaries",
        request=request,
        extra={
            "programs": sorted({e.program_id for e in items}),
            "count": len(out),
            "unmasked": sorted({e.program_id for e in items} & granted),
        },
    )
    return {"items": out, "count": count}


@router.get(
    "/beneficiaries",
    response={200: BeneficiaryPage, **ERRORS},
    summary="Penerima manfaat (semua program yang boleh dilihat)",
    description=(
        "Penerima (disetujui, disalurkan, selesai). Mitra hanya melihat program OPD-nya "
        "(sama dengan `instansi` akunnya), NIK/No. KK disamarkan kecuali diberi akses. "
        "Peran lain melihat penerima di wilayah kerjanya."
    ),
)
def list_beneficiaries(request, params: Query[BeneficiaryParams]):
    return _beneficiary_page(request, _partner_programs(request.auth), params)


@router.get(
    "/{int:program_id}/beneficiaries",
    response={200: BeneficiaryPage, **ERRORS},
    summary="Penerima manfaat satu program",
    description="Program OPD lain dijawab 404 untuk mitra.",
)
def program_beneficiaries(request, program_id: int, params: Query[BeneficiaryParams]):
    program = get_object_or_404(_partner_programs(request.auth), pk=program_id)
    return _beneficiary_page(request, Program.objects.filter(pk=program.pk), params)


# Deliveries ---------------------------------------------------------------------------


def _paid_fields(deliveries: list) -> dict:
    from pilar.programs.enrollment import delivery_summary

    summary = delivery_summary(deliveries)
    return {
        "delivery_count": summary["count"],
        "paid_total": summary["total"],
        "months_paid": [f"{m:%Y-%m}" for m in summary["months"]],
    }


class DeliveryOut(Schema):
    id: int
    enrollment_id: int
    period_month: str | None = Field(
        None, description="Bulan yang dibayar (TTTT-BB); kosong untuk program sekali salur."
    )
    delivered_on: datetime.date
    amount: Decimal
    planned_amount: Decimal | None = Field(None, description="Nilai rencana saat dibayar.")
    amount_reason: str = Field(..., description="Alasan bila nilai berbeda dari rencana.")
    note: str
    evidence_url: str | None
    actor: str | None = Field(None, description="Nama pengguna yang mencatat.")
    created_at: datetime.datetime


class DeliveryListOut(Schema):
    enrollment_id: int
    program_id: int
    frequency: str
    status: str
    planned_amount: Decimal | None = Field(None, description="Nilai per penyaluran/bulan.")
    delivery_count: int
    paid_total: Decimal
    months_paid: list[str]
    months_open: list[str] = Field(
        ..., description="Bulan periode program yang belum dibayar (program bulanan)."
    )
    items: list[DeliveryOut]


class MonthDeliveryOut(Schema):
    count: int
    period_month: str


DELIVERY_FORM_DOC = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "delivered_on": {"type": "string", "format": "date"},
                        "amount": {"type": "string", "description": "Rupiah, mis. 100000."},
                        "period_month": {
                            "type": "string",
                            "description": "TTTT-BB, program bulanan (bawaan: bulan tanggal).",
                        },
                        "amount_reason": {"type": "string"},
                        "note": {"type": "string"},
                        "complete": {"type": "boolean"},
                    },
                    "required": ["delivered_on", "amount"],
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "description": "Kolom yang sama, ditambah berkas bukti.",
                    "properties": {"evidence": {"type": "string", "format": "binary"}},
                }
            },
        }
    }
}

MONTH_FORM_DOC = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "ids": {"type": "array", "items": {"type": "integer"}},
                        "period_month": {"type": "string", "description": "TTTT-BB"},
                        "delivered_on": {"type": "string", "format": "date"},
                        "note": {"type": "string"},
                    },
                    "required": ["ids", "period_month", "delivered_on"],
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "description": "Kolom yang sama (ids dipisah koma), ditambah berkas bukti.",
                    "properties": {"evidence": {"type": "string", "format": "binary"}},
                }
            },
        }
    }
}


def _form_data(request) -> tuple[dict, Any]:
    """The JSON body, or a multipart form's fields and its `evidence` file."""
    import json

    from pilar.core.errors import InvalidInput

    if request.content_type == "multipart/form-data":
        return request.POST.dict(), request.FILES.get("evidence")
    try:
        data = json.loads(request.body.decode("utf-8", "replace") or "{}")
    except json.JSONDecodeError as exc:
        raise InvalidInput({"__all__": ["Isi permintaan bukan JSON yang valid."]}) from exc
    if not isinstance(data, dict):
        raise InvalidInput({"__all__": ["Isi permintaan harus berupa objek JSON."]})
    return data, None


def _month_field(data: dict) -> datetime.date | None:
    from pilar.core.errors import InvalidInput

    raw = str(data.get("period_month") or "").strip()
    if not raw:
        return None
    try:
        year, month = raw.split("-")[:2]
        return datetime.date(int(year), int(month), 1)
    except ValueError as exc:
        raise InvalidInput({"period_month": ["Bulan tidak valid: gunakan TTTT-BB."]}) from exc


def _delivery_out(d) -> dict:
    return {
        "id": d.pk,
        "enrollment_id": d.enrollment_id,
        "period_month": f"{d.period_month:%Y-%m}" if d.period_month else None,
        "delivered_on": d.delivered_on,
        "amount": d.amount,
        "planned_amount": d.planned_amount,
        "amount_reason": d.amount_reason,
        "note": d.note,
        "evidence_url": d.evidence.url if d.evidence else None,
        "actor": d.actor.username if d.actor else None,
        "created_at": d.created_at,
    }


def _deliveries_out(e) -> dict:
    from pilar.programs import enrollment as en

    deliveries = en.deliveries_for([e.pk])[e.pk]
    paid = {d.period_month for d in deliveries}
    months = en.period_months(e.program) if en.is_monthly(e.program) else []
    return {
        "enrollment_id": e.pk,
        "program_id": e.program_id,
        "frequency": e.program.frequency,
        "status": e.status,
        "planned_amount": e.amount,
        **_paid_fields(deliveries),
        "months_open": [f"{m:%Y-%m}" for m in months if m not in paid],
        "items": [_delivery_out(d) for d in deliveries],
    }


def _enrollment_for(user, enrollment_id: int):
    from pilar.programs.models import Enrollment

    return get_object_or_404(
        Enrollment.objects.restrict(user, "view").select_related("program"), pk=enrollment_id
    )


@router.get(
    "/enrollments/{int:enrollment_id}/deliveries",
    response={200: DeliveryListOut, **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Riwayat penyaluran satu kepesertaan",
    description=(
        "Semua penyaluran (bulan, tanggal, nilai, alasan, catatan, bukti), total yang "
        "sudah disalurkan dan bulan yang belum dibayar. Di luar wilayah kerja: 404."
    ),
)
def list_deliveries(request, enrollment_id: int):
    return _deliveries_out(_enrollment_for(request.auth, enrollment_id))


@router.post(
    "/enrollments/{int:enrollment_id}/deliveries",
    response={201: DeliveryOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Catat penyaluran",
    description=(
        "Dinas Sosial/admin. JSON, atau multipart dengan berkas `evidence` (PDF/foto). "
        "Program bulanan: `period_month` (TTTT-BB, bawaan bulan `delivered_on`), satu kali "
        "per bulan dalam periode program. Nilai berbeda dari rencana wajib `amount_reason`; "
        "tanpa bukti wajib `note`. Ditolak: 422, tidak ada yang dicatat."
    ),
    openapi_extra=DELIVERY_FORM_DOC,
)
def create_delivery(request, enrollment_id: int):
    from pilar.programs import enrollment as en

    row = _enrollment_for(request.auth, enrollment_id)
    data, evidence = _form_data(request)
    complete = data.get("complete")
    row = en.deliver(
        row,
        acting_user=request.auth,
        delivered_on=date_or_invalid("delivered_on", data.get("delivered_on")),
        amount=data.get("amount"),
        amount_reason=str(data.get("amount_reason") or ""),
        note=str(data.get("note") or ""),
        evidence=evidence,
        complete=complete is True or str(complete).lower() in ("1", "true", "ya"),
        month=_month_field(data),
    )
    return Status(201, _delivery_out(row.delivery))  # type: ignore[attr-defined]


@router.post(
    "/{int:program_id}/deliveries/month",
    response={201: MonthDeliveryOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Salurkan satu bulan kepada banyak peserta",
    description=(
        "Program bulanan, Dinas Sosial/admin: mencatat bulan `period_month` bagi kepesertaan "
        "`ids` (disetujui/disalurkan), masing-masing sebesar nilai rencananya. Semua atau "
        "tidak satu pun (422 bila ada yang sudah dibayar, di luar periode, dll.)."
    ),
    openapi_extra=MONTH_FORM_DOC,
)
def deliver_month(request, program_id: int):
    from pilar.core.errors import InvalidInput
    from pilar.programs import enrollment as en

    program = get_object_or_404(Program, pk=program_id)
    data, evidence = _form_data(request)
    raw_ids = data.get("ids") or []
    if isinstance(raw_ids, str):
        raw_ids = [x for x in raw_ids.replace(";", ",").split(",") if x.strip()]
    try:
        ids = [int(x) for x in raw_ids]
    except (TypeError, ValueError) as exc:
        raise InvalidInput({"ids": ["Daftar ID kepesertaan tidak valid."]}) from exc
    month = _month_field(data)
    n = en.deliver_month(
        program,
        ids,
        acting_user=request.auth,
        month=month,
        delivered_on=date_or_invalid("delivered_on", data.get("delivered_on")),
        note=str(data.get("note") or ""),
        evidence=evidence,
    )
    return Status(201, {"count": n, "period_month": f"{month:%Y-%m}" if month else ""})


# Writing programs --------------------------------------------------------------------


class ProgramQuotaIn(Schema):
    area_code: str = Field(..., description="Kode kecamatan atau kelurahan, mis. 36.71.01.")
    quota: int = Field(..., ge=0, description="Jumlah kepesertaan yang boleh disetujui.")


class ProgramCreateIn(Schema):
    name: str = ""
    agency: str = Field("", description="OPD pelaksana.")
    level: str = Field("", description="individu | keluarga")
    benefit_type: str = Field("", description="tunai | barang | jasa | bedah_rumah")
    amount: Decimal | None = Field(None, description="Nilai manfaat (Rp).")
    amount_by_level: dict[str, Any] = Field(
        default_factory=dict, description='Nilai per jenjang, mis. {"SD": 80000}.'
    )
    frequency: str = Field("sekali", description="sekali | bulanan | tahunan")
    year: int | None = Field(None, ge=2000, le=2100, description="Tahun anggaran.")
    start_date: PlannedDate | None = None
    end_date: PlannedDate | None = None
    budget: Decimal | None = Field(None, description="Pagu anggaran (Rp).")
    is_national: bool = False
    is_active: bool = True
    description: str = ""
    rule: dict[str, Any] | None = Field(
        None, description='Aturan kelayakan {"op": "and"|"or", "rules": [...]} (boleh kosong).'
    )
    quotas: list[ProgramQuotaIn] | None = Field(None, description="Kuota per wilayah.")


class ProgramPatchIn(Schema):
    name: str | None = None
    agency: str | None = None
    level: str | None = None
    benefit_type: str | None = None
    amount: Decimal | None = None
    amount_by_level: dict[str, Any] | None = None
    frequency: str | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    start_date: PlannedDate | None = None
    end_date: PlannedDate | None = None
    budget: Decimal | None = None
    is_national: bool | None = None
    is_active: bool | None = None
    description: str | None = None
    rule: dict[str, Any] | None = Field(None, description="Aturan baru (tidak dikirim: tetap).")
    quotas: list[ProgramQuotaIn] | None = Field(
        None,
        description="Kuota per wilayah, menggantikan semua kuota lama ([] menghapus semuanya; "
        "tidak dikirim: tetap).",
    )


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
def create_program(request, body: ProgramCreateIn):
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
def update_program(request, program_id: int, body: ProgramPatchIn):
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


# Candidates and enrollments ------------------------------------------------------------


class CandidateGenerateOut(Schema):
    count: int = Field(..., description="Jumlah kandidat dalam daftar baru.")
    removed: int = Field(..., description="Kandidat lama yang diganti.")
    period: int


class CandidateOut(Schema):
    id: int
    program_id: int
    period: int
    status: str
    status_label: str
    household_id: int
    person_id: int | None
    name: str = Field(..., description="Nama individu, atau kepala keluarga.")
    nik: str | None = Field(None, description="NIK, disamarkan.")
    no_kk: str | None = Field(None, description="No. KK, disamarkan.")
    kelurahan: str
    kecamatan: str
    amount: Decimal | None
    school_level: str
    priority_total: int
    priority_parts: list[PriorityPartOut]


class CandidatePage(Schema):
    items: list[CandidateOut]
    count: int


class CandidateParams(PageParams):
    q: str = Field("", description="Cari nama, alamat, atau awal NIK/No. KK.")


class CandidateManualIn(Schema):
    household_id: int | None = Field(None, description="Keluarga (program sasaran keluarga).")
    person_id: int | None = Field(None, description="Individu (program sasaran individu).")


class EnrollmentOut(CandidateOut):
    reject_reason: str
    delivered_on: datetime.date | None
    delivered_amount: Decimal | None


class EnrollmentPage(Schema):
    items: list[EnrollmentOut]
    count: int


class EnrollmentParams(CandidateParams):
    status: str = Field(
        "", description="diusulkan | disetujui | ditolak | disalurkan | selesai (kosong: semua)"
    )


class EnrollmentActionIn(Schema):
    ids: list[int] = Field(
        default_factory=list,
        description="ID kandidat (usul) atau ID kepesertaan (setujui, tolak, selesaikan).",
    )
    note: str = Field("", description="Catatan langkah.")
    reason: str = Field("", description="Alasan penolakan (wajib untuk reject).")


class EnrollmentCountOut(Schema):
    count: int


class ProgramQuotaUsageOut(Schema):
    area_code: str
    quota: int
    used: int
    left: int


class ProgramBudgetUsageOut(Schema):
    budget: Decimal | None
    paid: Decimal
    committed: Decimal
    used: Decimal
    left: Decimal | None


class ProgramUsageOut(Schema):
    period: int
    quotas: list[ProgramQuotaUsageOut]
    budget: ProgramBudgetUsageOut


ENROLLMENT_STATUSES = ("diusulkan", "disetujui", "ditolak", "disalurkan", "selesai")


def _program_rows(request, program: Program, model, q: str):
    """The program period's rows of `model` (Candidate or Enrollment) in the user's
    area, ranked like the page: highest priority first."""
    from pilar.programs.enrollment import program_period

    return (
        model.objects.restrict(request.auth, "view")
        .filter(program=program, period=program_period(program))
        .search(q, masked=not request.auth.can_reveal_ids)
        .select_related("household", "person", "village__district")
        .order_by("-priority_total", "pk")
    )


def _row_out(e, heads: dict) -> dict:
    from pilar.core.identity import mask
    from pilar.programs import priority

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


def _rows_out(rows: list) -> list[dict]:
    from pilar.registry.choices import Relation
    from pilar.registry.models import Person

    heads = {
        p.household_id: p
        for p in Person.objects.filter(
            household_id__in=[e.household_id for e in rows if e.person_id is None],
            relation=Relation.HEAD,
            is_active=True,
        )
    }
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
def generate_candidates(request, program_id: int):
    from pilar.programs import enrollment as en

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
def list_candidates(request, program_id: int, params: Query[CandidateParams]):
    from pilar.programs.models import Candidate

    program = get_object_or_404(Program, pk=program_id)
    items, count = paginate(_program_rows(request, program, Candidate, params.q), params)
    return {"items": _rows_out(items), "count": count}


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
def add_candidate(request, program_id: int, body: CandidateManualIn):
    from pilar.programs import enrollment as en
    from pilar.registry.models import Household, Person

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
    row = en.enroll(program, acting_user=request.auth, household=household, person=person)
    row = _program_rows(request, program, type(row), "").get(pk=row.pk)
    return Status(201, _rows_out([row])[0])


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
def list_enrollments(request, program_id: int, params: Query[EnrollmentParams]):
    from pilar.core.errors import InvalidInput
    from pilar.programs.models import Enrollment

    program = get_object_or_404(Program, pk=program_id)
    if params.status and params.status not in ENROLLMENT_STATUSES:
        raise InvalidInput(
            {"status": [f"Status tidak dikenal. Pilihan: {', '.join(ENROLLMENT_STATUSES)}."]}
        )
    qs = _program_rows(request, program, Enrollment, params.q)
    if params.status:
        qs = qs.filter(status=params.status)
    items, count = paginate(qs, params)
    return {"items": _rows_out(items), "count": count}


ENROLLMENT_ACTIONS = ("propose", "approve", "reject", "complete")


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
def enrollment_action(request, program_id: int, action: str, body: EnrollmentActionIn):
    from pilar.programs import enrollment as en

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
        from django.http import Http404

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
def program_usage(request, program_id: int):
    from pilar.programs import enrollment as en

    program = get_object_or_404(Program, pk=program_id)
    period = en.program_period(program)
    return {
        "period": period,
        "quotas": en.quota_usage(program, period),
        "budget": en.budget_usage(program, period),
    }


class NationalParticipationIn(Schema):
    numbers: list[str] = Field(
        ..., description="No. KK (program keluarga) atau NIK (program individu), 16 digit."
    )
    period: int = Field(..., description="Tahun periode kepesertaan.")
    source: str = Field(..., description="Sumber data, mis. 'Data SIKS-NG Oktober 2026'.")


class NationalParticipationOut(Schema):
    period: int
    created: int
    already: list[str]
    not_found: list[str]
    invalid: list[str]


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
def record_national_participation(request, program_id: int, payload: NationalParticipationIn):
    from pilar.programs.national import record_participation

    program = get_object_or_404(Program, pk=program_id)
    return record_participation(
        program,
        acting_user=request.auth,
        numbers="\n".join(payload.numbers),
        period=payload.period,
        source=payload.source,
    )
