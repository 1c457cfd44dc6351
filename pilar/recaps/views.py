"""The /rekap/ page: pick a month and an area, download each official recap as XLSX
or PDF (logged), and the monthly reports for the mayor.

Only the roles of `periods.may_read_recaps` reach it; an area outside the user's
area answers as an unknown one, with the message on the page (400), never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.dates import today
from pilar.core.errors import InvalidInput
from pilar.recaps import periods
from pilar.recaps.builders import BY_SLUG, recaps_for
from pilar.recaps.builders.context import Context
from pilar.recaps.models import MonthlyReport, ReportStatus
from pilar.recaps.render import FORMATS, download
from pilar.recaps.tasks import queue_report
from pilar.submissions.models import Notification

MONTHLY_WRITERS = {"admin", "dinsos"}


def _check(request: AuthedRequest) -> None:
    if not periods.may_read_recaps(request.user):
        raise PermissionDenied


def _errors(exc: InvalidInput) -> list[str]:
    return [m for messages_ in exc.errors.values() for m in messages_]


def _page(request: AuthedRequest, *, errors: list[str] | None = None, status: int = 200):
    user = request.user
    month, area = periods.current_month(), None
    try:
        month = periods.parse_month(request.GET.get("bulan"))
    except InvalidInput as exc:
        errors = (errors or []) + _errors(exc)
    try:
        area = periods.resolve_area(user, request.GET.get("wilayah"))
    except InvalidInput as exc:
        errors = (errors or []) + _errors(exc)
        area = periods.areas_for(user)[0]
    reports = None
    if user.is_city_wide:
        reports = MonthlyReport.objects.select_related("requested_by")[:24]
    return render(
        request,
        "recaps/index.html",
        {
            "month": month,
            "area": area,
            "months": periods.months_available(),
            "areas": periods.areas_for(user),
            "recaps": recaps_for(user),
            "reports": reports,
            "may_request": user.role in MONTHLY_WRITERS,
            "errors": errors or [],
            "report_month": periods.add_months(periods.current_month(), -1),
        },
        status=400 if errors else status,
    )


@login_required
def index(request: AuthedRequest):
    _check(request)
    return _page(request)


@login_required
def recap_file(request: AuthedRequest, slug: str, fmt: str):
    _check(request)
    recap = BY_SLUG.get(slug)
    if recap is None or fmt not in FORMATS or not recap.allowed(request.user):
        raise Http404
    try:
        month = periods.parse_month(request.GET.get("bulan"))
        area = periods.resolve_area(request.user, request.GET.get("wilayah"))
        doc = recap.build(Context(request.user, area, month, today()))
    except InvalidInput as exc:
        return _page(request, errors=_errors(exc))
    return download(
        request,
        doc,
        fmt,
        object_type="rekap",
        extra={"recap": slug, "month": f"{month:%Y-%m}", "area": area.code},
    )


def _city_report(request: AuthedRequest, month_text: str) -> MonthlyReport:
    _check(request)
    if not request.user.is_city_wide:
        raise Http404
    try:
        month = periods.parse_month(month_text)
    except InvalidInput:
        raise Http404 from None
    report = MonthlyReport.objects.filter(month=month, status=ReportStatus.DONE).first()
    if report is None or not report.file:
        raise Http404
    return report


@login_required
def monthly_file(request: AuthedRequest, month: str):
    report = _city_report(request, month)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="laporan_bulanan",
        object_id=f"{report.month:%Y-%m}",
        request=request,
        extra={"format": "pdf", "bytes": report.size},
    )
    # Opening the report reads its notification.
    Notification.objects.filter(user=request.user, url=request.path, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=f"laporan-bulanan-{report.month:%Y-%m}.pdf",
        content_type="application/pdf",
    )


@require_POST
@login_required
def monthly_request(request: AuthedRequest):
    _check(request)
    if request.user.role not in MONTHLY_WRITERS:
        raise PermissionDenied
    try:
        month = periods.parse_month(request.POST.get("bulan"))
    except InvalidInput as exc:
        return _page(request, errors=_errors(exc))
    queue_report(month, acting_user=request.user)
    messages.success(
        request,
        f"Laporan bulanan {month:%m/%Y} sedang dibuat; daftar di bawah menunjukkan statusnya.",
    )
    return redirect("recaps:index")
