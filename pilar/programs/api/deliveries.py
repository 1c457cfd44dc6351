"""API: deliveries of one enrollment (history, recording one) and one month of a
monthly program paid to many enrollments at once. The writes take JSON, or a
multipart form with the evidence file."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from pilar.accounts.models import User
from pilar.accounts.types import ApiRequest
from pilar.core.api import AUTH_EDIT, AUTH_PEOPLE, ERRORS
from pilar.core.dates import date_or_invalid
from pilar.core.errors import InvalidInput
from pilar.programs import enrollment as en
from pilar.programs.api.schemas import (
    DELIVERY_FORM_DOC,
    MONTH_FORM_DOC,
    DeliveryListOut,
    DeliveryOut,
    MonthDeliveryOut,
)
from pilar.programs.models import Delivery, Enrollment, Program

router = Router()


def paid_fields(deliveries: list[Delivery]) -> dict:
    summary = en.delivery_summary(deliveries)
    return {
        "delivery_count": summary["count"],
        "paid_total": summary["total"],
        "months_paid": [f"{m:%Y-%m}" for m in summary["months"]],
    }


def _form_data(request: ApiRequest) -> tuple[dict[str, Any], UploadedFile | None]:
    """The JSON body, or a multipart form's fields and its `evidence` file."""
    if request.content_type == "multipart/form-data":
        return request.POST.dict(), request.FILES.get("evidence")
    try:
        data = json.loads(request.body.decode("utf-8", "replace") or "{}")
    except json.JSONDecodeError as exc:
        raise InvalidInput({"__all__": ["Isi permintaan bukan JSON yang valid."]}) from exc
    if not isinstance(data, dict):
        raise InvalidInput({"__all__": ["Isi permintaan harus berupa objek JSON."]})
    return data, None


def _month_field(data: dict[str, Any]) -> datetime.date | None:
    raw = str(data.get("period_month") or "").strip()
    if not raw:
        return None
    try:
        return en.parse_month(raw)
    except ValueError as exc:
        raise InvalidInput({"period_month": ["Bulan tidak valid: gunakan TTTT-BB."]}) from exc


def _delivery_out(d: Delivery) -> dict:
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


def _deliveries_out(e: Enrollment) -> dict:
    deliveries = en.deliveries_for([e.pk])[e.pk]
    paid = {d.period_month for d in deliveries}
    months = en.period_months(e.program) if en.is_monthly(e.program) else []
    return {
        "enrollment_id": e.pk,
        "program_id": e.program_id,
        "frequency": e.program.frequency,
        "status": e.status,
        "planned_amount": e.amount,
        **paid_fields(deliveries),
        "months_open": [f"{m:%Y-%m}" for m in months if m not in paid],
        "items": [_delivery_out(d) for d in deliveries],
    }


def _enrollment_for(user: User, enrollment_id: int) -> Enrollment:
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
def list_deliveries(request: ApiRequest, enrollment_id: int):
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
def create_delivery(request: ApiRequest, enrollment_id: int):
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
        override_basis=str(data.get("override_basis") or ""),
        override_reason=str(data.get("override_reason") or ""),
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
def deliver_month(request: ApiRequest, program_id: int):
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
