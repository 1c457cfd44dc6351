"""Program pages: the list (search, pagination, export), a program's page with the
rule builder and live preview, and the create/edit forms.

Programs are reference data, readable by every role that sees people's data; the
preview (served by the API, /api/v1/programs/preview) reads people only through
`restrict(user, "view")`, so a PSM or TKSK sees the counts of their own area.
Creating, editing and saving a rule is for Dinas Sosial and admins (403 otherwise).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core import withheld
from pilar.core.dates import today
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.core.forms import apply_errors
from pilar.core.identity import mask
from pilar.core.tables import DECIMAL, INT, Column, download_response
from pilar.core.web import PAGE_SIZE, people_required
from pilar.exports import restricted
from pilar.programs import actions, priority, rules
from pilar.programs import enrollment as en
from pilar.programs.filters import ProgramFilter
from pilar.programs.forms import ProgramForm
from pilar.programs.heads import household_heads
from pilar.programs.models import Candidate, Delivery, Enrollment, Program
from pilar.programs.national import record_participation
from pilar.programs.querysets import EnrollmentQuerySet
from pilar.registry.choices import OverrideBasis


def _manager_required(request: AuthedRequest) -> None:
    if not actions.may_manage(request.user):
        raise PermissionDenied(actions.MSG_NOT_MANAGER)


@people_required
def program_list(request: AuthedRequest) -> HttpResponse:
    flt = ProgramFilter.from_params(request.GET)
    qs = flt.queryset().prefetch_related("quotas")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    programs = list(page.object_list)
    for program in programs:
        program.rule_text = rules.describe(program.rule, program.level)
    return render(
        request,
        "programs/program_list.html",
        {
            "page": page,
            "programs": programs,
            "filter": flt,
            "total": page.paginator.count,
            "can_manage": actions.may_manage(request.user),
            "levels": Program._meta.get_field("level").choices,
        },
    )


def _export_columns() -> list[Column]:
    return [
        Column("Kode", lambda p: p.code, width=18),
        Column("Nama program", lambda p: p.name, width=30),
        Column("OPD", lambda p: p.agency, width=30),
        Column("Sasaran", lambda p: p.get_level_display(), width=10),
        Column("Jenis manfaat", lambda p: p.get_benefit_type_display(), width=20),
        Column("Nilai (Rp)", lambda p: p.amount, kind=DECIMAL),
        Column(
            "Nilai per jenjang (Rp)",
            lambda p: ", ".join(f"{k} {v}" for k, v in (p.amount_by_level or {}).items()),
            width=30,
        ),
        Column("Frekuensi", lambda p: p.get_frequency_display(), width=10),
        Column("Tahun", lambda p: p.year, kind=INT, width=8),
        Column("Periode", lambda p: p.period_label, width=24),
        Column("Pagu (Rp)", lambda p: p.budget, kind=DECIMAL),
        Column("Total kuota", lambda p: sum(q.quota for q in p.quotas.all()), kind=INT),
        Column("Nasional", lambda p: "ya" if p.is_national else "tidak", width=8),
        Column("Aktif", lambda p: "ya" if p.is_active else "tidak", width=8),
        Column("Aturan kelayakan", lambda p: rules.describe(p.rule, p.level), width=60),
    ]


@people_required
def program_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    flt = ProgramFilter.from_params(request.GET)
    qs = flt.queryset().prefetch_related("quotas")
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="programs",
        request=request,
        extra={"filter": flt.__dict__, "format": fmt},
    )
    return download_response(fmt, _export_columns(), list(qs), name="program", sheet_name="Program")


def _detail_context(
    request: AuthedRequest,
    program: Program,
    *,
    rule: Any = None,
    rule_errors: list[str] | None = None,
) -> dict:
    return {
        "program": program,
        "quotas": list(program.quotas.all()),
        "can_manage": actions.may_manage(request.user),
        "rule_text": rules.describe(program.rule, program.level),
        "builder": {
            "level": program.level,
            "rule": program.rule if rule is None else rule,
            "fields": rules.registry(program.level),
            "previewUrl": "/api/v1/programs/preview",
            "editable": actions.may_manage(request.user) and not program.is_national,
        },
        "rule_errors": rule_errors or [],
        "is_city": request.user.role in ("admin", "dinsos", "pimpinan"),
    }


@people_required
def program_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    return render(request, "programs/program_detail.html", _detail_context(request, program))


@people_required
@require_POST
def national_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record national-program participation from a pasted list (see national.py)."""
    program = get_object_or_404(Program, pk=pk)
    _manager_required(request)
    try:
        result = record_participation(
            program,
            acting_user=request.user,
            numbers=request.POST.get("numbers", ""),
            period=request.POST.get("period", ""),
            source=request.POST.get("source", ""),
        )
    except InvalidInput as exc:
        context = _detail_context(request, program)
        context["national_errors"] = [m for msgs in exc.errors.values() for m in msgs]
        context["national_values"] = request.POST
        return render(request, "programs/program_detail.html", context, status=422)
    if result["created"]:
        messages.success(
            request,
            f"{result['created']} kepesertaan periode {result['period']} tercatat dari data pusat.",
        )
    else:
        messages.warning(request, "Tidak ada kepesertaan baru yang tercatat.")
    for key, text in (
        ("already", "sudah tercatat pada periode ini"),
        ("not_found", "tidak ditemukan (aktif) di wilayah Anda"),
        ("invalid", "bukan nomor 16 digit"),
    ):
        if result[key]:
            shown = ", ".join(result[key][:20]) + (" …" if len(result[key]) > 20 else "")
            messages.warning(request, f"{len(result[key])} nomor {text}: {shown}")
    return redirect("programs:detail", pk=program.pk)


