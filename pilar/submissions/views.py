"""Pages of field reports: the list with its export, the reviewer's inbox, one
report with its evidence and the review (verify / return / validate / reject),
photos, turnaround figures, notifications, and the optional musyawarah and SK
steps.

Reports are written in the field app (/lapangan/); these pages only read them and
carry decisions to the actions. Every report is fetched through `reports_for`, so
a report outside the user's area answers 404 like a missing one; an action the
user may not take answers 403 (PermissionDenied from the actions).
"""

from __future__ import annotations

import uuid
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pilar.accounts.choices import CITY_ROLES, Role
from pilar.accounts.scope import area_options, area_q, villages_for
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.core.identity import mask
from pilar.core.web import people_required
from pilar.exports.views import CHUNK_SIZE
from pilar.exports.writers import download_response
from pilar.regions.deployment import normalize_code
from pilar.submissions import actions
from pilar.submissions import exports as cols
from pilar.submissions.actions import DECIDER_ROLES
from pilar.submissions.choices import Kind, Status
from pilar.submissions.filters import ReportFilter, inbox_for, reports_for
from pilar.submissions.forms import (
    DOCUMENT_SIGNATURES,
    DeliberationForm,
    PeriodForm,
    RatificationForm,
)
from pilar.submissions.history import EVIDENCE_LABELS, labelled
from pilar.submissions.models import (
    Deliberation,
    Notification,
    Ratification,
    Submission,
    SubmissionPhoto,
    SubmissionStep,
)
from pilar.submissions.proposals import proposals, rows_for_display
from pilar.submissions.stats import Period, turnaround

PAGE_SIZE = 25
# Reports waiting longer than this are highlighted in the inbox.
STALE_DAYS = 7
REVIEWER_ROLES = {Role.TKSK, Role.DINSOS, Role.ADMIN}


