"""Performance pages: the month's figures per worker (Dinas Sosial: everyone, TKSK:
their kecamatan, PSM: themself), with search, pagination and export; and the effect
of a training (participants before/after beside those not yet trained)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from pilar.accounts.types import AuthedRequest
from pilar.audit.exports import logged_download
from pilar.core.dates import today
from pilar.core.tables import INT, Column
from pilar.core.web import PAGE_SIZE, people_required
from pilar.performance.filters import MonthlyFilter, month_label, monthly_filter
from pilar.performance.metrics import ESTIMATE_NOTE, monthly, training_effect
from pilar.psks.models import TrainingEvent
from pilar.regions.deployment import districts

# The page's parameter `peran` names the PSKS type by its number; the filter by word.
PERAN = {"2": "psm", "11": "tksk"}


def _filter(request: AuthedRequest) -> MonthlyFilter:
    """The shared filter with the page's parameter names. Problems are shown above
    the table; the page then falls back (current month, that filter left out)."""
    get = request.GET
    return monthly_filter(
        request.user,
        month=get.get("bulan", ""),
        search=get.get("q", ""),
        kecamatan=get.get("kecamatan", ""),
        kelurahan=get.get("kelurahan", ""),
        jenis=PERAN.get(get.get("peran", ""), ""),
    )


def _form_values(request: AuthedRequest, flt: MonthlyFilter) -> dict[str, str]:
    return {
        "q": flt.applied.get("search", ""),
        "kecamatan": flt.applied.get("kecamatan", ""),
        "peran": request.GET.get("peran", "") if "jenis" in flt.applied else "",
    }


@people_required
def monthly_page(request: AuthedRequest):
    flt = _filter(request)
    month, workers = flt.month, flt.workers
    page = Paginator(workers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = monthly(request.user, month, workers=list(page.object_list))
    start = today().replace(day=1)
    options = []
    for i in range(24):
        m = (start.month - 1 - i) % 12 + 1
        y = start.year + (start.month - 1 - i) // 12
        d = datetime.date(y, m, 1)
        options.append((d.strftime("%Y-%m"), month_label(d)))
    return render(
        request,
        "performance/monthly.html",
        {
            "rows": rows,
            "due_estimate": any(r.due_estimate for r in rows),
            "estimate_note": ESTIMATE_NOTE,
            "page_obj": page,
            "month": month,
            "month_label": month_label(month),
            "months": options,
            "flt": _form_values(request, flt),
            "problems": list(flt.problems.values()),
            "districts": districts() if request.user.is_city_wide else [],
            "tab": "performance",
        },
    )


@people_required
def monthly_export(request: AuthedRequest, fmt: str):
    flt = _filter(request)
    month, workers = flt.month, flt.workers
    rows = monthly(request.user, month, workers=list(workers))
    columns = [
        Column("Nama", lambda r: r.worker.name, width=28),
        Column("Peran", lambda r: r.worker.psks_type.short_name, width=8),
        Column("Kecamatan", lambda r: r.worker.district.name, width=18),
        Column(
            "Kelurahan", lambda r: r.worker.village.name if r.worker.village_id else "", width=18
        ),
        Column("Laporan diajukan", lambda r: r.submitted, INT, 10),
        Column("Dikembalikan", lambda r: r.returned, INT, 10),
        Column("Divalidasi", lambda r: r.validated, INT, 10),
        Column("Isian dikoreksi", lambda r: r.fields_corrected, INT, 10),
        Column(
            "Koreksi per laporan",
            lambda r: (
                float(r.corrections_per_report) if r.corrections_per_report is not None else None
            ),
            width=10,
        ),
        Column("Diverifikasi (TKSK)", lambda r: r.verified, INT, 10),
        Column(
            "Rata-rata jam verifikasi",
            lambda r: float(r.turnaround_hours) if r.turnaround_hours is not None else None,
            width=12,
        ),
        Column("Keluarga dikunjungi", lambda r: r.visited, INT, 10),
        Column("Keluarga jatuh tempo", lambda r: r.due, INT, 10),
        Column(
            "Keterangan jatuh tempo",
            lambda r: ESTIMATE_NOTE if r.due_estimate else "",
            width=30,
        ),
        Column("Kasus ditindaklanjuti", lambda r: r.cases_followed, INT, 10),
    ]
    return logged_download(
        request,
        fmt,
        queryset=workers,
        filters={"bulan": month.strftime("%Y-%m"), **flt.applied},
        columns=columns,
        object_type="performance.monthly",
        name=f"kinerja-psks-{month:%Y-%m}",
        sheet_name="Kinerja",
        rows=rows,
    )


@people_required
def training_effect_page(request: AuthedRequest, pk: int):
    if not request.user.is_city_wide:
        raise PermissionDenied
    event = get_object_or_404(TrainingEvent, pk=pk)
    months = 3
    raw = request.GET.get("bulan", "")
    if raw.isdigit() and 1 <= int(raw) <= 12:
        months = int(raw)
    return render(
        request,
        "performance/training_effect.html",
        {
            "event": event,
            "rows": training_effect(event, months),
            "months": months,
            "tab": "training",
        },
    )
