"""API: submissions and their chain, the inbox and notifications.

The published API calls submissions "reports" (paths `/api/v1/reports...`, schemas
`ReportIn`, `ReportOut`..., the multipart field `report`, the `report_id` path
parameter, endpoint names that are OpenAPI operation ids): that vocabulary is part
of the interface and stays; everything behind it says submission.

Used by the field app (/lapangan/) with a device token, and by any client. The
same actions as the pages run behind every endpoint, with the same scoping
(out-of-area = 404) and the same validation (errors keyed by field path).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pydantic
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.accounts.scope import villages_for
from pilar.accounts.types import ApiRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.api import AUTH_EDIT, AUTH_PEOPLE, ERRORS, PageParams, pydantic_message, show_id
from pilar.core.dates import RecordDate, date_or_invalid
from pilar.core.errors import InvalidInput
from pilar.core.numbers import OFFSET_MAX
from pilar.regions.deployment import normalize_code
from pilar.submissions import actions
from pilar.submissions.exports import summary
from pilar.submissions.filters import SubmissionFilter, inbox_for, page_of, submissions_for
from pilar.submissions.forms import check_document
from pilar.submissions.models import (
    Deliberation,
    Notification,
    Ratification,
    Submission,
    SubmissionStep,
)
from pilar.submissions.proposals import payload_for, proposals, rows_for_display
from pilar.submissions.schemas import (
    NotificationOut,
    RejectIn,
    ReportDetailOut,
    ReportIn,
    ReportOut,
    ReportPage,
    ReportParams,
    ResubmitIn,
    ReturnIn,
    VerifyIn,
)
from pilar.submissions.stats import Period, turnaround

router = Router(auth=AUTH_PEOPLE)
notifications_router = Router(auth=AUTH_PEOPLE)


MULTIPART_DOC = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["report"],
                    "properties": {
                        "report": {"type": "string", "description": "JSON (lihat skema)."},
                    },
                    "additionalProperties": {
                        "type": "string",
                        "format": "binary",
                        "description": "Foto bernama photo_<client_id foto>.",
                    },
                }
            },
            "application/json": {"schema": {"type": "object"}},
        }
    }
}


def submission_out(submission: Submission) -> dict[str, Any]:
    """A submission as `ReportOut`."""
    return {
        "id": submission.pk,
        "client_id": submission.client_id,
        "kind": submission.kind,
        "kind_label": submission.get_kind_display(),
        "status": submission.status,
        "status_label": submission.get_status_display(),
        "revision": submission.revision,
        "household_id": submission.household_id,
        "kelurahan": submission.village_id,
        "kelurahan_name": submission.village.name,
        "reporter": submission.reporter.get_full_name() or submission.reporter.username,
        "visit_date": submission.visit_date,
        "submitted_at": submission.submitted_at,
        "updated_at": submission.updated_at,
        "return_reasons": submission.return_reasons or {},
        "summary": summary(submission),
    }


def submission_detail_out(submission: Submission, user: User) -> dict[str, Any]:
    """A submission as `ReportDetailOut`, with the registry's values as `user` may see them."""
    out = submission_out(submission)
    latitude, longitude = submission.latitude, submission.longitude
    out.update(
        {
            "payload": payload_for(user, submission.payload),
            "latitude": float(latitude) if latitude is not None else None,
            "longitude": float(longitude) if longitude is not None else None,
            "gps_accuracy_m": submission.gps_accuracy_m,
            "notes": submission.notes,
            "photos": [
                {
                    "client_id": p.client_id,
                    "kind": p.kind,
                    "url": reverse("submissions:photo", args=[submission.pk, p.client_id]),
                    "size": p.size,
                }
                for p in submission.photos.all()
            ],
            "steps": [
                {
                    "action": s.action,
                    "action_label": s.get_action_display(),
                    "actor": s.actor.get_full_name() or s.actor.username,
                    "at": s.at,
                    "revision": s.revision,
                    "note": s.note,
                    "field_reasons": s.field_reasons,
                }
                for s in submission.steps.all()
            ],
            "diff": [
                {
                    k: row[k]
                    for k in ("path", "label", "current", "proposed", "base", "changed", "conflict")
                }
                for row in rows_for_display(proposals(submission, reader=user), user=user)
            ],
            "result": submission.result,
        }
    )
    return out


