"""Case pages: list (with overdue flags and export), detail with its timeline, a
form per step, and the summary figures.

Cases are fetched through `Case.objects.restrict(user, "view")` (404 outside the
area); a role that sees the case but may not take the step gets 403 before the
action runs; the action re-checks area and role.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from pilar.accounts.models import User
from pilar.accounts.scope import area_options
from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.exports import logged_download
from pilar.audit.models import AccessAction
from pilar.cases import actions, forms, notify, stats
from pilar.cases.choices import CaseStatus, InterventionStatus, Outcome
from pilar.cases.exports import case_columns, summary_columns
from pilar.cases.filters import OPEN, CaseFilter, cases_for
from pilar.cases.models import Case, Intervention
from pilar.core.dates import today
from pilar.core.tables import download_response
from pilar.core.web import PAGE_SIZE, people_required, run_action
from pilar.exports import restricted
from pilar.ppks.access import hidden_type_ids
from pilar.ppks.models import PpksRecord, PpksType
from pilar.programs.models import Program
from pilar.registry.forms import add_override_fields
from pilar.registry.restriction import restricted_subject

CASE_RELATED = (
    "record__ppks_type",
    "record__person",
    "record__household__village__district",
    "assigned_to",
    "intake_by",
    "closed_by",
    "assessed_by",
)


def get_case_for_user(user: User, pk: int) -> Case:
    """The case if `user` may see it; 404 for missing and out-of-area alike."""
    return get_object_or_404(
        Case.objects.restrict(user, "view").select_related(*CASE_RELATED), pk=pk
    )


def _workers(record: PpksRecord):
    return (
        User.objects.filter(actions.eligible_workers_q(record))
        .select_related("village", "district")
        .order_by("role", "first_name", "username")
    )


# List, export ------------------------------------------------------------------


@people_required
def case_list(request: AuthedRequest, overdue_only: bool = False):
    user = request.user
    flt = CaseFilter.from_params(request.GET)
    if overdue_only:
        flt.overdue = True
    qs = cases_for(user, flt)
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    districts, villages = area_options(user, flt.kecamatan)
    overdue_count = Case.objects.restrict(user, "view").overdue().count()
    worker_ids = (
        Case.objects.restrict(user, "view")
        .exclude(assigned_to__isnull=True)
        .values("assigned_to_id")
        .distinct()
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "filter": flt,
            "page": page,
            "cases": list(page.object_list),
            "total": paginator.count,
            "overdue_count": overdue_count,
            "overdue_only": overdue_only,
            # The export takes the list's own query string (plus the overdue flag of /terlambat/).
            "overdue_param": "ya" if flt.overdue else None,
            "districts": districts,
            "villages": villages,
            "statuses": [(OPEN, "Semua yang berjalan"), *CaseStatus.choices],
            "outcomes": Outcome.choices,
            "workers": User.objects.filter(pk__in=worker_ids).order_by("first_name", "username"),
            "ppks_types": PpksType.objects.filter(is_active=True)
            .exclude(pk__in=hidden_type_ids(user))
            .order_by("number"),
            "filtered": bool(flt.as_dict()),
            "can_manage": actions.may_manage(user),
            "today": today(),
        },
    )


@people_required
def case_export(request: AuthedRequest, fmt: str):
    flt = CaseFilter.from_params(request.GET)
    # Cases about a person whose processing is restricted stay out (decision 43).
    qs, left_out = restricted.cases(cases_for(request.user, flt))
    return logged_download(
        request,
        fmt,
        queryset=qs,
        filters=flt.as_dict(),
        columns=case_columns(),
        object_type="cases.case",
        name="penanganan",
        sheet_name="Penanganan",
        left_out=left_out,
    )


# Detail ------------------------------------------------------------------------


@people_required
def case_detail(request: AuthedRequest, pk: int):
    user = request.user
    case = get_case_for_user(user, pk)
    log_access(user=user, action=AccessAction.VIEW_PERSON, obj=case, request=request)
    notify.mark_case_read(user, case)
    interventions = list(case.interventions.select_related("program", "enrollment"))
    visits = list(case.visits.select_related("visitor"))
    steps = list(case.steps.select_related("actor"))
    can_work = case.is_open and actions.may_work_on(user, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "record": case.record,
            "interventions": interventions,
            "visits": visits,
            "steps": steps,
            "can_manage": case.is_open and actions.may_manage(user),
            "can_work": can_work,
            "can_plan": can_work and case.status != CaseStatus.INTAKE,
            "planned": InterventionStatus.PLANNED,
        },
    )


@people_required
def for_record(request: AuthedRequest, record_pk: int):
    """ "Buka penanganan" from a PPKS record: its open case, else the form to open one
    (Dinas Sosial), else its latest case."""
    user = request.user
    record = get_object_or_404(PpksRecord.objects.restrict(user, "view"), pk=record_pk)
    cases = Case.objects.restrict(user, "view").filter(record=record)
    current = cases.exclude(status=CaseStatus.CLOSED).first()
    if current is not None:
        return redirect("cases:detail", pk=current.pk)
    if actions.may_manage(user) and record.status == "aktif":
        return redirect(reverse("cases:open") + f"?record={record.pk}")
    latest = cases.order_by("-pk").first()
    if latest is not None:
        return redirect("cases:detail", pk=latest.pk)
    messages.info(request, "Data PPKS ini belum memiliki penanganan.")
    return redirect("cases:list")


# Steps ---------------------------------------------------------------------------


def _step_page(request, case, form, title, submit, *, extra=None, status=200):
    context = {
        "case": case,
        "record": case.record if case else None,
        "form": form,
        "title": title,
        "submit": submit,
    }
    context.update(extra or {})
    return render(request, "cases/step_form.html", context, status=status)


@people_required
def case_open(request: AuthedRequest):
    user = request.user
    record_id = request.GET.get("record", "")
    if not record_id.isdigit():
        raise Http404
    record = get_object_or_404(
        PpksRecord.objects.restrict(user, "view").select_related(
            "ppks_type", "person", "household__village"
        ),
        pk=int(record_id),
    )
    if not actions.may_manage(user):
        raise PermissionDenied(actions.MSG_MANAGER)
    workers = _workers(record)
    form = forms.OpenForm(
        request.POST or None,
        workers=workers,
        initial={
            "intake_date": today().isoformat(),
            "followup_days": actions.default_followup_days(),
        },
    )
    restricted = _restricted_subject(record)
    if restricted is not None:
        add_override_fields(form)
    if request.method == "POST" and form.is_valid():
        data = form.values()
        raw = str(data.get("assigned_to") or "")
        # Only users who may work this case: another area's, a wrong role or no
        # health-data access read exactly like an unknown id (pattern 9).
        worker = actions.find_worker(record, raw) if raw else None
        if raw and worker is None:
            form.add_error("assigned_to", actions.MSG_NO_WORKER)
        else:
            case, ok = run_action(
                form,
                lambda: actions.open_case(
                    record,
                    acting_user=user,
                    intake_date=data.get("intake_date") or None,
                    source=data.get("intake_source") or "",
                    notes=data.get("intake_notes") or "",
                    assigned_to=worker,
                    followup_days=data.get("followup_days") or None,
                    override_basis=data.get("override_basis") or "",
                    override_reason=data.get("override_reason") or "",
                ),
            )
            if ok and case is not None:
                messages.success(request, f"Penanganan #{case.pk} dibuka.")
                return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/step_form.html",
        {
            "case": None,
            "record": record,
            "form": form,
            "title": "Buka penanganan",
            "submit": "Buka penanganan",
            "restricted": restricted,
        },
    )


def _restricted_subject(record):
    """The restricted person the record is about (decision 43), else None."""
    return restricted_subject(person_id=record.person_id, household_id=record.household_id)


def _manager_case(request, pk):
    case = get_case_for_user(request.user, pk)
    if not actions.may_manage(request.user):
        raise PermissionDenied(actions.MSG_MANAGER)
    return case


def _worker_case(request, pk):
    case = get_case_for_user(request.user, pk)
    if not actions.may_work_on(request.user, case):
        raise PermissionDenied(actions.MSG_WORKER)
    return case


@people_required
def case_assign(request: AuthedRequest, pk: int):
    user = request.user
    case = _manager_case(request, pk)
    workers = _workers(case.record)
    form = forms.AssignForm(
        request.POST or None, workers=workers, initial={"assigned_to": case.assigned_to_id}
    )
    if _restricted_subject(case.record) is not None:
        add_override_fields(form)
    if request.method == "POST" and form.is_valid():
        data = form.values()
        raw = str(data.get("assigned_to") or "")
        # Only users who may work this case: another area's, a wrong role or no
        # health-data access read exactly like an unknown id (pattern 9).
        worker = actions.find_worker(case.record, raw) if raw else None
        if raw and worker is None:
            form.add_error("assigned_to", actions.MSG_NO_WORKER)
        else:
            _, ok = run_action(
                form,
                lambda: actions.assign_case(
                    case,
                    acting_user=user,
                    worker=worker,
                    note=data.get("note") or "",
                    override_basis=data.get("override_basis") or "",
                    override_reason=data.get("override_reason") or "",
                ),
            )
            if ok:
                messages.success(request, "Petugas penanganan telah ditetapkan.")
                return redirect("cases:detail", pk=case.pk)
    return _step_page(request, case, form, "Tugaskan petugas", "Simpan")


@people_required
def case_assess(request: AuthedRequest, pk: int):
    user = request.user
    case = _worker_case(request, pk)
    form = forms.AssessForm(
        request.POST or None,
        initial={
            "needs": case.needs,
            "assessment_notes": case.assessment_notes,
            "assessed_on": (case.assessed_on or today()).isoformat(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.values()
        _, ok = run_action(
            form,
            lambda: actions.assess_case(
                case,
                acting_user=user,
                needs=data.get("needs") or [],
                notes=data.get("assessment_notes") or "",
                assessed_on=data.get("assessed_on") or None,
            ),
        )
        if ok:
            messages.success(request, "Hasil asesmen disimpan.")
            return redirect("cases:detail", pk=case.pk)
    return _step_page(request, case, form, "Asesmen kebutuhan", "Simpan asesmen")


@people_required
def intervention_add(request: AuthedRequest, pk: int):
    user = request.user
    case = _worker_case(request, pk)
    programs = Program.objects.filter(is_active=True).order_by("name")
    form = forms.InterventionForm(
        request.POST or None, programs=programs, initial={"planned_date": today().isoformat()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.values()
        raw = str(data.get("program") or "")
        program = programs.filter(pk=int(raw)).first() if raw.isdigit() else None
        _, ok = run_action(
            form,
            lambda: actions.add_intervention(
                case,
                acting_user=user,
                kind=data.get("kind") or "",
                target=data.get("target") or "",
                program=program,
                planned_date=data.get("planned_date") or None,
            ),
        )
        if ok:
            messages.success(request, "Rencana intervensi ditambahkan.")
            return redirect("cases:detail", pk=case.pk)
    return _step_page(request, case, form, "Tambah rencana intervensi", "Tambah")


@people_required
def intervention_result(request: AuthedRequest, pk: int, item_pk: int):
    user = request.user
    case = _worker_case(request, pk)
    item = get_object_or_404(Intervention.objects.select_related("program"), pk=item_pk, case=case)
    form = forms.ResultForm(request.POST or None, initial={"done_on": today().isoformat()})
    if request.method == "POST" and form.is_valid():
        data = form.values()
        _, ok = run_action(
            form,
            lambda: actions.record_intervention_result(
                item,
                acting_user=user,
                status=data.get("status") or "",
                result_note=data.get("result_note") or "",
                done_on=data.get("done_on") or None,
            ),
        )
        if ok:
            messages.success(request, "Hasil intervensi dicatat.")
            return redirect("cases:detail", pk=case.pk)
    title = f"Hasil intervensi: {item.get_kind_display()} ({item.target_label})"
    return _step_page(request, case, form, title, "Simpan hasil")


@people_required
def visit_add(request: AuthedRequest, pk: int):
    user = request.user
    case = _worker_case(request, pk)
    form = forms.VisitForm(request.POST or None, initial={"visited_on": today().isoformat()})
    if request.method == "POST" and form.is_valid():
        data = form.values()
        _, ok = run_action(
            form,
            lambda: actions.record_visit(
                case,
                acting_user=user,
                visited_on=data.get("visited_on") or None,
                notes=data.get("notes") or "",
                latitude=data.get("latitude") or None,
                longitude=data.get("longitude") or None,
            ),
        )
        if ok:
            messages.success(
                request,
                f"Kunjungan dicatat. Tindak lanjut berikutnya: {case.next_due:%d-%m-%Y}.",
            )
            return redirect("cases:detail", pk=case.pk)
    return _step_page(
        request,
        case,
        form,
        "Catat kunjungan tindak lanjut",
        "Simpan kunjungan",
        extra={"gps": True},
    )


@people_required
def case_close(request: AuthedRequest, pk: int):
    user = request.user
    case = _manager_case(request, pk)
    form = forms.CloseForm(request.POST or None, initial={"closed_on": today().isoformat()})
    if request.method == "POST" and form.is_valid():
        data = form.values()
        _, ok = run_action(
            form,
            lambda: actions.close_case(
                case,
                acting_user=user,
                outcome=data.get("outcome") or "",
                closed_on=data.get("closed_on") or None,
                note=data.get("closure_note") or "",
            ),
        )
        if ok:
            messages.success(
                request, f"Penanganan #{case.pk} ditutup: {case.get_outcome_display()}."
            )
            return redirect("cases:detail", pk=case.pk)
    return _step_page(
        request, case, form, "Tutup penanganan", "Tutup penanganan", extra={"closing": True}
    )


# Summary -------------------------------------------------------------------------


def _period(params) -> tuple[datetime.date, datetime.date]:
    """?dari=&sampai= (YYYY-MM-DD); default: from 1 January of this year to today."""
    end = today()
    start = end.replace(month=1, day=1)
    for name in ("dari", "sampai"):
        try:
            value = datetime.date.fromisoformat(str(params.get(name) or ""))
        except ValueError:
            continue
        if name == "dari":
            start = value
        else:
            end = value
    if start > end:
        start, end = end, start
    return start, end


def _group(request: AuthedRequest) -> str:
    per = request.GET.get("per", "")
    return per if per in stats.GROUPS else "kecamatan"


@people_required
def summary(request: AuthedRequest):
    group = _group(request)
    start, end = _period(request.GET)
    rows, total = stats.summary(request.user, group, start, end)
    return render(
        request,
        "cases/summary.html",
        {
            "rows": rows,
            "total": total,
            "group": group,
            "start": start,
            "end": end,
            "outcomes": Outcome.choices,
        },
    )


@people_required
def summary_export(request: AuthedRequest):
    group = _group(request)
    start, end = _period(request.GET)
    rows, total = stats.summary(request.user, group, start, end)
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="cases.summary",
        request=request,
        extra={"per": group, "dari": str(start), "sampai": str(end), "rows": len(rows)},
    )
    return download_response(
        "xlsx",
        summary_columns(group),
        [*rows, total],
        name=f"ringkasan-penanganan-{group}",
        sheet_name="Ringkasan penanganan",
    )
