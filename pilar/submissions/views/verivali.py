"""The optional verivali steps, each switched on per deployment: the kelurahan
deliberation (musyawarah kelurahan, `PILAR_VERIVALI_MUSYAWARAH`) that approves
submissions before verification, and the ratification (SK penetapan,
`PILAR_VERIVALI_SK`) that fixes validated submissions under a decree with a frozen
BNBA list. Switched off, every page here is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from pilar.accounts.choices import CITY_ROLES
from pilar.accounts.models import User
from pilar.accounts.scope import area_q, villages_for
from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.identity import mask
from pilar.core.tables import download_response
from pilar.core.web import PAGE_SIZE, people_required, run_action
from pilar.regions.deployment import normalize_code
from pilar.submissions import actions
from pilar.submissions import exports as cols
from pilar.submissions.actions import DECIDER_ROLES
from pilar.submissions.choices import Status
from pilar.submissions.forms import DOCUMENT_SIGNATURES, DeliberationForm, RatificationForm
from pilar.submissions.models import Deliberation, Ratification, Submission
from pilar.submissions.views.lists import with_display

View = Callable[..., HttpResponseBase]


def musyawarah_required(view: View) -> View:
    @people_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args, **kwargs) -> HttpResponseBase:
        if not settings.PILAR_VERIVALI_MUSYAWARAH:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def sk_required(view: View) -> View:
    """SK pages: city-wide lists, for the city roles only."""

    @people_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args, **kwargs) -> HttpResponseBase:
        if not settings.PILAR_VERIVALI_SK:
            raise Http404
        if request.user.role not in CITY_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _document_response(field_file: FieldFile, name: str) -> FileResponse:
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


# Musyawarah kelurahan ------------------------------------------------------------------


def _deliberations_for(user: User) -> QuerySet[Deliberation]:
    return Deliberation.objects.filter(area_q(user, "village", "view"))


@musyawarah_required
def deliberation_list(request: AuthedRequest) -> HttpResponse:
    qs = (
        _deliberations_for(request.user)
        .select_related("village__district", "recorded_by")
        .annotate(n_submissions=Count("submissions"))
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


def _deliberation_candidates(user: User, village_id: str) -> list[Submission]:
    if not village_id:
        return []
    return list(
        Submission.objects.restrict(user, "change")
        .filter(village_id=village_id, status=Status.SUBMITTED, deliberation__isnull=True)
        .select_related("household", "reporter", "village")
        .order_by("submitted_at", "pk")
    )


@musyawarah_required
def deliberation_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not user.can_edit:
        raise PermissionDenied
    villages = list(villages_for(user, "change").order_by("district__name", "name"))
    data = request.POST if request.method == "POST" else None
    only = villages[0].code if len(villages) == 1 else ""
    chosen = normalize_code(str((data or request.GET).get("kelurahan") or only))
    if chosen and chosen not in {v.code for v in villages}:
        raise Http404
    candidates = with_display(_deliberation_candidates(user, chosen))
    form = DeliberationForm(
        data,
        request.FILES or None,
        villages=villages,
        submission_choices=[(s.pk, f"#{s.pk}") for s in candidates],
        initial={"kelurahan": chosen, "held_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        deliberation, ok = run_action(
            form,
            lambda: actions.record_deliberation(
                acting_user=user,
                village_id=form.cleaned_data["kelurahan"],
                held_on=form.cleaned_data["held_on"],
                attendees=form.cleaned_data["attendees"],
                minutes=form.cleaned_data["minutes"],
                submission_ids=form.cleaned_data["submissions"],
                notes=form.cleaned_data["notes"],
            ),
        )
        if ok and deliberation is not None:
            n = deliberation.submissions.count()
            messages.success(
                request,
                f"Musyawarah kelurahan {deliberation.held_on:%d-%m-%Y} tercatat "
                f"dengan {n} laporan.",
            )
            return redirect("submissions:deliberation_list")
    selected = {str(v) for v in (data.getlist("submissions") if data else [])}
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
def deliberation_minutes(request: AuthedRequest, pk: int) -> FileResponse:
    item = get_object_or_404(_deliberations_for(request.user), pk=pk)
    return _document_response(item.minutes, f"berita-acara-musyawarah-{item.pk}")


# SK penetapan ---------------------------------------------------------------------------


@sk_required
def ratification_list(request: AuthedRequest) -> HttpResponse:
    qs = (
        Ratification.objects.select_related("created_by")
        .annotate(n_submissions=Count("submissions"))
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
def ratification_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.role not in DECIDER_ROLES:
        raise PermissionDenied
    candidates = with_display(
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
        submission_choices=[(s.pk, f"#{s.pk}") for s in candidates],
    )
    if request.method == "POST" and form.is_valid():
        sk, ok = run_action(
            form,
            lambda: actions.ratify(
                acting_user=user,
                decree_number=form.cleaned_data["decree_number"],
                decree_date=form.cleaned_data["decree_date"],
                decree_file=form.cleaned_data["decree_file"],
                submission_ids=form.cleaned_data["submissions"],
                notes=form.cleaned_data["notes"],
            ),
        )
        if ok and sk is not None:
            messages.success(
                request, f"SK {sk.decree_number} tercatat dengan {len(sk.frozen)} baris BNBA."
            )
            return redirect("submissions:ratification_detail", pk=sk.pk)
    selected = {str(v) for v in (data.getlist("submissions") if data else [])}
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
def ratification_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    sk = get_object_or_404(Ratification.objects.select_related("created_by"), pk=pk)
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
        },
    )


@sk_required
def ratification_file(request: AuthedRequest, pk: int) -> FileResponse:
    sk = get_object_or_404(Ratification, pk=pk)
    return _document_response(sk.decree_file, f"sk-{sk.pk}")


@sk_required
def ratification_export(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
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
