"""PSKS worker registry pages: list and detail inside the user's area; create and
edit for Dinas Sosial operators and admins, through `pilar.psks.actions`."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from pilar.accounts.models import User
from pilar.accounts.types import AuthedRequest
from pilar.core.dates import today
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.core.identity import mask
from pilar.psks.actions import can_manage, create_worker, update_worker
from pilar.psks.forms import WorkerFilterForm, WorkerForm
from pilar.psks.models import PsksWorker
from pilar.psks.views.appointments import allowances_of
from pilar.psks.views.training import history_for
from pilar.regions.deployment import districts

PAGE_SIZE = 25


def _require_viewer(user: User) -> None:
    # Mitra accounts are API partners without access to people's data.
    if not user.can_see_people:
        raise PermissionDenied


def _visible_districts(user: User):
    if user.is_city_wide:
        return districts()
    return districts().filter(pk=user.district_id)


def _get_worker(user: User, pk: int, action: str = "view") -> PsksWorker:
    """404 for missing and out-of-area workers alike."""
    qs = PsksWorker.objects.restrict(user, action).select_related(
        "psks_type", "district", "village"
    )
    return get_object_or_404(qs, pk=pk)


@login_required
def worker_list(request: AuthedRequest):
    user = request.user
    _require_viewer(user)
    form = WorkerFilterForm(request.GET or None, district_qs=_visible_districts(user))
    workers = PsksWorker.objects.restrict(user, "view").select_related(
        "psks_type", "district", "village"
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            workers = workers.filter(name__icontains=data["q"].strip())
        if data["jenis"]:
            workers = workers.filter(psks_type_id=data["jenis"])
        if data["kecamatan"]:
            workers = workers.filter(district_id=data["kecamatan"])
    page = Paginator(workers.order_by("district_id", "village_id", "name", "pk"), PAGE_SIZE)
    page_obj = page.get_page(request.GET.get("page"))
    return render(
        request,
        "psks/worker_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "workers": page_obj.object_list,
            "total": page.count,
            "today": today(),
            "can_manage": can_manage(user),
            "tab": "workers",
        },
    )


@login_required
def worker_detail(request: AuthedRequest, pk: int):
    user = request.user
    _require_viewer(user)
    worker = _get_worker(user, pk)

    account = User.objects.filter(psks_worker=worker).only("username", "is_active").first()
    manager = can_manage(user)
    day = today()
    sks = list(worker.appointments.order_by("-starts_on", "-pk"))
    horizon = day + datetime.timedelta(days=settings.PILAR_SK_WARNING_DAYS)
    active = [a for a in sks if a.starts_on <= day <= a.last_day]
    return render(
        request,
        "psks/worker_detail.html",
        {
            "worker": worker,
            "trainings": history_for(worker),
            "appointments": sks,
            "active_sks": active,
            "ending_sks": [
                a
                for a in active
                if a.last_day <= horizon
                and not any(b.issuer == a.issuer and b.starts_on > a.last_day for b in sks)
            ],
            # Bank details and allowances are Dinas Sosial's business, not the field's.
            "allowances": allowances_of(worker)[:24] if user.is_city_wide else None,
            "show_bank": user.is_city_wide,
            "today": day,
            "tab": "workers",
            "account": account,
            # Workers' NIKs are entered by Dinas Sosial; field users see them masked.
            "nik_display": worker.nik if manager else mask(worker.nik),
            "is_active_now": worker.active_until is None or worker.active_until >= today(),
            "can_manage": manager,
        },
    )


def _render_form(request, form, worker=None):
    return render(
        request, "psks/worker_form.html", {"form": form, "worker": worker, "tab": "workers"}
    )


@login_required
def worker_create(request: AuthedRequest):
    if not can_manage(request.user):
        raise PermissionDenied
    form = WorkerForm(request.POST or None, initial={"active_from": today().isoformat()})
    if request.method == "POST" and form.is_valid():
        try:
            worker = create_worker(acting_user=request.user, data=form.cleaned_data)
        except InvalidInput as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, f"Data {worker.name} tersimpan.")
            return redirect("psks:worker_detail", pk=worker.pk)
    return _render_form(request, form)


@login_required
def worker_edit(request: AuthedRequest, pk: int):
    if not can_manage(request.user):
        raise PermissionDenied
    worker = _get_worker(request.user, pk, "change")
    form = WorkerForm(request.POST or None, initial=WorkerForm.initial_for(worker))
    if request.method == "POST" and form.is_valid():
        try:
            update_worker(worker, acting_user=request.user, data=form.cleaned_data)
        except InvalidInput as exc:
            form.add_action_errors(exc)
        except NotAllowed as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, f"Perubahan data {worker.name} tersimpan.")
            return redirect("psks:worker_detail", pk=worker.pk)
    return _render_form(request, form, worker)
