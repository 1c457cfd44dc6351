"""Recaps in the API (`/api/v1/figures/recaps/...`), scoped as the /rekap/ page: the
same roles, areas and months, the same documents (as JSON tables or as the XLSX/PDF
files, each file logged as an export), and the monthly reports of the city."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import reverse
from ninja import Router

from pilar.accounts.types import ApiRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.api import AUTH_PEOPLE, ERRORS
from pilar.core.dates import today
from pilar.core.documents.model import Document
from pilar.core.errors import InvalidInput
from pilar.recaps import periods
from pilar.recaps.builders import BY_SLUG, Recap, recaps_for
from pilar.recaps.builders.context import Context
from pilar.recaps.models import MonthlyReport, ReportStatus
from pilar.recaps.render import FORMATS, download
from pilar.recaps.schemas import MonthlyReportOut, RecapIndexOut, RecapOut

router = Router(auth=AUTH_PEOPLE)


def _user(request: ApiRequest):
    user = request.auth
    if not periods.may_read_recaps(user):
        raise PermissionDenied
    return user


def _recap(user, slug: str) -> Recap:
    recap = BY_SLUG.get(slug)
    if recap is None or not recap.allowed(user):
        raise Http404
    return recap


def _build(user, recap: Recap, bulan: str | None, wilayah: str | None) -> tuple[Document, dict]:
    month = periods.parse_month(bulan)
    area = periods.resolve_area(user, wilayah)
    doc = recap.build(Context(user, area, month, today()))
    return doc, {"recap": recap.slug, "month": f"{month:%Y-%m}", "area": area.code}


@router.get("", response={200: RecapIndexOut, **ERRORS}, summary="Daftar rekap, wilayah dan bulan")
def recap_index(request: ApiRequest):
    user = _user(request)
    return {
        "recaps": [
            {"slug": r.slug, "title": r.title, "description": r.description}
            for r in recaps_for(user)
        ],
        "areas": [
            {"code": a.code, "name": a.name, "is_city": a.is_city} for a in periods.areas_for(user)
        ],
        "first_month": f"{periods.first_month():%Y-%m}",
        "current_month": f"{periods.current_month():%Y-%m}",
    }


@router.get("/monthly", response={200: list[MonthlyReportOut], **ERRORS}, summary="Laporan bulanan")
def monthly_reports(request: ApiRequest):
    user = _user(request)
    if not user.is_city_wide:
        raise PermissionDenied
    return [
        {
            "month": f"{r.month:%Y-%m}",
            "status": r.status,
            "size": r.size,
            "finished_at": r.finished_at,
            "url": (
                reverse("api-v1:pilar_recaps_api_monthly_report_file", args=[f"{r.month:%Y-%m}"])
                if r.status == ReportStatus.DONE
                else None
            ),
        }
        for r in MonthlyReport.objects.all()[:120]
    ]


@router.get(
    "/monthly/{month}",
    response={200: None, **ERRORS},
    summary="Berkas PDF laporan bulanan",
    url_name="pilar_recaps_api_monthly_report_file",
)
def monthly_report_file(request: ApiRequest, month: str):
    user = _user(request)
    if not user.is_city_wide:
        raise Http404
    try:
        chosen = periods.parse_month(month)
    except InvalidInput:
        raise Http404 from None
    report = MonthlyReport.objects.filter(month=chosen, status=ReportStatus.DONE).first()
    if report is None or not report.file:
        raise Http404
    log_access(
        user=user,
        action=AccessAction.EXPORT,
        object_type="laporan_bulanan",
        object_id=f"{report.month:%Y-%m}",
        request=request,
        extra={"format": "pdf", "bytes": report.size},
    )
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"laporan-bulanan-{report.month:%Y-%m}.pdf",
        content_type="application/pdf",
    )


@router.get("/{slug}", response={200: RecapOut, **ERRORS}, summary="Isi satu rekap (tabel)")
def recap_tables(request: ApiRequest, slug: str, bulan: str = "", wilayah: str = ""):
    user = _user(request)
    recap = _recap(user, slug)
    doc, info = _build(user, recap, bulan, wilayah)
    return {
        "slug": recap.slug,
        "title": doc.title,
        "period": doc.period,
        "month": info["month"],
        "area_code": doc.area_code,
        "area_name": doc.area_name,
        "tables": [t.as_dict() for t in doc.tables()],
    }


@router.get(
    "/{slug}/{fmt}",
    response={200: None, **ERRORS},
    summary="Rekap sebagai berkas XLSX atau PDF (dicatat di log akses)",
)
def recap_file(request: ApiRequest, slug: str, fmt: str, bulan: str = "", wilayah: str = ""):
    user = _user(request)
    recap = _recap(user, slug)
    if fmt not in FORMATS:
        raise Http404
    doc, info = _build(user, recap, bulan, wilayah)
    return download(request, doc, fmt, object_type="rekap", extra=info)  # type: ignore[arg-type]