def _paginate(request, qs):
    """One COUNT, then one query for the page: the sort and LIMIT run on the reports
    table alone (a sub-select of ids) and only the page's rows are joined, so a
    10,000-report inbox does not join and sort 10,000 rows."""
    paginator = Paginator(qs.values("pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(qs.filter(pk__in=page.object_list)) if paginator.count else []
    return paginator, page, rows


def _with_display(reports: list[Any]) -> list[Any]:
    """Adds the list columns computed in Python (age, address) to each report."""
    now = timezone.now()
    for report in reports:
        report.age = cols.age_days(report, now)
        report.summary = cols.summary(report)
        report.is_old = report.age is not None and report.age > STALE_DAYS
    return reports


# List and export -------------------------------------------------------------------


def _list_filter(request) -> tuple[ReportFilter, bool]:
    """The list's filter; a PSM starts on "Laporan saya" unless they chose otherwise."""
    params = request.GET.copy()
    if "saya" not in params and "mine" not in params:
        params["saya"] = "1" if request.user.role == Role.PSM else "0"
    flt = ReportFilter.from_params(params)
    return flt, flt.mine


@people_required
def report_list(request):
    user = request.user
    flt, mine = _list_filter(request)
    paginator, page, rows = _paginate(request, reports_for(user, flt))
    districts, villages = area_options(user, flt.kecamatan)
    narrowed = {k: v for k, v in flt.as_dict().items() if k != "mine"}
    return render(
        request,
        "submissions/list.html",
        {
            "filter": flt,
            "mine": mine,
            "saya": "1" if mine else "0",
            "page": page,
            "reports": _with_display(rows),
            "total": paginator.count,
            "filtered": bool(narrowed),
            "districts": districts,
            "villages": villages,
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "is_reviewer": user.role in REVIEWER_ROLES,
            "area_filter": len(villages) > 1 or len(districts) > 1,
        },
    )


@people_required
def report_export(request, fmt: str):
    user = request.user
    if fmt not in ("xlsx", "csv"):
        raise Http404
    flt, _ = _list_filter(request)
    qs = reports_for(user, flt)
    n = qs.count()
    log_access(
        user=user,
        action=AccessAction.EXPORT,
        object_type="submissions",
        request=request,
        extra={"filter": flt.as_dict(), "format": fmt, "rows": n},
    )
    rows = cols.report_rows(qs).iterator(chunk_size=CHUNK_SIZE)
    return download_response(
        fmt, cols.report_columns(user), rows, name="laporan", sheet_name="Laporan"
    )


# Inbox ------------------------------------------------------------------------------


@login_required
def inbox(request):
    """What waits for the user, oldest first: one COUNT and one page query."""
    user = request.user
    if user.role not in REVIEWER_ROLES:
        raise PermissionDenied
    paginator, page, rows = _paginate(
        request, inbox_for(user).defer("base", "result", "resolutions")
    )
    return render(
        request,
        "submissions/inbox.html",
        {
            "page": page,
            "reports": _with_display(rows),
            "total": paginator.count,
            "stale_days": STALE_DAYS,
            "waiting_for": "validasi" if user.role in DECIDER_ROLES else "verifikasi",
        },
    )


# One report -----------------------------------------------------------------------------


def _report_for(user, pk: int) -> Submission:
    return get_object_or_404(
        reports_for(user, ReportFilter())
        .select_related("verified_by", "decided_by", "deliberation", "ratification")
        .prefetch_related(
            "photos", Prefetch("steps", SubmissionStep.objects.select_related("actor"))
        ),
        pk=pk,
    )


REVIEW_ACTIONS = {"verifikasi", "kembalikan", "validasi", "tolak"}


def _permissions(user, report: Submission) -> dict[str, bool]:
    submitted = report.status == Status.SUBMITTED
    verified = report.status == Status.VERIFIED
    need_deliberation = (
        settings.PILAR_VERIVALI_MUSYAWARAH and submitted and report.deliberation_id is None
    )
    return {
        "can_verify": submitted and actions.may_verify(user, report) and not need_deliberation,
        "can_return": actions.may_return(user, report),
        "can_validate": verified and actions.may_decide(user, report),
        "can_reject": (submitted or verified) and actions.may_decide(user, report),
        "need_deliberation": bool(need_deliberation and actions.may_verify(user, report)),
    }


def _review_rows(report: Submission, user, posted=None, errors=None):
    """The review table grouped by `group`, each row with its reason, resolution,
    error messages, and what the reporter saw when it differs from the registry."""
    errors = errors or {}
    items = proposals(report, reader=user)
    rows = rows_for_display(items, user=user)
    known = {r["path"]: f"{r['group']}: {r['label']}" if r["group"] else r["label"] for r in rows}
    reasons = report.return_reasons or {}
    groups: list[dict] = []
    show_base = False
    for row in rows:
        path = row["path"]
        if report.is_final:
            # Once validated or rejected the registry has moved on by design: a
            # difference is history, not a conflict to decide.
            row["conflict"] = False
        row["show_base"] = row["conflict"] or (row["base"] != row["current"] and row["base"] != "–")
        show_base = show_base or row["show_base"]
        row["reason"] = reasons.get(path, "")
        row["errors"] = errors.get(path, [])
        if posted is not None:
            row["resolution"] = posted.get(f"res:{path}", "")
            row["reason_input"] = posted.get(f"alasan:{path}", "")
        else:
            row["resolution"] = (report.resolutions or {}).get(path, "")
            row["reason_input"] = ""
        if not groups or groups[-1]["group"] != row["group"]:
            groups.append({"group": row["group"], "rows": []})
        groups[-1]["rows"].append(row)
    # Reasons on paths that are not rows (evidence, a whole person, general note).
    other = {k: v for k, v in reasons.items() if k not in known}
    evidence_inputs = [
        {
            "path": path,
            "label": label,
            "value": posted.get(f"alasan:{path}", "") if posted is not None else "",
            "errors": errors.get(path, []),
        }
        for path, label in EVIDENCE_LABELS.items()
        if path != "__all__"
    ]
    return groups, show_base, known, labelled(other, known), evidence_inputs


def _render_detail(request, report: Submission, *, posted=None, error: InvalidInput | None = None):
    user = request.user
    errors = dict(error.errors) if error is not None else {}
    groups, show_base, known, other_reasons, evidence_inputs = _review_rows(
        report, user, posted, errors
    )
    stale = error is not None and error.codes.get("__all__") == "stale"
    row_paths = {row["path"] for g in groups for row in g["rows"]}
    evidence_paths = {e["path"] for e in evidence_inputs}
    general = [
        msg
        for key, msgs in errors.items()
        if key not in row_paths and key not in evidence_paths and key not in ("note", "reason")
        for msg in msgs
    ]
    steps: list[Any] = list(report.steps.all())
    for step in steps:
        step.reasons = labelled(step.field_reasons, known)
        step.resolution_list = [
            (known.get(p, p), "nilai usulan" if v == "usulan" else "nilai registri")
            for p, v in (step.resolutions or {}).items()
        ]
    conflicts = sum(1 for g in groups for r in g["rows"] if r["conflict"])
    context = {
        "report": report,
        "groups": groups,
        "show_base": show_base,
        "conflicts": conflicts,
        "other_reasons": other_reasons,
        "general_reason": (report.return_reasons or {}).get("__all__", ""),
        "evidence_inputs": evidence_inputs,
        "photos": list(report.photos.all()),
        "steps": steps,
        "summary": cols.summary(report),
        "age": cols.age_days(report),
        "waiting": report.status in (Status.SUBMITTED, Status.VERIFIED),
        "error": error,
        "stale": stale,
        "general_errors": general,
        "note_errors": errors.get("note", []),
        "reason_errors": errors.get("reason", []),
        "posted": posted or {},
        "is_reporter": report.reporter_id == user.pk,
        "musyawarah_on": settings.PILAR_VERIVALI_MUSYAWARAH,
        **_permissions(user, report),
    }
    context["can_act"] = any(
        context[k] for k in ("can_verify", "can_return", "can_validate", "can_reject")
    )
    context["can_resolve"] = context["can_verify"] or context["can_validate"]
    return render(request, "submissions/detail.html", context)


def _mark_report_read(user, report: Submission) -> None:
    ids = list(
        Notification.objects.filter(user=user, submission=report, read_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if ids:
        actions.mark_read(user, ids)


@people_required
def detail(request, pk: int):
    user = request.user
    report = _report_for(user, pk)
    if request.method == "POST":
        return _review(request, report)
    log_access(user=user, action=AccessAction.VIEW_PERSON, obj=report, request=request)
    _mark_report_read(user, report)
    return _render_detail(request, report)


DONE_MESSAGES = {
    "verifikasi": "Laporan #{pk} diverifikasi dan diteruskan ke Dinas Sosial untuk validasi.",
    "kembalikan": "Laporan #{pk} dikembalikan ke pelapor dengan alasan yang Anda tulis.",
    "validasi": "Laporan #{pk} divalidasi: perubahannya sudah masuk registri.",
    "tolak": "Laporan #{pk} ditolak. Pelapor diberi tahu alasannya.",
}


def _review(request, report: Submission):
    user = request.user
    post = request.POST
    what = post.get("aksi", "")
    if what not in REVIEW_ACTIONS:
        return HttpResponseBadRequest("Tindakan tidak dikenal.")
    note = post.get("note", "")
    resolutions = {k[4:]: v for k, v in post.items() if k.startswith("res:") and v}
    try:
        if what == "verifikasi":
            actions.verify_submission(report, user=user, note=note, resolutions=resolutions)
        elif what == "validasi":
            actions.validate_submission(report, user=user, note=note, resolutions=resolutions)
        elif what == "kembalikan":
            reasons = {k[7:]: v for k, v in post.items() if k.startswith("alasan:") and v.strip()}
            actions.return_submission(report, user=user, note=note, field_reasons=reasons)
        else:
            actions.reject_submission(report, user=user, reason=post.get("reason", ""))
    except InvalidInput as exc:
        fresh = _report_for(user, report.pk)  # the state may have moved on (stale)
        return _render_detail(request, fresh, posted=post, error=exc)
    messages.success(request, DONE_MESSAGES[what].format(pk=report.pk))
    if user.role in REVIEWER_ROLES and inbox_for(user).exists():
        return redirect("submissions:inbox")
    return redirect("submissions:detail", pk=report.pk)


@people_required
def photo(request, pk: int, client_id: uuid.UUID):
    if not reports_for(request.user, ReportFilter()).filter(pk=pk).exists():
        raise Http404
    item = get_object_or_404(SubmissionPhoto, submission_id=pk, client_id=client_id)
    response = FileResponse(item.image.open("rb"), content_type=item.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="laporan-{pk}-{item.kind}.jpg"'
    return response


# Turnaround ---------------------------------------------------------------------------


def _turnaround_args(request):
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
def turnaround_view(request):
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
def turnaround_export(request, fmt: str):
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


# Notifications ----------------------------------------------------------------------------


@login_required
def notifications(request):
    qs = Notification.objects.filter(user=request.user).select_related("submission")
    paginator = Paginator(qs, 30)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "submissions/notifications.html",
        {"page": page, "items": list(page.object_list), "total": paginator.count},
    )


@login_required
@require_POST
def notifications_read(request):
    raw = request.POST.get("id")
    if raw:
        try:
            ids = [int(raw)]
        except ValueError:
            return HttpResponseBadRequest("ID notifikasi tidak valid.")
        actions.mark_read(request.user, ids)
    else:
        n = actions.mark_read(request.user)
        messages.info(request, f"{n} notifikasi ditandai sudah dibaca.")
    return redirect("submissions:notifications")


@login_required
def notification_open(request, pk: int):
    item = get_object_or_404(Notification, pk=pk, user=request.user)
    actions.mark_read(request.user, [item.pk])
    if item.url and url_has_allowed_host_and_scheme(
        item.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(item.url)
    return redirect("submissions:notifications")


# Optional steps: musyawarah kelurahan and SK penetapan ---------------------------------------


def musyawarah_required(view):
    @people_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PILAR_VERIVALI_MUSYAWARAH:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def sk_required(view):
    """SK pages: city-wide lists, for the city roles only."""

    @people_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PILAR_VERIVALI_SK:
            raise Http404
        if request.user.role not in CITY_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _document_response(field_file, name: str):
    with field_file.open("rb") as fh:
        head = fh.read(16)
    kind = next((k for sig, k in DOCUMENT_SIGNATURES.items() if head.startswith(sig)), None)
    content_type, ext = {
        "PDF": ("application/pdf", "pdf"),
        "JPEG": ("image/jpeg", "jpg"),
        "PNG": ("image/png", "png"),
    }.get(kind or "", ("application/octet-stream", "bin"))
    response = FileResponse(
        field_file.open("rb"),
        content_type=content_type,
        as_attachment=True,
        filename=f"{name}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _deliberations_for(user):
    return Deliberation.objects.filter(area_q(user, "village", "view"))


def _put_errors(form, exc: InvalidInput, mapping: dict[str, str]) -> None:
    for key, msgs in exc.errors.items():
        field = mapping.get(key, key)
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


@musyawarah_required
def deliberation_list(request):
    qs = (
        _deliberations_for(request.user)
        .select_related("village__district", "recorded_by")
        .annotate(n_reports=Count("submissions"))
        .order_by("-held_on", "-pk")
    )
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    waiting = (
        Submission.objects.restrict(request.user, "view")
        .filter(status=Status.SUBMITTED, deliberation__isnull=True)
        .count()
    )
    return render(
        request,
        "submissions/deliberation_list.html",
        {
            "page": page,
            "items": list(page.object_list),
            "total": paginator.count,
            "waiting": waiting,
            "can_record": request.user.can_edit,
        },
    )


def _deliberation_candidates(user, village_id: str) -> list[Submission]:
    if not village_id:
        return []
    return list(
        Submission.objects.restrict(user, "change")
        .filter(village_id=village_id, status=Status.SUBMITTED, deliberation__isnull=True)
        .select_related("household", "reporter", "village")
        .order_by("submitted_at", "pk")
    )


@musyawarah_required
def deliberation_create(request):
    user = request.user
    if not user.can_edit:
        raise PermissionDenied
    villages = list(villages_for(user, "change").order_by("district__name", "name"))
    data = request.POST if request.method == "POST" else None
    only = villages[0].code if len(villages) == 1 else ""
    chosen = normalize_code(str((data or request.GET).get("kelurahan") or only))
    if chosen and chosen not in {v.code for v in villages}:
        raise Http404
    candidates = _with_display(_deliberation_candidates(user, chosen))
    form = DeliberationForm(
        data,
        request.FILES or None,
        villages=villages,
        report_choices=[(r.pk, f"#{r.pk}") for r in candidates],
        initial={"kelurahan": chosen, "held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            deliberation = actions.record_deliberation(
                user=user,
                village_id=form.cleaned_data["kelurahan"],
                held_on=form.cleaned_data["held_on"],
                attendees=form.cleaned_data["attendees"],
                minutes=form.cleaned_data["minutes"],
                submission_ids=form.cleaned_data["reports"],
                notes=form.cleaned_data["notes"],
            )
        except NotAllowed:
            raise Http404 from None
        except InvalidInput as exc:
            _put_errors(form, exc, {"submissions": "reports"})
        else:
            n = deliberation.submissions.count()
            messages.success(
                request,
                f"Musyawarah kelurahan {deliberation.held_on:%d-%m-%Y} tercatat "
                f"dengan {n} laporan.",
            )
            return redirect("submissions:deliberation_list")
    selected = {str(v) for v in (data.getlist("reports") if data else [])}
    template = (
        "submissions/_deliberation_choices.html"
        if request.headers.get("HX-Request")
        else "submissions/deliberation_form.html"
    )
    return render(
        request,
        template,
        {"form": form, "candidates": candidates, "chosen": chosen, "selected": selected},
    )


@musyawarah_required
def deliberation_minutes(request, pk: int):
    item = get_object_or_404(_deliberations_for(request.user), pk=pk)
    return _document_response(item.minutes, f"berita-acara-musyawarah-{item.pk}")


@sk_required
def ratification_list(request):
    qs = (
        Ratification.objects.select_related("created_by")
        .annotate(n_reports=Count("submissions"))
        .order_by("-decree_date", "-pk")
    )
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "submissions/ratification_list.html",
        {
            "page": page,
            "items": list(page.object_list),
            "total": paginator.count,
            "can_create": request.user.role in DECIDER_ROLES,
        },
    )


RATIFY_CHOICES_LIMIT = 2000


@sk_required
def ratification_create(request):
    user = request.user
    if user.role not in DECIDER_ROLES:
        raise PermissionDenied
    candidates = _with_display(
        list(
            Submission.objects.restrict(user, "change")
            .filter(status=Status.VALIDATED, ratification__isnull=True)
            .select_related("household", "reporter", "village__district", "verified_by")
            .order_by("decided_at", "pk")[:RATIFY_CHOICES_LIMIT]
        )
    )
    data = request.POST if request.method == "POST" else None
    form = RatificationForm(
        data,
        request.FILES or None,
        report_choices=[(r.pk, f"#{r.pk}") for r in candidates],
    )
    if request.method == "POST" and form.is_valid():
        try:
            sk = actions.ratify(
                user=user,
                decree_number=form.cleaned_data["decree_number"],
                decree_date=form.cleaned_data["decree_date"],
                decree_file=form.cleaned_data["decree_file"],
                submission_ids=form.cleaned_data["reports"],
                notes=form.cleaned_data["notes"],
            )
        except InvalidInput as exc:
            _put_errors(form, exc, {"submissions": "reports"})
        else:
            messages.success(
                request, f"SK {sk.decree_number} tercatat dengan {len(sk.frozen)} baris BNBA."
            )
            return redirect("submissions:ratification_detail", pk=sk.pk)
    selected = {str(v) for v in (data.getlist("reports") if data else [])}
    return render(
        request,
        "submissions/ratification_form.html",
        {
            "form": form,
            "candidates": candidates,
            "selected": selected,
            "limited": len(candidates) >= RATIFY_CHOICES_LIMIT,
        },
    )


BNBA_SCREEN_ROWS = 200


@sk_required
def ratification_detail(request, pk: int):
    sk = get_object_or_404(Ratification.objects.select_related("created_by"), pk=pk)
    reports = list(sk.submissions.select_related("village", "reporter", "household").order_by("pk"))
    rows = []
    for row in sk.frozen[:BNBA_SCREEN_ROWS]:
        rows.append({**row, "nik": mask(row.get("nik")), "no_kk": mask(row.get("no_kk"))})
    return render(
        request,
        "submissions/ratification_detail.html",
        {
            "sk": sk,
            "rows": rows,
            "total_rows": len(sk.frozen),
            "truncated": len(sk.frozen) > BNBA_SCREEN_ROWS,
            "reports": reports,
        },
    )


@sk_required
def ratification_file(request, pk: int):
    sk = get_object_or_404(Ratification, pk=pk)
    return _document_response(sk.decree_file, f"sk-{sk.pk}")


@sk_required
def ratification_export(request, pk: int, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    user = request.user
    sk = get_object_or_404(Ratification, pk=pk)
    log_access(
        user=user,
        action=AccessAction.EXPORT,
        obj=sk,
        object_type="bnba_sk",
        request=request,
        extra={
            "format": fmt,
            "rows": len(sk.frozen),
            "unmasked": bool(getattr(user, "can_reveal_ids", False)),
        },
    )
    return download_response(
        fmt,
        cols.bnba_columns(user),
        sk.frozen,
        name=f"bnba-sk-{sk.pk}",
        sheet_name="BNBA SK",
    )