def _parse(request: ApiRequest, schema: type[pydantic.BaseModel]) -> dict[str, Any]:
    """The JSON body, or the `report` field of a multipart form (with photos)."""
    if request.content_type == "multipart/form-data":
        raw = request.POST.get("report")
        if raw is None:
            raise InvalidInput({"report": ["Kolom 'report' (JSON laporan) wajib dikirim."]})
    else:
        raw = request.body.decode("utf-8", "replace") or "{}"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput({"__all__": ["Isi laporan bukan JSON yang valid."]}) from exc
    try:
        return schema.model_validate(data).model_dump()
    except pydantic.ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ())]
            errors.setdefault(".".join(loc) or "__all__", []).append(pydantic_message(dict(error)))
        raise InvalidInput(errors) from exc


def _submission(user: User, submission_id: int, action: str = "view") -> Submission:
    qs = (
        submissions_for(user, SubmissionFilter())
        if action == "view"
        else Submission.objects.restrict(user, "change")
    )
    return get_object_or_404(qs, pk=submission_id)


def _with_relations(submission_id: int) -> Submission:
    return Submission.objects.select_related("village__district", "reporter", "household").get(
        pk=submission_id
    )


def _detail(submission_id: int, user: User) -> dict:
    submission = (
        Submission.objects.select_related("village__district", "reporter", "household")
        .prefetch_related(
            "photos", Prefetch("steps", SubmissionStep.objects.select_related("actor"))
        )
        .get(pk=submission_id)
    )
    return submission_detail_out(submission, user)


