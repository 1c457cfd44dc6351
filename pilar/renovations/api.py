"""API of Bedah Rumah: the list, the "siap dimulai" queue, one renovation, the
RTLH target table, and every step from opening to handover. Same actions and
scoping as the pages: renovations come through `Renovation.objects.restrict(user,
"view")` (404 outside the area); the actions answer 403 to a role that may not
record renovations (only Dinas Sosial and admins may). Uploads (photos, progress,
handover) are multipart forms; the other writes take JSON."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from pilar.accounts.models import User
from pilar.accounts.types import ApiRequest
from pilar.core.api import AUTH_EDIT, AUTH_PEOPLE, ERRORS, check_filter_codes, paginate
from pilar.core.dates import today
from pilar.core.errors import InvalidInput
from pilar.programs.models import Enrollment
from pilar.regions.deployment import normalize_code
from pilar.registry.choices import Relation
from pilar.registry.models import Person
from pilar.renovations import actions
from pilar.renovations.filters import (
    RenovationFilter,
    invalid_params,
    ready_for,
    renovations_for,
)
from pilar.renovations.models import ProgressReport, Renovation, RenovationPhoto
from pilar.renovations.schemas import (
    RenovationCancelIn,
    RenovationDetailOut,
    RenovationOpenIn,
    RenovationPage,
    RenovationParams,
    RenovationPlanIn,
    RenovationReadyPage,
    RenovationReadyParams,
    RenovationStartIn,
    RenovationTargetOut,
)
from pilar.renovations.target import target_rows, target_year

router = Router(auth=AUTH_PEOPLE)

RELATED = ("household", "village__district", "enrollment__program")
# How far ahead a target year may be set.
TARGET_HORIZON = 50


def photo_url(renovation_id: int, photo_id: int) -> str:
    # The page's scoped photo view (pilar.renovations.urls); the API serves no files.
    return f"/bedah-rumah/{renovation_id}/foto/{photo_id}/"


def _name(user: User) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _float(value) -> float | None:
    return float(value) if value is not None else None


def _head_name(household_id: int) -> str | None:
    return (
        Person.objects.filter(household_id=household_id, relation=Relation.HEAD, is_active=True)
        .order_by("id")
        .values_list("name", flat=True)
        .first()
    )


def renovation_out(r: Renovation, *, head_name: str | None, planned_cost) -> dict:
    village = r.village
    program = r.enrollment.program
    return {
        "id": r.pk,
        "status": r.status,
        "status_label": r.get_status_display(),
        "mode": r.mode,
        "mode_label": r.get_mode_display(),
        "contractor": r.contractor,
        "progress": r.progress,
        "household_id": r.household_id,
        "head_name": head_name,
        "address": r.household.address,
        "kelurahan": village.pk,
        "kelurahan_name": village.name,
        "kecamatan": village.district_id,
        "kecamatan_name": village.district.name,
        "enrollment_id": r.enrollment_id,
        "program_id": program.pk,
        "program_name": program.name,
        "period": r.enrollment.period,
        "planned_start": r.planned_start,
        "planned_finish": r.planned_finish,
        "started_on": r.started_on,
        "handed_over_on": r.handed_over_on,
        "planned_cost": planned_cost,
        "amount": r.enrollment.amount,
        "final_cost": r.final_cost,
        "updated_at": r.updated_at,
    }


def _assessment_out(a) -> dict | None:
    if a is None:
        return None
    return {
        "id": a.pk,
        "assessed_on": a.assessed_on,
        "survey_id": a.survey_id,
        "is_rtlh": a.is_rtlh,
        "failed": [{"code": c.code, "label": c.label} for c in a.failed_criteria],
    }


def detail_out(r: Renovation) -> dict:
    items = list(r.cost_items.all())
    out = renovation_out(
        r,
        head_name=_head_name(r.household_id),
        planned_cost=sum((i.total for i in items), start=Decimal(0)) if items else None,
    )
    photos = list(r.photos.all())
    photo_ids: dict[int, list[int]] = {}
    for p in photos:
        if p.report_id is not None:
            photo_ids.setdefault(p.report_id, []).append(p.pk)
    out.update(
        {
            "contract_number": r.contract_number,
            "handover_number": r.handover_number,
            "handover_note": r.handover_note,
            "has_handover_document": bool(r.handover_document),
            "cost_reason": r.enrollment.amount_reason if r.handed_over_on else "",
            "cancel_reason": r.cancel_reason,
            "before_survey_id": r.before_survey_id,
            "after_survey_id": r.after_survey_id,
            "before_assessment": _assessment_out(r.before_assessment),
            "after_assessment": _assessment_out(r.after_assessment),
            "cost_items": [
                {
                    "id": i.pk,
                    "position": i.position,
                    "category": i.category,
                    "category_label": i.get_category_display(),
                    "description": i.description,
                    "quantity": i.quantity,
                    "unit": i.unit,
                    "unit_price": i.unit_price,
                    "total": i.total,
                }
                for i in items
            ],
            "reports": [
                {
                    "id": rep.pk,
                    "reported_on": rep.reported_on,
                    "percent": rep.percent,
                    "note": rep.note,
                    "reporter": _name(rep.reporter),
                    "photo_ids": photo_ids.get(rep.pk, []),
                }
                for rep in r.reports.all()
            ],
            "photos": [
                {
                    "id": p.pk,
                    "kind": p.kind,
                    "kind_label": p.get_kind_display(),
                    "taken_on": p.taken_on,
                    "caption": p.caption,
                    "latitude": _float(p.latitude),
                    "longitude": _float(p.longitude),
                    "report_id": p.report_id,
                    "url": photo_url(r.pk, p.pk),
                }
                for p in photos
            ],
            "steps": [
                {
                    "action": s.action,
                    "action_label": s.get_action_display(),
                    "actor": _name(s.actor),
                    "at": s.at,
                    "note": s.note,
                }
                for s in r.steps.all()
            ],
            "created_at": r.created_at,
        }
    )
    return out


def _renovation(request: ApiRequest, renovation_id: int) -> Renovation:
    """The renovation if the user sees it (404 for missing and out of area alike)."""
    return get_object_or_404(
        Renovation.objects.restrict(request.auth, "view").select_related(*RELATED),
        pk=renovation_id,
    )


def _detail(request: ApiRequest, renovation_id: int) -> dict:
    qs = (
        Renovation.objects.restrict(request.auth, "view")
        .select_related(*RELATED, "before_assessment", "after_assessment")
        .prefetch_related(
            "cost_items",
            Prefetch("reports", ProgressReport.objects.select_related("reporter")),
            Prefetch("photos", RenovationPhoto.objects.defer("image", "sha256")),
            "steps__actor",
        )
    )
    return detail_out(get_object_or_404(qs, pk=renovation_id))


def _area(params) -> tuple[str, str]:
    kelurahan = normalize_code(params.kelurahan)
    kecamatan = normalize_code(params.kecamatan)[:8]
    check_filter_codes(params, {"kelurahan": kelurahan, "kecamatan": kecamatan})
    return kecamatan, kelurahan


def _form(request: ApiRequest, *names: str) -> dict:
    """Multipart form fields, blank ones as None (the actions' "not given")."""
    return {name: (request.POST.get(name, "").strip() or None) for name in names}


def _files(request: ApiRequest, name: str) -> list:
    return request.FILES.getlist(name)


def _multipart(fields: dict[str, dict], required: tuple[str, ...] = ()) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": fields, "required": list(required)}
                }
            },
        }
    }


