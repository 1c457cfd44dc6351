"""Program pages: the list (search, pagination, export), a program's page with the
rule builder and live preview, and the create/edit forms.

Programs are reference data, readable by every role that sees people's data; the
preview (served by the API, /api/v1/programs/preview) reads people only through
`restrict(user, "view")`, so a PSM or TKSK sees the counts of their own area.
Creating, editing and saving a rule is for Dinas Sosial and admins (403 otherwise).
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.errors import InvalidInput
from pilar.exports.columns import DECIMAL, INT, Column
from pilar.exports.writers import download_response
from pilar.programs import actions, rules
from pilar.programs.filters import ProgramFilter
from pilar.programs.forms import ProgramForm
from pilar.programs.models import Program
from pilar.registry.forms import apply_errors
from pilar.registry.views import PAGE_SIZE, people_required


def _manager_required(request) -> None:
    if not actions.may_manage(request.user):
        raise PermissionDenied(actions.MSG_NOT_MANAGER)


@people_required
def program_list(request):
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
def program_export(request, fmt: str):
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


def _detail_context(request, program: Program, *, rule=None, rule_errors=None) -> dict:
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
def program_detail(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    return render(request, "programs/program_detail.html", _detail_context(request, program))


@people_required
@require_POST
def rule_save(request, pk: int):
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


def _form_page(request, program: Program | None):
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
def program_create(request):
    return _form_page(request, None)


@people_required
def program_edit(request, pk: int):
    program = get_object_or_404(Program, pk=pk)
    return _form_page(request, program)


# Enrollments: candidates, proposed/approved, delivery --------------------------------

ENROLLMENT_TABS = {
    "kandidat": ("Kandidat", ("kandidat",)),
    "usulan": ("Diusulkan/Disetujui", ("diusulkan", "disetujui", "ditolak")),
    "penyaluran": ("Penyaluran", ("disetujui", "disalurkan", "selesai")),
}


def _enrollment_qs(request, program: Program, tab: str):
    from pilar.programs.enrollment import program_period
    from pilar.programs.models import Enrollment

    statuses = ENROLLMENT_TABS[tab][1]
    status = request.GET.get("status", "")
    if status in statuses:
        statuses = (status,)
    return (
        Enrollment.objects.restrict(request.user, "view")
        .filter(program=program, period=program_period(program), status__in=statuses)
        .search(request.GET.get("q", ""))
        .select_related("household", "person", "village__district")
        .order_by("-priority_total", "pk")
    )


def _with_heads(rows) -> list:
    from pilar.programs import priority
    from pilar.registry.choices import Relation
    from pilar.registry.models import Person

    heads = dict(
        Person.objects.filter(
            household_id__in=[e.household_id for e in rows if e.person_id is None],
            relation=Relation.HEAD,
            is_active=True,
        ).values_list("household_id", "name")
    )
    for e in rows:
        e.display_name = e.person.name if e.person else heads.get(e.household_id, "")
        e.parts = [line for line in priority.explain(e.priority_parts)]
        e.parts_text = priority.as_text(e.priority_parts)
    return rows


@people_required
def enrollment_list(request, pk: int, tab: str = "kandidat"):
    from pilar.programs import enrollment as en

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
            "rows": _with_heads(list(page.object_list)),
            "q": request.GET.get("q", ""),
            "can_manage": actions.may_manage(request.user),
            "period": en.program_period(program),
            "quota": en.quota_usage(program),
            "budget": en.budget_usage(program),
        },
    )


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
        Column("Tanggal salur", lambda e: e.delivered_on and e.delivered_on.isoformat()),
        Column("Nilai disalurkan (Rp)", lambda e: e.delivered_amount, kind=DECIMAL),
        Column("Alasan penolakan", lambda e: e.reject_reason, width=30),
    ]


def _masked_id(e) -> str:
    from pilar.registry.identity import mask

    return mask(e.person.nik if e.person else e.household.no_kk)


@people_required
def enrollment_export(request, pk: int, tab: str, fmt: str):
    program = get_object_or_404(Program, pk=pk)
    if tab not in ENROLLMENT_TABS or fmt not in ("xlsx", "csv"):
        raise Http404
    rows = _with_heads(list(_enrollment_qs(request, program, tab)))
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="programs.enrollments",
        object_id=str(program.pk),
        request=request,
        extra={"tab": tab, "q": request.GET.get("q", ""), "format": fmt, "count": len(rows)},
    )
    return download_response(
        fmt, _enrollment_columns(), rows, name=f"kepesertaan-{program.code}", sheet_name="Peserta"
    )


@people_required
@require_POST
def enrollment_action(request, pk: int, tab: str):
    """One form endpoint for the tabs' buttons: generate, propose, approve, reject,
    deliver. Errors come back as messages; nothing is half-applied (actions)."""
    import datetime as dt

    from pilar.programs import enrollment as en
    from pilar.programs.models import Enrollment

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
            raw_day = request.POST.get("delivered_on") or ""
            try:
                day = dt.date.fromisoformat(raw_day) if raw_day else None
            except ValueError:
                day = None
            en.deliver(
                row,
                acting_user=request.user,
                delivered_on=day,
                amount=request.POST.get("amount"),
                amount_reason=request.POST.get("amount_reason", ""),
                note=request.POST.get("note", ""),
                evidence=request.FILES.get("evidence"),
                complete=bool(request.POST.get("complete")),
            )
            messages.success(request, "Penyaluran dicatat.")
        else:
            raise Http404
    except InvalidInput as exc:
        for msgs in exc.errors.values():
            for m in msgs:
                messages.error(request, m)
    return redirect("programs:enrollments", pk=program.pk, tab=tab)