@router.post(
    "",
    response={200: ReportOut, 201: ReportOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Kirim laporan (idempoten menurut client_id)",
    openapi_extra=MULTIPART_DOC,
)
def create_report(request: ApiRequest) -> Status:
    """Membuat laporan dan (bawaan) langsung mengajukannya untuk verifikasi. Foto dikirim
    sebagai multipart dengan nama `photo_<client_id>`. Mengirim `client_id` yang sama lagi
    menjawab 200 dengan laporan yang sudah ada, tanpa membuat salinan."""
    data = _parse(request, ReportIn)
    submission, created = actions.create_submission(
        acting_user=request.auth, data=data, files=request.FILES
    )
    return Status(201 if created else 200, submission_out(_with_relations(submission.pk)))


@router.get("", response={200: ReportPage, **ERRORS}, summary="Daftar laporan")
def list_reports(request: ApiRequest, params: Query[ReportParams]) -> dict:
    flt = SubmissionFilter.from_params(params.dict())
    items, count = page_of(submissions_for(request.auth, flt), params.offset, params.limit)
    return {"items": [submission_out(s) for s in items], "count": count}


@router.get("/inbox", response={200: ReportPage, **ERRORS}, summary="Laporan yang menunggu saya")
def inbox(request: ApiRequest, params: Query[PageParams]) -> dict:
    items, count = page_of(inbox_for(request.auth), params.offset, params.limit)
    return {"items": [submission_out(s) for s in items], "count": count}


@router.get("/{report_id}", response={200: ReportDetailOut, **ERRORS}, summary="Rincian laporan")
def get_report(request: ApiRequest, report_id: int) -> dict:
    # The docstring is the endpoint's OpenAPI description: the API's word is "report".
    """Reading a report (the people it names, their registry values) is written to
    the access log, as on its page."""
    submission = _submission(request.auth, report_id)
    log_access(user=request.auth, action=AccessAction.VIEW_PERSON, obj=submission, request=request)
    return _detail(submission.pk, request.auth)


@router.post(
    "/{report_id}/resubmit",
    response={200: ReportOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Ajukan ulang laporan yang dikembalikan",
    openapi_extra=MULTIPART_DOC,
)
def resubmit_report(request: ApiRequest, report_id: int) -> dict:
    submission = _submission(request.auth, report_id)
    data = _parse(request, ResubmitIn)
    submission = actions.resubmit_submission(
        submission, acting_user=request.auth, data=data, files=request.FILES
    )
    return submission_out(_with_relations(submission.pk))


@router.post(
    "/{report_id}/submit",
    response={200: ReportOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Ajukan draf",
)
def submit_report(request: ApiRequest, report_id: int) -> dict:
    submission = _submission(request.auth, report_id)
    submission = actions.submit_submission(submission, acting_user=request.auth)
    return submission_out(submission)


def _transition(
    request: ApiRequest, submission_id: int, fn: Callable[..., Submission], **kwargs: Any
) -> dict:
    submission = _submission(request.auth, submission_id, "change")
    fn(submission, acting_user=request.auth, **kwargs)
    return _detail(submission.pk, request.auth)


@router.post(
    "/{report_id}/verify",
    response={200: ReportDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Verifikasi (TKSK)",
)
def verify_report(request: ApiRequest, report_id: int, payload: VerifyIn) -> dict:
    return _transition(
        request,
        report_id,
        actions.verify_submission,
        note=payload.note,
        resolutions={k: v.value for k, v in payload.resolutions.items()},
    )


@router.post(
    "/{report_id}/return",
    response={200: ReportDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Kembalikan ke pelapor",
)
def return_report(request: ApiRequest, report_id: int, payload: ReturnIn) -> dict:
    return _transition(
        request,
        report_id,
        actions.return_submission,
        note=payload.note,
        field_reasons=payload.field_reasons,
    )


@router.post(
    "/{report_id}/validate",
    response={200: ReportDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Validasi (Dinas Sosial)",
)
def validate_report(request: ApiRequest, report_id: int, payload: VerifyIn) -> dict:
    return _transition(
        request,
        report_id,
        actions.validate_submission,
        note=payload.note,
        resolutions={k: v.value for k, v in payload.resolutions.items()},
    )


@router.post(
    "/{report_id}/reject",
    response={200: ReportDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Tolak (Dinas Sosial)",
)
def reject_report(request: ApiRequest, report_id: int, payload: RejectIn) -> dict:
    return _transition(request, report_id, actions.reject_submission, reason=payload.reason)


@notifications_router.get(
    "", response={200: list[NotificationOut], **ERRORS}, summary="Notifikasi saya"
)
def list_notifications(
    request: ApiRequest, unread: bool = False, limit: int = Query(50, ge=1, le=200)
) -> list[dict]:
    qs = Notification.objects.filter(user=request.auth)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "message": n.message,
            "url": n.url,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in qs[:limit]
    ]


@notifications_router.post(
    "/{notification_id}/read", response={200: dict, **ERRORS}, summary="Tandai dibaca"
)
def read_notification(request: ApiRequest, notification_id: int) -> dict:
    get_object_or_404(Notification, pk=notification_id, user=request.auth)
    updated = actions.mark_read(acting_user=request.auth, notification_ids=[notification_id])
    return {"updated": updated, "at": timezone.now()}


# Turnaround, deliberations and ratifications (the optional steps) ------------------------

verivali_router = Router(auth=AUTH_PEOPLE)


class TurnaroundRowOut(Schema):
    code: str | None = None
    name: str | None = None
    submitted: int
    verified: int
    validated: int
    rejected: int
    median_verify: float | None
    median_validate: float | None
    waiting_verification: int
    waiting_validation: int
    oldest_waiting_days: int | None


class TurnaroundOut(Schema):
    start: datetime.date
    end: datetime.date
    rows: list[TurnaroundRowOut]
    total: TurnaroundRowOut


@verivali_router.get(
    "/turnaround", response={200: TurnaroundOut, **ERRORS}, summary="Waktu proses verivali"
)
def turnaround_figures(
    request: ApiRequest,
    start: RecordDate | None = None,
    end: RecordDate | None = None,
    kecamatan: str = "",
) -> dict:
    """Per kecamatan (atau per kelurahan bila `kecamatan` diisi): laporan diajukan,
    median hari sampai verifikasi dan validasi, tunggakan dan umur tunggakan tertua.
    Bawaan periode: 90 hari terakhir."""
    period = Period.default()
    if start:
        period.start = start
    if end:
        period.end = end
    if period.start > period.end:
        raise InvalidInput({"start": ["Tanggal mulai harus sebelum tanggal akhir."]})
    rows, total = turnaround(request.auth, period, normalize_code(kecamatan)[:8])
    return {"start": period.start, "end": period.end, "rows": rows, "total": total}


def _optional(enabled: bool) -> None:
    if not enabled:
        raise Http404


def _document(request: ApiRequest, name: str) -> UploadedFile | None:
    upload = request.FILES.get(name)
    if upload is None:
        return None
    try:
        check_document(upload)
    except ValidationError as exc:
        raise InvalidInput({name: list(exc.messages)}) from exc
    return upload


def _ids(raw: str) -> list[int]:
    try:
        return [int(x) for x in raw.replace(";", ",").split(",") if x.strip()]
    except ValueError as exc:
        raise InvalidInput({"submissions": ["Daftar nomor laporan tidak valid."]}) from exc


class DeliberationOut(Schema):
    id: int
    kelurahan: str
    held_on: datetime.date
    attendees: str
    notes: str
    submissions: list[int]


DOCUMENT_FORM_DOC = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "kelurahan": {"type": "string"},
                        "held_on": {"type": "string", "format": "date"},
                        "attendees": {"type": "string"},
                        "notes": {"type": "string"},
                        "submissions": {"type": "string", "description": "Nomor laporan, koma."},
                        "minutes": {"type": "string", "format": "binary"},
                        "decree_number": {"type": "string"},
                        "decree_date": {"type": "string", "format": "date"},
                        "decree_file": {"type": "string", "format": "binary"},
                    },
                }
            }
        }
    }
}