STRING = {"type": "string"}
DATE = {"type": "string", "format": "date", "description": "TTTT-BB-HH (atau HH-BB-TTTT)."}
FILE = {"type": "string", "format": "binary"}
FILES = {
    "type": "array",
    "items": FILE,
    "description": f"Foto JPEG/PNG, maks. {actions.MAX_PHOTOS}.",
}
GPS = {
    "latitude": {"type": "number", "description": "Lintang (opsional)."},
    "longitude": {"type": "number", "description": "Bujur (opsional)."},
}
PHOTOS_DOC = _multipart(
    {
        "kind": {"type": "string", "enum": ["sebelum", "sesudah"]},
        "taken_on": DATE,
        "caption": STRING,
        **GPS,
        "photos": FILES,
    },
    ("kind", "taken_on", "photos"),
)
PROGRESS_DOC = _multipart(
    {
        "reported_on": DATE,
        "percent": {"type": "integer", "minimum": 0, "maximum": 100},
        "note": {"type": "string", "description": "Wajib bila progres tidak bertambah."},
        **GPS,
        "photos": FILES,
    },
    ("reported_on", "percent", "photos"),
)
HANDOVER_DOC = _multipart(
    {
        "handed_over_on": DATE,
        "handover_number": {"type": "string", "description": "Nomor berita acara (BAST)."},
        "handover_note": STRING,
        "final_cost": {"type": "string", "description": 'Biaya realisasi (Rp), mis. "13.600.000".'},
        "cost_reason": {"type": "string", "description": "Wajib bila berbeda dari nilai bantuan."},
        **{
            name: {"type": "string", "description": "Survei rumah sesudah."}
            for name in actions.SURVEY_FIELDS
        },
        "after_photos": {**FILES, "description": "Foto sesudah (wajib bila belum ada)."},
        "handover_document": {**FILE, "description": "Berita acara serah terima (PDF/foto)."},
    },
    ("handed_over_on", "handover_number", "final_cost", *actions.SURVEY_FIELDS),
)


