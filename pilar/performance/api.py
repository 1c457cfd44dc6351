"""API of PSKS performance (mounted at /api/v1/performance): the `/kinerja/` page's
monthly table, one worker's months, and the effect of a training. The figures are
`metrics.monthly` and `metrics.training_effect`, the page's own, and the workers are
those of `filters.monthly_filter` (Dinas Sosial, admin and pimpinan: everyone; a
TKSK: their kecamatan; a PSM: themself; mitra: 403)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from pilar.accounts.types import ApiRequest
from pilar.core.api import AUTH_PEOPLE, ERRORS, paginate
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.freshness.rules import add_months
from pilar.performance.filters import month_label, monthly_filter, parse_month
from pilar.performance.metrics import (
    WorkerMonth,
    due_estimate,
    monthly,
    training_effect,
    workers_for,
)
from pilar.performance.schemas import (
    MonthlyParams,
    PerformanceMonthlyPage,
    PerformanceWorkerMonthsOut,
    RangeParams,
    TrainingEffectOut,
    TrainingEffectParams,
)
from pilar.psks.models import PsksWorker, TrainingEvent

router = Router()

# One worker's months are computed month by month (a handful of grouped queries
# each): two years at most per call.
MAX_MONTHS = 24
MSG_RANGE_ORDER = "Bulan awal harus sebelum atau sama dengan bulan akhir."
MSG_RANGE_LONG = f"Rentang paling lama {MAX_MONTHS} bulan."
MSG_TRAINING_CITY = "Dampak pelatihan hanya dapat dilihat Dinas Sosial, admin dan pimpinan."

JENIS_BY_NUMBER = {2: "psm", 11: "tksk"}
GROUP_KEYS = {"Peserta (bersertifikat)": "peserta", "Belum terlatih": "belum_terlatih"}


def _worker(worker: PsksWorker, user_id: int | None) -> dict:
    return {
        "worker_id": worker.pk,
        "name": worker.name,
        "jenis": JENIS_BY_NUMBER.get(worker.psks_type.number, ""),
        "role": worker.psks_type.short_name,
        "kecamatan": worker.district_id,
        "kecamatan_name": worker.district.name,
        "kelurahan": worker.village_id,
        "kelurahan_name": worker.village.name if worker.village is not None else None,
        "has_account": user_id is not None,
    }


def _figures(r: WorkerMonth) -> dict:
    return {
        "submitted": r.submitted,
        "returned": r.returned,
        "validated": r.validated,
        "fields_corrected": r.fields_corrected,
        "corrections_per_report": r.corrections_per_report,
        "verified": r.verified,
        "turnaround_hours": r.turnaround_hours,
        "visited": r.visited,
        "due": r.due,
        "cases_followed": r.cases_followed,
        "due_estimate": r.due_estimate,
    }


@router.get(
    "/monthly",
    response={200: PerformanceMonthlyPage, **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Kinerja PSKS per pekerja dalam satu bulan",
)
def monthly_list(request: ApiRequest, params: Query[MonthlyParams]):
    """Baris dan kolom yang sama dengan halaman `/kinerja/` dan ekspornya. Dinas Sosial,
    admin dan pimpinan melihat semua pekerja; TKSK pekerja di kecamatannya; PSM dirinya
    sendiri. Bulan yang salah tulis atau belum tiba, dan kecamatan/kelurahan yang tidak
    dikenal atau di luar wilayah kerja: 422."""
    flt = monthly_filter(
        request.auth,
        month=params.month,
        search=params.search,
        kecamatan=params.kecamatan,
        kelurahan=params.kelurahan,
        jenis=params.jenis,
    )
    if flt.problems:
        raise InvalidInput({name: [message] for name, message in flt.problems.items()})
    workers, count = paginate(flt.workers, params)
    rows = monthly(request.auth, flt.month, workers=workers)
    return {
        "month": flt.month.strftime("%Y-%m"),
        "month_label": month_label(flt.month),
        "due_estimate": due_estimate(flt.month),
        "items": [{**_worker(r.worker, r.user_id), **_figures(r)} for r in rows],
        "count": count,
    }


def _range(params: RangeParams) -> list[datetime.date]:
    problems: dict[str, list[str]] = {}
    end, problem = parse_month(params.to_month)
    if problem:
        problems["to"] = [problem]
    if params.from_month.strip():
        start, problem = parse_month(params.from_month)
        if problem:
            problems["from"] = [problem]
    else:
        start = add_months(end, -11)
    if not problems:
        if start > end:
            problems["from"] = [MSG_RANGE_ORDER]
        elif (end.year - start.year) * 12 + end.month - start.month + 1 > MAX_MONTHS:
            problems["from"] = [MSG_RANGE_LONG]
    if problems:
        raise InvalidInput(problems)
    months = []
    while start <= end:
        months.append(start)
        start = add_months(start, 1)
    return months


@router.get(
    "/workers/{worker_id}",
    response={200: PerformanceWorkerMonthsOut, **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Kinerja satu pekerja PSKS per bulan",
)
def worker_months(request: ApiRequest, worker_id: int, params: Query[RangeParams]):
    """Angka bulanan satu pekerja (kolom yang sama dengan `/monthly`), paling lama 24
    bulan, bawaan 12 bulan terakhir. Pekerja di luar wilayah kerja pengguna (TKSK:
    kecamatan lain; PSM: selain dirinya) dijawab 404, sama seperti ID yang tidak ada."""
    user = request.auth
    worker = workers_for(user).filter(pk=worker_id).first()
    if worker is None:
        raise NotAllowed
    months = _range(params)
    out = []
    user_id = None
    for month in months:
        (row,) = monthly(user, month, workers=[worker])
        user_id = row.user_id
        out.append(
            {"month": month.strftime("%Y-%m"), "month_label": month_label(month), **_figures(row)}
        )
    return {"worker": _worker(worker, user_id), "months": out}


@router.get(
    "/training/{event_id}",
    response={200: TrainingEffectOut, **ERRORS},
    auth=AUTH_PEOPLE,
    summary="Dampak pelatihan",
)
def training(request: ApiRequest, event_id: int, params: Query[TrainingEffectParams]):
    """Peserta bersertifikat dibanding pekerja yang belum mengikuti bimtek dasar, sekian
    bulan sebelum dan sesudah pelatihan (sama dengan halaman
    `/kinerja/pelatihan/<id>/`). Hanya Dinas Sosial, admin dan pimpinan (lainnya 403)."""
    if not request.auth.is_city_wide:
        raise PermissionDenied(MSG_TRAINING_CITY)
    event = get_object_or_404(TrainingEvent, pk=event_id)
    rows = training_effect(event, params.months)
    return {
        "event_id": event.pk,
        "title": event.title,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "months": params.months,
        "rows": [
            {
                "group": GROUP_KEYS.get(r.group, r.group),
                "group_label": r.group,
                "period": r.period,
                "workers": r.workers,
                "months": r.months,
                "submitted": r.submitted,
                "reports_per_worker_month": r.reports_per_worker_month,
                "fields_corrected": r.fields_corrected,
                "corrections_per_report": r.corrections_per_report,
                "verified": r.verified,
                "turnaround_hours": r.turnaround_hours,
            }
            for r in rows
        ],
    }