def _deliberation_out(d: Deliberation) -> dict:
    return {
        "id": d.pk,
        "kelurahan": d.village_id,
        "held_on": d.held_on,
        "attendees": d.attendees,
        "notes": d.notes,
        "submissions": list(d.submissions.values_list("pk", flat=True)),
    }


@verivali_router.get(
    "/deliberations",
    response={200: list[DeliberationOut], **ERRORS},
    summary="Musyawarah kelurahan (bila diaktifkan)",
)
def list_deliberations(
    request: ApiRequest,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
) -> list[dict]:
    _optional(settings.PILAR_VERIVALI_MUSYAWARAH)
    qs = Deliberation.objects.filter(
        village__in=villages_for(request.auth, "view")
    ).prefetch_related("submissions")
    return [_deliberation_out(d) for d in qs[offset : offset + limit]]


@verivali_router.post(
    "/deliberations",
    response={201: DeliberationOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Catat musyawarah kelurahan (multipart, berita acara)",
    openapi_extra=DOCUMENT_FORM_DOC,
)
def create_deliberation(request: ApiRequest) -> Status:
    _optional(settings.PILAR_VERIVALI_MUSYAWARAH)
    data = request.POST
    deliberation = actions.record_deliberation(
        acting_user=request.auth,
        village_id=normalize_code(data.get("kelurahan", "")),
        held_on=date_or_invalid("held_on", data.get("held_on")),
        attendees=data.get("attendees", ""),
        minutes=_document(request, "minutes"),
        submission_ids=_ids(data.get("submissions", "")),
        notes=data.get("notes", ""),
    )
    return Status(201, _deliberation_out(deliberation))


class RatificationOut(Schema):
    id: int
    decree_number: str
    decree_date: datetime.date
    notes: str
    submissions: list[int]
    bnba: list[dict[str, Any]]


def _ratification_out(r: Ratification, user: User) -> dict:
    rows = [
        {**row, "nik": show_id(user, row.get("nik")), "no_kk": show_id(user, row.get("no_kk"))}
        for row in r.frozen
    ]
    return {
        "id": r.pk,
        "decree_number": r.decree_number,
        "decree_date": r.decree_date,
        "notes": r.notes,
        "submissions": list(r.submissions.values_list("pk", flat=True)),
        "bnba": rows,
    }


def _city_role(user: User) -> None:
    if user.role not in actions.DECIDER_ROLES and user.role != Role.PIMPINAN:
        raise PermissionDenied("SK penetapan hanya untuk Dinas Sosial dan pimpinan.")


@verivali_router.get(
    "/ratifications/{ratification_id}",
    response={200: RatificationOut, **ERRORS},
    summary="SK penetapan dengan daftar BNBA yang dibekukan (bila diaktifkan)",
)
def get_ratification(request: ApiRequest, ratification_id: int) -> dict:
    _optional(settings.PILAR_VERIVALI_SK)
    _city_role(request.auth)
    ratification = get_object_or_404(Ratification, pk=ratification_id)
    log_access(
        user=request.auth,
        action=AccessAction.EXPORT,
        obj=ratification,
        request=request,
        extra={"rows": len(ratification.frozen), "via": "api"},
    )
    return _ratification_out(ratification, request.auth)


@verivali_router.post(
    "/ratifications",
    response={201: RatificationOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Catat SK penetapan (multipart, berkas SK)",
    openapi_extra=DOCUMENT_FORM_DOC,
)
def create_ratification(request: ApiRequest) -> Status:
    _optional(settings.PILAR_VERIVALI_SK)
    data = request.POST
    ratification = actions.ratify(
        acting_user=request.auth,
        decree_number=data.get("decree_number", ""),
        decree_date=date_or_invalid("decree_date", data.get("decree_date")),
        decree_file=_document(request, "decree_file"),
        submission_ids=_ids(data.get("submissions", "")),
        notes=data.get("notes", ""),
    )
    return Status(201, _ratification_out(ratification, request.auth))