# Reads ------------------------------------------------------------------------------


@router.get("", response={200: RenovationPage, **ERRORS}, summary="Daftar bedah rumah")
def list_renovations(request: ApiRequest, params: Query[RenovationParams]):
    """Bedah rumah di wilayah kerja pengguna, terbaru dahulu. `status=berjalan`:
    perencanaan dan pelaksanaan."""
    kecamatan, kelurahan = _area(params)
    raw = {
        "q": params.q,
        "status": params.status,
        "mode": params.mode,
        "program": params.program,
        "year": params.year,
        "kecamatan": kecamatan,
        "kelurahan": kelurahan,
    }
    errors = invalid_params(raw)
    if errors:
        raise InvalidInput(errors)
    items, count = paginate(
        renovations_for(request.auth, RenovationFilter.from_params(raw)), params
    )
    return {
        "items": [
            renovation_out(r, head_name=r.head_name, planned_cost=r.planned_total) for r in items
        ],
        "count": count,
    }


@router.get("/ready", response={200: RenovationReadyPage, **ERRORS}, summary="Siap dimulai")
def list_ready(request: ApiRequest, params: Query[RenovationReadyParams]):
    """Kepesertaan program bedah rumah yang sudah disetujui dan belum dibuka bedah
    rumahnya, prioritas tertinggi dahulu. Tanpa `surveyed_on`, rumah harus disurvei
    dahulu sebelum bedah rumah dapat dibuka."""
    kecamatan, kelurahan = _area(params)
    flt = RenovationFilter.from_params(
        {"q": params.q, "program": params.program, "kecamatan": kecamatan, "kelurahan": kelurahan}
    )
    items, count = paginate(ready_for(request.auth, flt), params)
    return {
        "items": [
            {
                "enrollment_id": e.pk,
                "program_id": e.program_id,
                "program_name": e.program.name,
                "period": e.period,
                "household_id": e.household_id,
                "head_name": e.head_name,
                "address": e.household.address,
                "kelurahan": e.village_id,
                "kelurahan_name": e.village.name,
                "kecamatan": e.village.district_id,
                "kecamatan_name": e.village.district.name,
                "amount": e.amount,
                "priority_total": e.priority_total,
                "surveyed_on": e.surveyed_on,
                "is_rtlh": e.is_rtlh,
            }
            for e in items
        ],
        "count": count,
    }


@router.get("/target", response={200: RenovationTargetOut, **ERRORS}, summary="Target nol RTLH")
def rtlh_target(request: ApiRequest, tahun_target: int | None = None):
    """Per kecamatan di wilayah kerja: rumah RTLH tersisa, bedah rumah berjalan,
    serah terima per tahun dan 12 bulan terakhir, laju per tahun yang diperlukan
    agar RTLH habis pada tahun target, dan tahun habisnya dengan laju sekarang.
    Bawaan `tahun_target`: PILAR_RTLH_TARGET_YEAR."""
    on = today()
    year = target_year() if tahun_target is None else tahun_target
    if not on.year <= year <= on.year + TARGET_HORIZON:
        raise InvalidInput(
            {
                "tahun_target": [
                    f"Tahun target harus antara {on.year} dan {on.year + TARGET_HORIZON}."
                ]
            }
        )
    rows, total = target_rows(request.auth, on, year)

    def row_out(row) -> dict:
        return {
            "code": row.code,
            "name": row.name,
            "remaining": row.remaining,
            "in_progress": row.in_progress,
            "by_year": row.by_year,
            "last_12_months": row.last_12_months,
            "still_rtlh_after": row.still_rtlh_after,
            "needed_per_year": row.needed_per_year,
            "zero_year": row.zero_year,
            "on_track": row.on_track,
        }

    return {
        "target_year": year,
        "on": on,
        "years": total.years,
        "rows": [row_out(r) for r in rows],
        "total": row_out(total),
    }


@router.get(
    "/{renovation_id}", response={200: RenovationDetailOut, **ERRORS}, summary="Satu bedah rumah"
)
def get_renovation(request: ApiRequest, renovation_id: int):
    """RAB, laporan progres, foto, survei dan asesmen RTLH sebelum/sesudah, dan
    riwayat langkahnya. Tanpa NIK."""
    return _detail(request, renovation_id)


# Writes -----------------------------------------------------------------------------


