"""Decree (SK) and allowance (tali asih) pages: a worker's SKs and bank account, the
SK list with those ending soon, allowance periods with their payments and the
treasurer's export. Writes go through pilar.psks.appointments."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render

from pilar.accounts.choices import Role
from pilar.accounts.models import User
from pilar.accounts.types import AuthedRequest
from pilar.audit.exports import logged_download
from pilar.core.dates import today
from pilar.core.errors import InvalidInput
from pilar.core.tables import DATE, INT, Column
from pilar.core.web import PAGE_SIZE, people_required, run_action
from pilar.psks import appointments as actions
from pilar.psks.actions import PSM_TYPE_NUMBER, TKSK_TYPE_NUMBER, can_manage
from pilar.psks.forms import AppointmentForm, BankForm, EndAppointmentForm, PeriodForm
from pilar.psks.models import Allowance, AllowancePeriod, Appointment, PsksWorker
from pilar.regions.deployment import districts


def _worker(user: User, pk: int) -> PsksWorker:
    return get_object_or_404(
        PsksWorker.objects.restrict(user, "view").select_related(
            "psks_type", "district", "village"
        ),
        pk=pk,
    )


def _flash(request, exc: InvalidInput) -> None:
    for problems in exc.errors.values():
        for message in problems:
            messages.error(request, message)


# SKs ----------------------------------------------------------------------------------


def _appointments_for(user: User):
    workers = PsksWorker.objects.restrict(user, "view").values("pk")
    return Appointment.objects.filter(worker__in=workers).select_related(
        "worker__psks_type", "worker__district", "worker__village"
    )


def _filter_appointments(request, qs):
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(worker__name__icontains=q) | Q(number__icontains=q))
    status = request.GET.get("status", "")
    day = today()
    if status == "aktif":
        qs = qs.filter(actions.active_on_q(day))
    elif status == "berakhir":
        qs = qs.exclude(actions.active_on_q(day))
    kecamatan = request.GET.get("kecamatan", "").strip()[:20]
    if kecamatan:
        qs = qs.filter(worker__district_id=kecamatan)
    return qs, {"q": q, "status": status, "kecamatan": kecamatan}


@people_required
def appointment_list(request: AuthedRequest):
    if request.user.role == Role.PSM:
        raise PermissionDenied
    qs, flt = _filter_appointments(request, _appointments_for(request.user))
    page = Paginator(qs.order_by("worker__name", "-starts_on", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    day = today()
    soon = actions.ending_soon(request.user, day)
    appointed = (
        PsksWorker.objects.restrict(request.user, "view")
        .filter(psks_type__number__in=[PSM_TYPE_NUMBER, TKSK_TYPE_NUMBER])
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=day))
    )
    without = appointed.exclude(actions.appointed_q(day))
    return render(
        request,
        "psks/appointments/list.html",
        {
            "page_obj": page,
            "flt": flt,
            "districts": districts(),
            "soon": soon[:20],
            "soon_count": soon.count(),
            "without_count": without.count(),
            "without": without.select_related("psks_type", "district", "village").order_by("name")[
                :20
            ],
            "warning_days": settings.PILAR_SK_WARNING_DAYS,
            "today": day,
            "tab": "appointments",
        },
    )


@people_required
def appointment_export(request: AuthedRequest, fmt: str):
    if request.user.role == Role.PSM:
        raise PermissionDenied
    qs, flt = _filter_appointments(request, _appointments_for(request.user))
    columns = [
        Column("Nama", lambda a: a.worker.name, width=28),
        Column("Peran", lambda a: a.worker.psks_type.short_name, width=8),
        Column("Kecamatan", lambda a: a.worker.district.name, width=18),
        Column("Nomor SK", lambda a: a.number, width=30),
        Column("Tanggal SK", lambda a: a.decree_date, DATE, 12),
        Column("Penerbit", lambda a: a.get_issuer_display(), width=22),
        Column("Berlaku mulai", lambda a: a.starts_on, DATE, 12),
        Column("Berlaku sampai", lambda a: a.ends_on, DATE, 12),
        Column("Diberhentikan per", lambda a: a.ended_on, DATE, 12),
        Column("Alasan", lambda a: a.get_end_reason_display() if a.end_reason else "", width=20),
    ]
    return logged_download(
        request,
        fmt,
        queryset=qs.order_by("worker__name", "-starts_on", "pk"),
        filters=flt,
        columns=columns,
        object_type="psks.appointment",
        name="sk-psks",
        sheet_name="SK",
    )


@people_required
def appointment_create(request: AuthedRequest, pk: int):
    if not can_manage(request.user):
        raise PermissionDenied
    worker = _worker(request.user, pk)
    form = AppointmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.values()
        data["decree_file"] = request.FILES.get("decree_file")
        _, ok = run_action(
            form, lambda: actions.record_appointment(worker, acting_user=request.user, data=data)
        )
        if ok:
            messages.success(request, "SK tersimpan.")
            return redirect("psks:worker_detail", pk=worker.pk)
    return render(
        request, "psks/appointments/form.html", {"form": form, "worker": worker, "tab": "workers"}
    )


@people_required
def appointment_end(request: AuthedRequest, pk: int, appointment_id: int):
    if not can_manage(request.user):
        raise PermissionDenied
    worker = _worker(request.user, pk)
    appointment = get_object_or_404(Appointment, worker=worker, pk=appointment_id)
    form = EndAppointmentForm(request.POST or None, initial={"ended_on": today().isoformat()})
    if request.method == "POST" and form.is_valid():
        data = form.values()
        _, ok = run_action(
            form,
            lambda: actions.end_appointment(
                appointment,
                acting_user=request.user,
                ended_on=data["ended_on"],
                reason=data["end_reason"],
                note=data["end_note"],
            ),
        )
        if ok:
            messages.success(request, f"SK {appointment.number} diberhentikan.")
            return redirect("psks:worker_detail", pk=worker.pk)
    return render(
        request,
        "psks/appointments/end.html",
        {"form": form, "worker": worker, "appointment": appointment, "tab": "workers"},
    )


@people_required
def appointment_file(request: AuthedRequest, pk: int, appointment_id: int):
    if request.user.role == Role.PSM:
        raise PermissionDenied
    worker = _worker(request.user, pk)
    appointment = get_object_or_404(Appointment, worker=worker, pk=appointment_id)
    if not appointment.decree_file:
        return redirect("psks:worker_detail", pk=worker.pk)
    return FileResponse(
        appointment.decree_file.open("rb"),
        filename=(appointment.decree_file.name or "sk").rsplit("/", 1)[-1],
    )


@people_required
def bank_edit(request: AuthedRequest, pk: int):
    if not can_manage(request.user):
        raise PermissionDenied
    worker = _worker(request.user, pk)
    form = BankForm(
        request.POST or None,
        initial={
            "bank_name": worker.bank_name,
            "bank_account": worker.bank_account,
            "bank_account_name": worker.bank_account_name or worker.name,
        },
    )
    if request.method == "POST" and form.is_valid():
        _, ok = run_action(
            form,
            lambda: actions.set_bank_account(worker, acting_user=request.user, data=form.values()),
        )
        if ok:
            messages.success(request, "Rekening tersimpan.")
            return redirect("psks:worker_detail", pk=worker.pk)
    return render(
        request, "psks/appointments/bank.html", {"form": form, "worker": worker, "tab": "workers"}
    )


# Allowances ---------------------------------------------------------------------------


def _require_allowance_viewer(user: User) -> None:
    if not user.is_city_wide:
        raise PermissionDenied


@people_required
def period_list(request: AuthedRequest):
    _require_allowance_viewer(request.user)
    form = PeriodForm(request.POST or None) if can_manage(request.user) else None
    if request.method == "POST" and form is not None and form.is_valid():
        period, ok = run_action(
            form, lambda: actions.create_period(acting_user=request.user, data=form.values())
        )
        if ok and period is not None:
            messages.success(request, f"Periode {period.name} dibuat.")
            return redirect("psks:period_detail", pk=period.pk)
    periods = AllowancePeriod.objects.annotate(
        n=Count("allowances"),
        paid=Count("allowances", filter=Q(allowances__paid_on__isnull=False)),
        total=Sum("allowances__amount"),
    )
    q = request.GET.get("q", "").strip()[:60]
    if q:
        periods = periods.filter(name__icontains=q)
    page = Paginator(periods.order_by("-starts_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "psks/allowances/periods.html",
        {"page_obj": page, "form": form, "q": q, "tab": "allowances"},
    )


def _allowances(request, period):
    qs = period.allowances.select_related(
        "worker__psks_type", "worker__district", "worker__village"
    )
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(worker__name__icontains=q)
    status = request.GET.get("status", "")
    if status == "dibayar":
        qs = qs.filter(paid_on__isnull=False)
    elif status == "belum":
        qs = qs.filter(paid_on__isnull=True)
    kecamatan = request.GET.get("kecamatan", "").strip()[:20]
    if kecamatan:
        qs = qs.filter(worker__district_id=kecamatan)
    return qs.order_by("worker__district__name", "worker__name", "pk"), {
        "q": q,
        "status": status,
        "kecamatan": kecamatan,
    }


@people_required
def period_detail(request: AuthedRequest, pk: int):
    _require_allowance_viewer(request.user)
    period = get_object_or_404(AllowancePeriod, pk=pk)
    manager = can_manage(request.user)
    if request.method == "POST" and manager:
        try:
            if request.POST.get("do") == "buat":
                n = actions.create_allowances(
                    period, acting_user=request.user, amount=request.POST.get("amount") or None
                )
                messages.success(request, f"Tali asih dibuat untuk {n} pekerja ber-SK aktif.")
            elif request.POST.get("do") == "bayar":
                n = actions.mark_paid(
                    period,
                    acting_user=request.user,
                    allowance_ids=request.POST.getlist("allowance"),
                    paid_on=request.POST.get("paid_on"),
                )
                messages.success(request, f"{n} tali asih ditandai dibayar.")
        except InvalidInput as exc:
            _flash(request, exc)
        return redirect(request.get_full_path())
    qs, flt = _allowances(request, period)
    totals = period.allowances.aggregate(
        n=Count("pk"),
        paid=Count("pk", filter=Q(paid_on__isnull=False)),
        total=Sum("amount"),
        paid_total=Sum("amount", filter=Q(paid_on__isnull=False)),
        no_account=Count("pk", filter=Q(bank_account="")),
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    payable = (
        actions.payable_workers(period, request.user).exclude(allowances__period=period).count()
    )
    return render(
        request,
        "psks/allowances/period.html",
        {
            "period": period,
            "page_obj": page,
            "flt": flt,
            "totals": totals,
            "payable": payable,
            "districts": districts(),
            "can_manage": manager,
            "today": today(),
            "tab": "allowances",
        },
    )


@people_required
def period_export(request: AuthedRequest, pk: int, fmt: str):
    """The treasurer's list: who is paid how much into which account."""
    _require_allowance_viewer(request.user)
    period = get_object_or_404(AllowancePeriod, pk=pk)
    qs, flt = _allowances(request, period)
    columns = [
        Column("Nama", lambda a: a.worker.name, width=28),
        Column("Peran", lambda a: a.worker.psks_type.short_name, width=8),
        Column("Kecamatan", lambda a: a.worker.district.name, width=18),
        Column(
            "Kelurahan", lambda a: a.worker.village.name if a.worker.village_id else "", width=18
        ),
        Column("Bank", lambda a: a.bank_name, width=14),
        Column("Nomor rekening", lambda a: a.bank_account, width=20),
        Column("Nama pemilik rekening", lambda a: a.bank_account_name, width=26),
        Column("Besaran (Rp)", lambda a: a.amount, INT, 14),
        Column("Status", lambda a: "Dibayar" if a.paid_on else "Belum dibayar", width=14),
        Column("Tanggal bayar", lambda a: a.paid_on, DATE, 12),
    ]
    return logged_download(
        request,
        fmt,
        queryset=qs,
        filters={"period": period.pk, **flt},
        columns=columns,
        object_type="psks.allowance",
        name=f"tali-asih-{period.starts_on:%Y-%m}",
        sheet_name="Tali asih",
    )


def allowances_of(worker: PsksWorker):
    return (
        Allowance.objects.filter(worker=worker)
        .select_related("period")
        .order_by("-period__starts_on")
    )