@people_required
@require_POST
def rule_save(request: AuthedRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    _manager_required(request)
    raw = request.POST.get("rule", "")
    try:
        rule = json.loads(raw)
    except ValueError:
        rule, errors = None, ["Aturan tidak terbaca (bukan JSON yang valid)."]
    else:
        try:
            actions.save_rule(program, acting_user=request.user, rule=rule)
        except InvalidInput as exc:
            errors = [m for msgs in exc.errors.values() for m in msgs]
        else:
            messages.success(request, "Aturan kelayakan disimpan.")
            return redirect("programs:detail", pk=program.pk)
    context = _detail_context(request, program, rule=rule, rule_errors=errors)
    return render(request, "programs/program_detail.html", context, status=422)


def _form_page(request: AuthedRequest, program: Program | None) -> HttpResponse:
    _manager_required(request)
    initial = ProgramForm.initial_for(program) if program else {"is_active": True}
    form = ProgramForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            quotas = actions.parse_quotas(form.cleaned_data.get("quotas") or "")
            if program is None:
                program = actions.create_program(
                    acting_user=request.user, data=form.values(), quotas=quotas
                )
                messages.success(request, "Program dibuat. Susun aturan kelayakannya di bawah.")
            else:
                program = actions.update_program(
                    program, acting_user=request.user, data=form.values(), quotas=quotas
                )
                messages.success(request, "Program disimpan.")
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            return redirect("programs:detail", pk=program.pk)
    return render(
        request,
        "programs/program_form.html",
        {"form": form, "program": program},
        status=422 if form.errors else 200,
    )


@people_required
def program_create(request: AuthedRequest) -> HttpResponse:
    return _form_page(request, None)


@people_required
def program_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    return _form_page(request, program)


# Enrollments: candidates, proposed/approved, delivery --------------------------------

ENROLLMENT_TABS = {
    "kandidat": ("Kandidat", ("kandidat",)),
    "usulan": ("Diusulkan/Disetujui", ("diusulkan", "disetujui", "ditolak")),
    "penyaluran": ("Penyaluran", ("disetujui", "disalurkan", "selesai")),
}


def _enrollment_qs(request: AuthedRequest, program: Program, tab: str) -> EnrollmentQuerySet:
    statuses = ENROLLMENT_TABS[tab][1]
    status = request.GET.get("status", "")
    if status in statuses:
        statuses = (status,)
    if tab == "kandidat":
        # Candidates live in their own table (decision 24) until they are proposed.
        qs = Candidate.objects.restrict(request.user, "view").filter(
            program=program, period=en.program_period(program)
        )
    else:
        qs = Enrollment.objects.restrict(request.user, "view").filter(
            program=program, period=en.program_period(program), status__in=statuses
        )
    if tab == "penyaluran":
        qs = _unpaid_filter(qs, _month_param(request.GET.get("belum_dibayar", "")))
    return (
        qs.search(request.GET.get("q", ""), masked=not request.user.can_reveal_ids)
        .select_related("household", "person", "village__district")
        .order_by("-priority_total", "pk")
    )


def _with_heads(rows: list[Any]) -> list[Any]:
    """Each row (a Candidate or Enrollment) with `display_name` (the person, or the
    household's head) and its priority parts as lines and as text."""
    heads = household_heads(e.household_id for e in rows if e.person_id is None)
    for e in rows:
        head = heads.get(e.household_id)
        e.display_name = e.person.name if e.person else (head.name if head else "")
        # Processing restricted (UU 27/2022, decision 43): marked, and a delivery asks
        # for an override basis and reason.
        subject = e.person if e.person_id else head
        e.restricted = bool(subject and subject.processing_restricted_since)
        e.parts = [line for line in priority.explain(e.priority_parts)]
        e.parts_text = priority.as_text(e.priority_parts)
    return rows


def _month_param(raw: str) -> datetime.date | None:
    """'2026-03' (a month input's value) -> date(2026, 3, 1); None when empty or
    not a month."""
    try:
        return en.parse_month(raw or "")
    except ValueError:
        return None


def _unpaid_filter(qs: EnrollmentQuerySet, month: datetime.date | None) -> EnrollmentQuerySet:
    """Enrollments not paid yet for `month` (all when None): the list staff pay."""
    if month is None:
        return qs
    return qs.exclude(
        Exists(Delivery.objects.filter(enrollment_id=OuterRef("pk"), period_month=month))
    )


MONTH_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def _with_deliveries(rows: list[Any], program: Program | None = None) -> list[Any]:
    """Each enrollment's deliveries (`e.delivery_list`) and their summary (`e.paid`:
    count, total, months), in one query; for a monthly program also one mark per
    month of the period (`e.month_marks`: paid or not) and `e.paid_values`."""
    months = en.period_months(program) if program and en.is_monthly(program) else []
    by_id = en.deliveries_for([e.pk for e in rows])
    if program is not None and program.benefit_type == "bedah_rumah" and not program.is_national:
        # Delivered by the renovation's handover: the row links to its work instead.
        prefetch_related_objects(rows, "renovation")
    for e in rows:
        e.delivery_list = by_id.get(e.pk, [])
        e.paid = en.delivery_summary(e.delivery_list)
        for d in e.delivery_list:
            d.month_label = en.month_label(d.period_month) if d.period_month else ""
        by_month = {d.period_month: d for d in e.delivery_list if d.period_month}
        e.paid_values = {f"{m:%Y-%m}" for m in by_month}
        e.month_marks = [
            {"short": MONTH_SHORT[m.month - 1], "label": en.month_label(m), "paid": by_month.get(m)}
            for m in months
        ]
    return rows


def _delivery_context(request: AuthedRequest, program: Program, tab: str) -> dict:
    """What the delivery tab needs: the program's months (monthly programs), the
    month filtered on, and the budget split into paid and committed."""
    if tab != "penyaluran":
        return {}
    monthly = en.is_monthly(program)
    months = en.period_months(program) if monthly else []
    current = en.month_start(today())
    return {
        "monthly": monthly,
        # Bedah Rumah: delivered by the renovation's handover (pilar.renovations).
        "via_handover": program.benefit_type == "bedah_rumah" and not program.is_national,
        "months": [(f"{m:%Y-%m}", en.month_label(m)) for m in months],
        "default_month": f"{current:%Y-%m}" if current in months else "",
        "unpaid": request.GET.get("belum_dibayar", "") if monthly else "",
        "today": today().isoformat(),
    }


@people_required
def enrollment_list(request: AuthedRequest, pk: int, tab: str = "kandidat") -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    if tab not in ENROLLMENT_TABS:
        raise Http404
    page = Paginator(_enrollment_qs(request, program, tab), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "programs/enrollment_list.html",
        {
            "program": program,
            "tab": tab,
            "tabs": [(key, label) for key, (label, _) in ENROLLMENT_TABS.items()],
            "page": page,
            "rows": _rows_for(tab, list(page.object_list), program),
            "q": request.GET.get("q", ""),
            "can_manage": actions.may_manage(request.user),
            "period": en.program_period(program),
            "generation": en.last_generation(program) if tab == "kandidat" else None,
            "quota": en.quota_usage(program),
            "budget": en.budget_usage(program),
            "override_bases": OverrideBasis.choices,
            **_delivery_context(request, program, tab),
        },
    )


def _rows_for(tab: str, rows: list[Any], program: Program) -> list[Any]:
    rows = _with_heads(rows)
    return _with_deliveries(rows, program) if tab == "penyaluran" else rows


def _enrollment_columns() -> list[Column]:
    return [
        Column("ID", lambda e: e.pk, kind=INT, width=8),
        Column("Nama", lambda e: e.display_name, width=28),
        Column("NIK/No. KK (disamarkan)", lambda e: _masked_id(e), width=20),
        Column("Kelurahan", lambda e: e.village.name, width=20),
        Column("Kecamatan", lambda e: e.village.district.name, width=20),
        Column("Status", lambda e: e.get_status_display(), width=12),
        Column("Skor prioritas", lambda e: e.priority_total, kind=INT),
        Column("Rincian skor", lambda e: e.parts_text, width=60),
        Column("Nilai (Rp)", lambda e: e.amount, kind=DECIMAL),
        Column("Jumlah penyaluran", lambda e: _paid(e)["count"], kind=INT),
        Column("Bulan dibayar", lambda e: _paid(e)["months_text"], width=40),
        Column("Total disalurkan (Rp)", lambda e: _paid(e)["total"], kind=DECIMAL),
        Column(
            "Tanggal salur terakhir",
            lambda e: getattr(e, "delivered_on", None) and e.delivered_on.isoformat(),
        ),
        Column(
            "Nilai salur terakhir (Rp)",
            lambda e: getattr(e, "delivered_amount", None),
            kind=DECIMAL,
        ),
        Column("Alasan penolakan", lambda e: e.reject_reason, width=30),
    ]


def _paid(e: Any) -> dict:
    """The delivery summary of an exported row (none on the candidate tab)."""
    return getattr(e, "paid", None) or {"count": None, "total": None, "months_text": ""}


def _masked_id(e: Candidate | Enrollment) -> str:
    return mask(e.person.nik if e.person else e.household.no_kk)


@people_required
def enrollment_export(request: AuthedRequest, pk: int, tab: str, fmt: str) -> HttpResponse:
    program = get_object_or_404(Program, pk=pk)
    if tab not in ENROLLMENT_TABS or fmt not in ("xlsx", "csv"):
        raise Http404
    # Persons whose processing is restricted stay out of the file (decision 43).
    rows, left_out = restricted.rows(_with_heads(list(_enrollment_qs(request, program, tab))))
    if tab != "kandidat":
        rows = _with_deliveries(rows)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="programs.enrollments",
        object_id=str(program.pk),
        request=request,
        extra={
            "tab": tab,
            "q": request.GET.get("q", ""),
            "belum_dibayar": request.GET.get("belum_dibayar", ""),
            "format": fmt,
            "count": len(rows),
            **withheld.log_extra(left_out),
        },
    )
    response = download_response(
        fmt, _enrollment_columns(), rows, name=f"kepesertaan-{program.code}", sheet_name="Peserta"
    )
    return withheld.tell(request, response, left_out)