@router.post(
    "",
    response={201: RenovationDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Buka bedah rumah dari kepesertaan",
)
def open_renovation(request: ApiRequest, payload: RenovationOpenIn):
    """Dinas Sosial/admin. Kepesertaan program bedah rumah yang sudah disetujui;
    keluarganya harus sudah memiliki survei rumah."""
    enrollment = get_object_or_404(
        Enrollment.objects.restrict(request.auth, "view"), pk=payload.enrollment_id
    )
    renovation = actions.open_renovation(
        enrollment, acting_user=request.auth, data=payload.model_dump(exclude={"enrollment_id"})
    )
    return Status(201, _detail(request, renovation.pk))


@router.put(
    "/{renovation_id}/plan",
    response={200: RenovationDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Simpan cara pelaksanaan dan RAB",
)
def save_plan(request: ApiRequest, renovation_id: int, payload: RenovationPlanIn):
    """Mengganti seluruh baris RAB. Total RAB tidak boleh melebihi nilai bantuan."""
    renovation = _renovation(request, renovation_id)
    items = [
        {
            **item.model_dump(),
            "quantity": item.quantity,
            "unit_price": item.unit_price,
        }
        for item in payload.items
    ]
    actions.save_plan(
        renovation,
        acting_user=request.auth,
        data=payload.model_dump(exclude={"items"}),
        items=items,
    )
    return _detail(request, renovation_id)


@router.post(
    "/{renovation_id}/photos",
    response={201: RenovationDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Unggah foto sebelum/sesudah (multipart)",
    openapi_extra=PHOTOS_DOC,
)
def add_photos(request: ApiRequest, renovation_id: int):
    """Foto sebelum selama bedah rumah berjalan; foto sesudah setelah pekerjaan
    dimulai. Foto progres dikirim bersama laporan progres."""
    renovation = _renovation(request, renovation_id)
    form = _form(request, "kind", "taken_on", "caption", "latitude", "longitude")
    actions.add_photos(
        renovation,
        acting_user=request.auth,
        kind=form["kind"] or "",
        taken_on=form["taken_on"],
        files=_files(request, "photos"),
        data=form,
    )
    return Status(201, _detail(request, renovation_id))


@router.post(
    "/{renovation_id}/start",
    response={200: RenovationDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Mulai pelaksanaan",
)
def start_work(request: ApiRequest, renovation_id: int, payload: RenovationStartIn):
    """Memerlukan RAB, foto sebelum, dan nama kontraktor bila dikerjakan kontraktor."""
    renovation = _renovation(request, renovation_id)
    actions.start_work(
        renovation, acting_user=request.auth, started_on=payload.started_on, note=payload.note
    )
    return _detail(request, renovation_id)


@router.post(
    "/{renovation_id}/progress",
    response={201: RenovationDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Laporkan progres (multipart, dengan foto)",
    openapi_extra=PROGRESS_DOC,
)
def report_progress(request: ApiRequest, renovation_id: int):
    """Progres tidak boleh turun dan tanggalnya urut; paling sedikit satu foto."""
    renovation = _renovation(request, renovation_id)
    form = _form(request, "reported_on", "percent", "note", "latitude", "longitude")
    actions.report_progress(
        renovation,
        acting_user=request.auth,
        reported_on=form["reported_on"],
        percent=form["percent"],
        files=_files(request, "photos"),
        data=form,
    )
    return Status(201, _detail(request, renovation_id))


@router.post(
    "/{renovation_id}/handover",
    response={200: RenovationDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Serah terima (multipart, survei rumah sesudah)",
    openapi_extra=HANDOVER_DOC,
)
def hand_over(request: ApiRequest, renovation_id: int):
    """Memerlukan progres 100%, foto sesudah (sudah ada atau dikirim di sini), nomor
    BAST dan seluruh isian survei rumah sesudah dikerjakan. Mencatat survei dan
    asesmen RTLH baru (rumah yang lolos keluar dari hitungan RTLH) serta penyaluran
    dan penyelesaian kepesertaan."""
    renovation = _renovation(request, renovation_id)
    data = _form(
        request, "handed_over_on", "handover_number", "handover_note", "final_cost", "cost_reason"
    )
    actions.hand_over(
        renovation,
        acting_user=request.auth,
        data=data,
        survey=_form(request, *actions.SURVEY_FIELDS),
        after_files=_files(request, "after_photos"),
        document=request.FILES.get("handover_document"),
    )
    return _detail(request, renovation_id)


@router.post(
    "/{renovation_id}/cancel",
    response={200: RenovationDetailOut, **ERRORS},
    auth=AUTH_EDIT,
    summary="Batalkan bedah rumah",
)
def cancel(request: ApiRequest, renovation_id: int, payload: RenovationCancelIn):
    renovation = _renovation(request, renovation_id)
    actions.cancel(renovation, acting_user=request.auth, reason=payload.reason)
    return _detail(request, renovation_id)
