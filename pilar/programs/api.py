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
    qs = (
        qs.search(params.q)
        .select_related("program", "person", "household", "village__district")
        .order_by("program_id", "pk")
    )
    return qs


def _beneficiary_out(e, heads: dict, reveal: bool, deliveries: list | None = None) -> dict:
    from pilar.programs import priority
    from pilar.registry.identity import mask

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


def _date_field(data: dict, field: str) -> datetime.date | None:
    from pilar.core.errors import InvalidInput

    raw = str(data.get(field) or "").strip()
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput({field: ["Tanggal tidak valid: gunakan TTTT-BB-HH."]}) from exc


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
        delivered_on=_date_field(data, "delivered_on"),
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
        delivered_on=_date_field(data, "delivered_on"),
        note=str(data.get("note") or ""),
        evidence=evidence,
    )
    return Status(201, {"count": n, "period_month": f"{month:%Y-%m}" if month else ""})
