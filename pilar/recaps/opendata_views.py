"""/data-terbuka/: the open-data page, its data.json catalogue and the CSV files.
Public (no login) only while PILAR_OPEN_DATA is on; otherwise every address is a
404, as if it did not exist."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from pilar.core.documents.letterhead import letterhead
from pilar.core.errors import InvalidInput
from pilar.core.formatting import month_label
from pilar.recaps import opendata, periods


def _enabled() -> None:
    if not settings.PILAR_OPEN_DATA:
        raise Http404


def _month(request: HttpRequest) -> tuple[datetime.date | None, str]:
    """The month asked for (default: the latest published one), or an error message."""
    text = request.GET.get("bulan")
    published = opendata.published_months()
    if not text:
        return (published[0] if published else None), ""
    try:
        month = periods.parse_month(text)
    except InvalidInput as exc:
        return None, " ".join(m for ms in exc.errors.values() for m in ms)
    if month not in published:
        return None, (
            f"Data bulan {month_label(month)} belum diterbitkan: hanya bulan yang sudah "
            "berakhir dan dibekukan yang diterbitkan."
        )
    return month, ""


def _office() -> str:
    head = letterhead()
    return f"{head.office} {head.government}"


def index(request: HttpRequest):
    _enabled()
    month, error = _month(request)
    return render(
        request,
        "recaps/opendata.html",
        {
            "datasets": opendata.DATASETS,
            "month": month,
            "months": opendata.published_months(),
            "error": error,
            "office": _office(),
            "threshold": opendata.threshold(),
            "mark": opendata.MARK,
        },
        status=400 if error else 200,
    )


def catalogue(request: HttpRequest):
    _enabled()
    month, _ = _month(request)
    base = request.build_absolute_uri("/data-terbuka/")
    region = periods.city()
    data = opendata.catalogue(base, _office(), f"{region.name} ({region.code})", month)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


def dataset_csv(request: HttpRequest, slug: str):
    _enabled()
    dataset = opendata.BY_SLUG.get(slug)
    if dataset is None:
        raise Http404
    month, error = _month(request)
    if error or month is None:
        return HttpResponse(
            error or "Belum ada data yang diterbitkan.",
            status=400 if error else 404,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        opendata.csv_text(dataset, month), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-{month:%Y-%m}.csv"'
    return response
