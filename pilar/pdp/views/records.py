"""The overview (/pdp/), the record of processing activities, the impact
assessments and the retention log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.models import AccessAction
from pilar.core.tables import download_response
from pilar.core.web import PAGE_SIZE, run_action
from pilar.pdp import actions, choices, clock, forms, ropa, rules
from pilar.pdp.exports import ropa_columns
from pilar.pdp.filters import BreachFilter, RequestFilter, breaches_for, requests_for
from pilar.pdp.models import ImpactAssessment, RetentionRun
from pilar.pdp.views.common import pdp_required


@pdp_required
def index(request: AuthedRequest):
    user = request.user
    now = timezone.now()
    open_requests = list(requests_for(user, RequestFilter(status="terbuka"))[:10])
    for r in open_requests:
        r.clock = clock.state(r.due_at, False, now)  # type: ignore[attr-defined]
    open_breaches = list(breaches_for(user, BreachFilter(status=choices.BreachStatus.OPEN))[:5])
    for b in open_breaches:
        b.clock = clock.state(b.due_at, False, now)  # type: ignore[attr-defined]
    return render(
        request,
        "pdp/index.html",
        {
            "summary": clock.summary(user),
            "open_requests": open_requests,
            "open_breaches": open_breaches,
            "assessments": ImpactAssessment.objects.order_by("topic", "pk"),
            "last_run": RetentionRun.objects.first(),
        },
    )


@pdp_required
def ropa_page(request: AuthedRequest):
    return render(request, "pdp/ropa.html", {"entries": ropa.entries()})


@pdp_required
def ropa_export(request: AuthedRequest, fmt: str):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    entries = ropa.entries()
    log_access(
        user=request.user,
        action=AccessAction.EXPORT,
        object_type="pdp.ropa",
        request=request,
        extra={"format": fmt, "rows": len(entries)},
    )
    return download_response(
        fmt, ropa_columns(), entries, name="catatan-pemrosesan", sheet_name="RoPA"
    )


@pdp_required
def assessment_list(request: AuthedRequest):
    return render(
        request,
        "pdp/assessment_list.html",
        {"assessments": ImpactAssessment.objects.select_related("approved_by").all()},
    )


@pdp_required
def assessment_detail(request: AuthedRequest, pk: int):
    assessment = get_object_or_404(ImpactAssessment.objects.restrict(request.user), pk=pk)
    status = 200
    if request.method == "POST":
        form = forms.AssessmentForm(request.POST)
        form.is_valid()
        _, ok = run_action(
            form,
            lambda: actions.update_assessment(
                assessment, acting_user=request.user, data=form.values()
            ),
        )
        if ok:
            messages.success(request, "DPIA disimpan. Setujui lagi bila isinya sudah final.")
            return redirect("pdp:assessment_detail", pk)
        status = 400
    else:
        form = forms.AssessmentForm(
            initial={
                **{name: getattr(assessment, name) for name in actions.DPIA_TEXT},
                "risk_level": assessment.risk_level,
                "review_due": assessment.review_due.isoformat(),
            }
        )
    return render(
        request,
        "pdp/assessment_detail.html",
        {"assessment": assessment, "form": form},
        status=status,
    )


@pdp_required
@require_POST
def assessment_approve(request: AuthedRequest, pk: int):
    assessment = get_object_or_404(ImpactAssessment.objects.restrict(request.user), pk=pk)
    actions.approve_assessment(assessment, acting_user=request.user)
    messages.success(request, "DPIA disetujui.")
    return redirect("pdp:assessment_detail", pk)


@pdp_required
def retention_page(request: AuthedRequest):
    paginator = Paginator(RetentionRun.objects.select_related("started_by"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    now_plan = rules.plan()
    return render(
        request,
        "pdp/retention.html",
        {
            "page": page,
            "runs": list(page.object_list),
            "plan": now_plan,
            "archive_dir": getattr(settings, "PILAR_ARCHIVE_DIR", "") or "MEDIA_ROOT/arsip",
        },
    )
