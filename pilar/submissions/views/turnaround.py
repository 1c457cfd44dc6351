"""Turnaround figures of the verification chain (per kecamatan, or per kelurahan of
one kecamatan) and their export."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render

from pilar.accounts.scope import area_options
from pilar.accounts.types import AuthedRequest
from pilar.core.tables import download_response
from pilar.core.web import people_required
from pilar.regions.deployment import normalize_code
from pilar.regions.models import District
from pilar.submissions import exports as cols
from pilar.submissions.forms import PeriodForm
from pilar.submissions.stats import Period, turnaround


def _turnaround_args(
    request: AuthedRequest,
) -> tuple[PeriodForm, Period, str, District | None, list[District]]:
    user = request.user
    form = PeriodForm(request.GET or None)
    period = Period.default()
    if form.is_bound and form.is_valid():
        period = Period(
            form.cleaned_data.get("dari") or period.start,
            form.cleaned_data.get("sampai") or period.end,
        )
        if period.start > period.end:
            period = Period.default()
    kecamatan = normalize_code(str(request.GET.get("kecamatan") or ""))[:8]
    districts, _ = area_options(user)
    district = None
    if kecamatan:
        district = next((d for d in districts if d.code == kecamatan), None)
        if district is None:
            raise Http404
    return form, period, kecamatan, district, districts


@people_required
def turnaround_view(request: AuthedRequest) -> HttpResponse:
    form, period, kecamatan, district, districts = _turnaround_args(request)
    rows, total = turnaround(request.user, period, kecamatan)
    return render(
        request,
        "submissions/turnaround.html",
        {
            "form": form,
            "period": period,
            "rows": rows,
            "total": total,
            "district": district,
            "kecamatan": kecamatan,
            "single_district": len(districts) == 1,
            "districts": districts,
        },
    )


@people_required
def turnaround_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    _, period, kecamatan, district, _ = _turnaround_args(request)
    rows, total = turnaround(request.user, period, kecamatan)
    total = {**total, "code": "", "name": "Jumlah"}
    area = "Kelurahan" if kecamatan else "Kecamatan"
    name = f"waktu-proses-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    return download_response(
        fmt, cols.turnaround_columns(area), [*rows, total], name=name, sheet_name="Waktu proses"
    )
