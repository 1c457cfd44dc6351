"""Import pages: upload a file, watch it being checked, read the preview, import the
valid rows or nothing, download the problems to fix them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.errors import InvalidInput
from pilar.core.tables import INT, XLSX_TYPE, Column, download_response
from pilar.core.web import PAGE_SIZE
from pilar.imports import actions
from pilar.imports.models import BatchStatus, ImportBatch, ImportProblem
from pilar.imports.problems import problems_xlsx
from pilar.imports.readers import FileProblem
from pilar.imports.template import template_csv, template_xlsx

PROBLEMS_PAGE_SIZE = 50


def _require_importer(request: AuthedRequest) -> None:
    if not actions.may_import(request.user):
        raise PermissionDenied


def _batch(request: AuthedRequest, pk: int) -> ImportBatch:
    _require_importer(request)
    return get_object_or_404(ImportBatch.objects.select_related("created_by"), pk=pk)


def _batches(request: AuthedRequest):
    qs = ImportBatch.objects.select_related("created_by", "imported_by")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(file_name__icontains=q)
    return qs, q


def _summary(key: str):
    return lambda b: (b.summary or {}).get(key)


BATCH_COLUMNS = [
    Column("batch", lambda b: b.pk, INT, 8),
    Column("nama berkas", lambda b: b.file_name, width=30),
    Column("SHA-256", lambda b: b.file_sha256, width=20),
    Column("ukuran (byte)", lambda b: b.file_size, INT),
    Column("diunggah", lambda b: timezone.localtime(b.created_at).strftime("%d-%m-%Y %H:%M")),
    Column("diunggah oleh", lambda b: b.created_by.username if b.created_by else "sistem"),
    Column("status", lambda b: b.get_status_display()),
    Column("uji coba", lambda b: "ya" if b.dry_run else "tidak", width=8),
    Column("baris", _summary("rows"), INT),
    Column("baris valid", _summary("valid_rows"), INT),
    Column("baris ditolak", _summary("error_rows"), INT),
    Column("keluarga baru", _summary("households_created"), INT),
    Column("keluarga diperbarui", _summary("households_updated"), INT),
    Column("individu baru", _summary("persons_created"), INT),
    Column("individu diperbarui", _summary("persons_updated"), INT),
    Column("data PPKS baru", _summary("ppks_created"), INT),
    Column(
        "diimpor",
        lambda b: (
            timezone.localtime(b.imported_at).strftime("%d-%m-%Y %H:%M") if b.imported_at else ""
        ),
    ),
    Column("diimpor oleh", lambda b: b.imported_by.username if b.imported_by else ""),
    Column("masalah berkas", lambda b: b.file_problem, width=40),
]


@login_required
def batch_export(request: AuthedRequest, fmt: str):
    """The batch list as shown (same search), for the office's own records."""
    _require_importer(request)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    qs, q = _batches(request)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="import_batches",
        request=request,
        extra={"filter": {"q": q}, "format": fmt, "rows": qs.count()},
    )
    return download_response(
        fmt, BATCH_COLUMNS, qs.iterator(), name="batch-impor", sheet_name="Batch impor"
    )


@login_required
def batch_list(request: AuthedRequest):
    _require_importer(request)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "Pilih berkas CSV atau XLSX untuk diunggah."
        else:
            try:
                with transaction.atomic():
                    batch = actions.create_batch(
                        acting_user=request.user,
                        file_name=upload.name,
                        source=upload,
                        dry_run=bool(request.POST.get("dry_run")),
                    )
                    actions.start_check(batch)
            except InvalidInput as exc:
                error = " ".join(m for msgs in exc.errors.values() for m in msgs)
            else:
                return redirect("imports:detail", pk=batch.pk)
    qs, q = _batches(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/batch_list.html",
        {"page": page, "q": q, "error": error, "max_mb": actions.max_upload_bytes() // 2**20},
        status=400 if error else 200,
    )


@login_required
def template_download(request: AuthedRequest, fmt: str):
    if not request.user.is_authenticated:
        raise PermissionDenied
    if fmt == "xlsx":
        response = HttpResponse(template_xlsx(), content_type=XLSX_TYPE)
    elif fmt == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="templat-impor-pilar.{fmt}"'
    return response


def _detail_context(request: AuthedRequest, batch: ImportBatch) -> dict:
    kind = request.GET.get("jenis", "galat")
    problems = ImportProblem.objects.filter(batch=batch).order_by("row_number", "id")
    if kind == "peringatan":
        problems = problems.filter(is_error=False)
    elif kind != "semua":
        kind = "galat"
        problems = problems.filter(is_error=True)
    q = request.GET.get("q", "").strip()
    if q.isdigit():
        problems = problems.filter(row_number=int(q))
    elif q:
        problems = problems.filter(message__icontains=q)
    return {
        "batch": batch,
        "summary": batch.summary,
        "problems": Paginator(problems, PROBLEMS_PAGE_SIZE).get_page(request.GET.get("page")),
        "kind": kind,
        "q": q,
        "statuses": BatchStatus,
        "same_file_before": ImportBatch.objects.filter(
            file_sha256=batch.file_sha256, status=BatchStatus.DONE
        )
        .exclude(pk=batch.pk)
        .order_by("-imported_at")
        .first(),
    }


@login_required
def batch_detail(request: AuthedRequest, pk: int):
    batch = _batch(request, pk)
    return render(request, "imports/batch_detail.html", _detail_context(request, batch))


@login_required
def batch_status(request: AuthedRequest, pk: int):
    """The progress block, polled by htmx; a finished step reloads the whole page."""
    batch = _batch(request, pk)
    response = render(request, "imports/_progress.html", {"batch": batch})
    if not batch.is_running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def batch_confirm(request: AuthedRequest, pk: int):
    batch = _batch(request, pk)
    try:
        with transaction.atomic():
            actions.confirm_import(batch, acting_user=request.user)
    except InvalidInput as exc:
        for msgs in exc.errors.values():
            for message in msgs:
                messages.error(request, message)
    return redirect("imports:detail", pk=batch.pk)


@login_required
@require_POST
def batch_cancel(request: AuthedRequest, pk: int):
    batch = _batch(request, pk)
    try:
        actions.cancel_batch(batch, acting_user=request.user)
    except InvalidInput as exc:
        for msgs in exc.errors.values():
            for message in msgs:
                messages.error(request, message)
    else:
        messages.info(request, "Impor dibatalkan; tidak ada data yang ditulis.")
    return redirect("imports:detail", pk=batch.pk)


@login_required
def problems_download(request: AuthedRequest, pk: int):
    batch = _batch(request, pk)
    try:
        handle = problems_xlsx(batch)
    except FileProblem as exc:
        messages.error(request, exc.message)
        return redirect("imports:detail", pk=batch.pk)
    stem = batch.file_name.rsplit(".", 1)[0]
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"masalah-{stem}.xlsx",
        content_type=XLSX_TYPE,
    )
