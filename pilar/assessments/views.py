"""Assessment pages: the summary per kecamatan, a household's assessment history
with the new-assessment forms, the overdue list and the consistency watch.

Everything is read through `restrict(user, "view")` (out-of-area = 404); writing
an assessment is for Dinas Sosial and admins (403 for other roles); PSM and TKSK
send housing surveys through field reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from pilar.accounts.scope import area_options
from pilar.accounts.types import AuthedRequest
from pilar.assessments import actions
from pilar.assessments import criteria as cr
from pilar.assessments.access import may_assess
from pilar.assessments.consistency import PROBLEMS, ConsistencyFilter, consistency_for, reasons
from pilar.assessments.exports import consistency_columns, overdue_columns
from pilar.assessments.filters import KINDS, OverdueFilter, overdue_households_for
from pilar.assessments.forms import PovertyForm, RtlhForm
from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.assessments.stats import summary_by_district, totals
from pilar.audit.actions import log_access
from pilar.audit.exports import logged_download
from pilar.audit.models import AccessAction
from pilar.core.dates import today
from pilar.core.numbers import format_measure
from pilar.core.web import PAGE_SIZE, people_required, run_action
from pilar.exports import restricted
from pilar.ppks.access import hidden_type_ids
from pilar.ppks.models import PpksType
from pilar.registry.models import Household, HousingSurvey

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def _household(user: User, pk: int) -> Household:
    return get_object_or_404(
        Household.objects.restrict(user, "view").select_related("village__district"), pk=pk
    )


# Summary ------------------------------------------------------------------------


@people_required
def summary(request: AuthedRequest):
    rows = summary_by_district(request.user, today())
    return render(
        request,
        "assessments/summary.html",
        {"rows": rows, "totals": totals(rows), "can_assess": may_assess(request.user)},
    )


# Household history and forms -----------------------------------------------------


@people_required
def household(request: AuthedRequest, pk: int):
    user = request.user
    hh = _household(user, pk)
    poverty = list(
        PovertyAssessment.objects.filter(household=hh)
        .select_related("assessor", "source_report", "survey")
        .order_by("-assessed_on", "-id")
    )
    rtlh = list(
        RtlhAssessment.objects.filter(household=hh)
        .select_related("assessor", "survey")
        .order_by("-assessed_on", "-id")
    )
    surveys = list(HousingSurvey.objects.filter(household=hh).order_by("-surveyed_on", "-id")[:10])
    log_access(user=user, action=AccessAction.VIEW_HOUSEHOLD, obj=hh, request=request)
    return render(
        request,
        "assessments/household.html",
        {
            "household": hh,
            "head": actions.household_head(hh),
            "poverty": poverty,
            "rtlh": rtlh,
            "current_poverty": poverty[0] if poverty else None,
            "current_rtlh": rtlh[0] if rtlh else None,
            "surveys": surveys,
            "can_assess": may_assess(user) and hh.is_active,
            "today": today(),
            "poverty_criteria": cr.POVERTY_CRITERIA,
        },
    )


def _writable_household(request, pk: int) -> Household:
    """404 outside the area (checked first, so a PSM cannot probe ids), 403 for
    roles that may not assess."""
    hh = _household(request.user, pk)
    if not may_assess(request.user):
        raise PermissionDenied
    if not hh.is_active:
        raise Http404
    return hh


@people_required
def poverty_create(request: AuthedRequest, pk: int):
    user = request.user
    hh = _writable_household(request, pk)
    reports = [
        (
            s.pk,
            f"#{s.pk} · {s.get_kind_display()} · {s.visit_date:%d-%m-%Y} · "
            f"{s.get_status_display()}",
        )
        for s in hh.submissions.order_by("-visit_date", "-id")[:20]
    ]
    prefill = actions.prefill_poverty(hh)
    initial = {"assessed_on": today(), **prefill.values}
    form = PovertyForm(request.POST or None, initial=initial, source_reports=reports)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment, ok = run_action(
            form,
            lambda: actions.create_poverty_assessment(
                hh,
                acting_user=user,
                assessed_on=data.get("assessed_on"),
                criteria=form.criteria(),
                notes=data.get("notes") or "",
                source_report=data.get("source_report"),
            ),
        )
        if ok and assessment is not None:
            verdict = "miskin" if assessment.is_poor else "tidak miskin"
            messages.success(
                request,
                f"Asesmen kemiskinan tersimpan: {assessment.criteria_met} dari 14 kriteria "
                f"terpenuhi (ambang {assessment.threshold}), {verdict}.",
            )
            return redirect("assessments:household", pk=hh.pk)
    return render(
        request,
        "assessments/poverty_form.html",
        {
            "household": hh,
            "form": form,
            "prefill": prefill,
            "rows": [(f, prefill.sources.get(f.name, "")) for f in form.criterion_fields()],
            "threshold": actions.poor_threshold(),
        },
    )


@people_required
def rtlh_create(request: AuthedRequest, pk: int):
    user = request.user
    hh = _writable_household(request, pk)
    surveys = list(HousingSurvey.objects.filter(household=hh).order_by("-surveyed_on", "-id")[:20])
    choices = [
        (
            s.pk,
            f"{s.surveyed_on:%d-%m-%Y} · {format_measure(s.floor_area_m2)} m², "
            f"{s.occupants} penghuni",
        )
        for s in surveys
    ]
    initial = {"assessed_on": today(), "survey": surveys[0].pk if surveys else None}
    form = RtlhForm(request.POST or None, initial=initial, surveys=choices)
    if request.method == "POST" and form.is_valid() and surveys:
        data = form.cleaned_data
        survey = next((s for s in surveys if s.pk == data.get("survey")), None)
        if survey is None:
            form.add_error("survey", "Pilih survei rumah keluarga ini.")
        else:
            rtlh, ok = run_action(
                form,
                lambda: actions.create_rtlh_assessment(
                    survey,
                    acting_user=user,
                    assessed_on=data.get("assessed_on"),
                    notes=data.get("notes") or "",
                ),
            )
            if ok and rtlh is not None:
                assessment = rtlh
                if assessment.is_rtlh:
                    failed = "; ".join(c.short for c in assessment.failed_criteria)
                    text = f"Asesmen RTLH tersimpan: rumah tidak layak huni ({failed})."
                else:
                    text = "Asesmen RTLH tersimpan: rumah layak huni."
                messages.success(request, text)
                return redirect("assessments:household", pk=hh.pk)
    return render(
        request,
        "assessments/rtlh_form.html",
        {
            "household": hh,
            "form": form,
            "surveys": surveys,
            "threshold": actions.rtlh_threshold(),
            "rtlh_criteria": cr.RTLH_CRITERIA,
        },
    )


# Overdue list -------------------------------------------------------------------


@people_required
def overdue(request: AuthedRequest):
    user = request.user
    flt = OverdueFilter.from_params(request.GET)
    day = today()
    qs = overdue_households_for(user, flt, day)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    districts, villages = area_options(user, flt.kecamatan)
    return render(
        request,
        "assessments/overdue.html",
        {
            "filter": flt,
            "page": page,
            "households": list(page.object_list),
            "total": page.paginator.count,
            "districts": districts,
            "villages": villages,
            "kinds": list(KINDS.items()),
            "today": day,
            "filtered": bool(flt.as_dict()),
        },
    )


def _export(
    request, fmt: str, *, flt, qs, columns, object_type: str, name: str, sheet: str, leave_out
):
    # Rows naming a person whose processing is restricted stay out (decision 43).
    qs, left_out = leave_out(qs)
    return logged_download(
        request,
        fmt,
        queryset=qs,
        filters=flt.as_dict(),
        columns=columns(request.user),
        object_type=object_type,
        name=name,
        sheet_name=sheet,
        left_out=left_out,
    )


@people_required
def overdue_export(request: AuthedRequest, fmt: str):
    flt = OverdueFilter.from_params(request.GET)
    return _export(
        request,
        fmt,
        flt=flt,
        qs=overdue_households_for(request.user, flt, today()),
        columns=overdue_columns,
        object_type="assessments_overdue",
        name="asesmen-jatuh-tempo",
        sheet="Jatuh tempo",
        leave_out=restricted.households,
    )


# Consistency watch ----------------------------------------------------------------


@people_required
def consistency(request: AuthedRequest):
    user = request.user
    flt = ConsistencyFilter.from_params(request.GET)
    qs = consistency_for(user, flt, today())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    records = list(page.object_list)
    for record in records:
        record.reasons = reasons(record)  # type: ignore[attr-defined]  # for the template
    districts, villages = area_options(user, flt.kecamatan)
    types = (
        PpksType.objects.filter(is_active=True, level="individu")
        .exclude(pk__in=hidden_type_ids(user))
        .order_by("number")
    )
    return render(
        request,
        "assessments/consistency.html",
        {
            "filter": flt,
            "page": page,
            "records": records,
            "total": page.paginator.count,
            "districts": districts,
            "villages": villages,
            "ppks_types": types,
            "problems": list(PROBLEMS.items()),
            "can_edit": getattr(user, "can_write_registry", user.can_edit),
            "filtered": bool(flt.as_dict()),
        },
    )


@people_required
def consistency_export(request: AuthedRequest, fmt: str):
    flt = ConsistencyFilter.from_params(request.GET)
    return _export(
        request,
        fmt,
        flt=flt,
        qs=consistency_for(request.user, flt, today()),
        columns=consistency_columns,
        object_type="ppks_consistency",
        name="konsistensi-ppks",
        sheet="Konsistensi PPKS",
        leave_out=restricted.ppks_records,
    )