@people_required
@require_POST
def enrollment_action(request: AuthedRequest, pk: int, tab: str) -> HttpResponse:
    """One form endpoint for the tabs' buttons: generate, propose, approve, reject,
    deliver (one enrollment), deliver_month (the selected ones, one month of a
    monthly program), complete. Errors come back as messages; nothing is
    half-applied (actions)."""
    program = get_object_or_404(Program, pk=pk)
    _manager_required(request)
    op = request.POST.get("op", "")
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    try:
        if op == "generate":
            result = en.generate_candidates(program, acting_user=request.user)
            messages.success(request, f"Daftar kandidat dibuat: {result['created']} kandidat.")
        elif op == "propose":
            n = en.propose(program, ids, acting_user=request.user)
            messages.success(request, f"{n} kandidat diusulkan.")
        elif op == "approve":
            n = en.approve(program, ids, acting_user=request.user)
            messages.success(request, f"{n} usulan disetujui.")
        elif op == "reject":
            n = en.reject(
                program, ids, acting_user=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(request, f"{n} data ditolak.")
        elif op == "deliver":
            row = get_object_or_404(
                Enrollment.objects.restrict(request.user, "view").filter(program=program),
                pk=int(request.POST.get("enrollment") or 0),
            )
            raw_month = request.POST.get("period_month", "")
            row = en.deliver(
                row,
                acting_user=request.user,
                delivered_on=_day_param(request.POST.get("delivered_on", "")),
                amount=request.POST.get("amount"),
                amount_reason=request.POST.get("amount_reason", ""),
                note=request.POST.get("note", ""),
                evidence=request.FILES.get("evidence"),
                complete=bool(request.POST.get("complete")),
                month=_month_param(raw_month) if raw_month else None,
                override_basis=request.POST.get("override_basis", ""),
                override_reason=request.POST.get("override_reason", ""),
            )
            paid = row.delivery.period_month  # type: ignore[attr-defined]
            messages.success(
                request,
                f"Penyaluran bulan {en.month_label(paid)} dicatat."
                if paid
                else "Penyaluran dicatat.",
            )
        elif op == "deliver_month":
            month = _month_param(request.POST.get("period_month", ""))
            n = en.deliver_month(
                program,
                ids,
                acting_user=request.user,
                month=month,
                delivered_on=_day_param(request.POST.get("delivered_on", "")),
                note=request.POST.get("note", ""),
                evidence=request.FILES.get("evidence"),
            )
            assert month is not None
            messages.success(
                request, f"Penyaluran bulan {en.month_label(month)} dicatat: {n} peserta."
            )
        elif op == "complete":
            n = en.complete_many(program, ids, acting_user=request.user)
            messages.success(request, f"{n} kepesertaan diselesaikan.")
        else:
            raise Http404
    except InvalidInput as exc:
        for msgs in exc.errors.values():
            for m in msgs:
                messages.error(request, m)
    except NotAllowed:  # the action's own area re-check (pattern 9): as missing
        raise Http404 from None
    response = redirect("programs:enrollments", pk=program.pk, tab=tab)
    back = _month_param(request.POST.get("belum_dibayar", ""))
    if back is not None:  # keep the "not paid for month X" list being worked through
        response["Location"] += f"?belum_dibayar={back:%Y-%m}"
    return response


def _day_param(raw: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None
