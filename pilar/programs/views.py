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
