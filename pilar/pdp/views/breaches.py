"""Breach register: list (search, filters, export), record, edit, notices sent,
closing, and the notice letter drafted from the record (printable page and PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilar.accounts.types import AuthedRequest
from pilar.audit.exports import logged_download
from pilar.core.errors import InvalidInput
from pilar.core.forms import apply_errors
from pilar.core.web import PAGE_SIZE, run_action
from pilar.pdp import actions, choices, forms, letters
from pilar.pdp.clock import state
from pilar.pdp.exports import breach_columns
from pilar.pdp.filters import BreachFilter, breaches_for
from pilar.pdp.models import Breach
from pilar.pdp.views.common import find_persons, pdp_required


def get_breach_for_user(user, pk: int) -> Breach:
    return get_object_or_404(Breach.objects.restrict(user).select_related("recorded_by"), pk=pk)


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


@pdp_required
def breach_list(request: AuthedRequest):
    flt = BreachFilter.from_params(request.GET)
    paginator = Paginator(breaches_for(request.user, flt), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    now = timezone.now()
    for b in rows:
        b.clock = state(b.due_at, b.status != choices.BreachStatus.OPEN, now)  # type: ignore[attr-defined]
    return render(
        request,
        "pdp/breach_list.html",
        {
            "filter": flt,
            "page": page,
            "rows": rows,
            "total": paginator.count,
            "statuses": choices.BreachStatus.choices,
            "filtered": bool(flt.as_dict()),
        },
    )


@pdp_required
def breach_export(request: AuthedRequest, fmt: str):
    flt = BreachFilter.from_params(request.GET)
    return logged_download(
        request,
        fmt,
        queryset=breaches_for(request.user, flt),
        filters=flt.as_dict(),
        columns=breach_columns(),
        object_type="pdp.breach",
        name="insiden-data-pribadi",
        sheet_name="Insiden",
    )


def _save(request: AuthedRequest, form, breach: Breach | None):
    values = form.values()
    try:
        persons = find_persons(request.user, "persons", str(values.get("persons") or ""))
    except InvalidInput as exc:
        apply_errors(form, exc)
        return None, False
    if breach is None:
        return run_action(
            form,
            lambda: actions.create_breach(acting_user=request.user, data=values, persons=persons),
        )
    return run_action(
        form,
        lambda: actions.update_breach(
            breach, acting_user=request.user, data=values, persons=persons
        ),
    )


@pdp_required
def breach_create(request: AuthedRequest):
    if request.method == "POST":
        form = forms.BreachForm(request.POST)
        form.is_valid()
        breach, ok = _save(request, form, None)
        if ok and breach is not None:
            messages.success(
                request,
                f"Insiden #{breach.pk} dicatat. Pemberitahuan tertulis paling lambat "
                f"{timezone.localtime(breach.due_at):%d-%m-%Y %H:%M}.",
            )
            return redirect("pdp:breach_detail", breach.pk)
    else:
        form = forms.BreachForm(initial={"discovered_at": _now_local(), "affected_count": "0"})
    return render(request, "pdp/breach_form.html", {"form": form, "breach": None})


@pdp_required
def breach_edit(request: AuthedRequest, pk: int):
    breach = get_breach_for_user(request.user, pk)
    if request.method == "POST":
        form = forms.BreachForm(request.POST)
        form.is_valid()
        _, ok = _save(request, form, breach)
        if ok:
            messages.success(request, "Catatan insiden diperbarui.")
            return redirect("pdp:breach_detail", pk)
    else:
        local = timezone.localtime
        form = forms.BreachForm(
            initial={
                "title": breach.title,
                "discovered_at": local(breach.discovered_at).strftime("%Y-%m-%dT%H:%M"),
                "occurred_at": (
                    local(breach.occurred_at).strftime("%Y-%m-%dT%H:%M")
                    if breach.occurred_at
                    else ""
                ),
                "description": breach.description,
                "cause": breach.cause,
                "data_categories": breach.data_categories,
                "affected_count": str(breach.affected_count),
                "persons": ", ".join(str(p.pk) for p in breach.persons.order_by("pk")),
                "consequences": breach.consequences,
                "measures": breach.measures,
                "contact": breach.contact,
            }
        )
    return render(request, "pdp/breach_form.html", {"form": form, "breach": breach})


def _detail(request: AuthedRequest, breach: Breach, notice_form=None, close_form=None):
    return render(
        request,
        "pdp/breach_detail.html",
        {
            "breach": breach,
            "steps": list(breach.steps.select_related("actor")),
            "persons": list(breach.persons.select_related("household__village").order_by("pk")),
            "clock": state(breach.due_at, breach.status != choices.BreachStatus.OPEN),
            "notice_form": notice_form or forms.NoticeForm(initial={"at": _now_local()}),
            "close_form": close_form or forms.NoteForm(),
        },
        status=400 if (notice_form or close_form) else 200,
    )


@pdp_required
def breach_detail(request: AuthedRequest, pk: int):
    return _detail(request, get_breach_for_user(request.user, pk))


@pdp_required
@require_POST
def breach_notice(request: AuthedRequest, pk: int):
    breach = get_breach_for_user(request.user, pk)
    form = forms.NoticeForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    _, ok = run_action(
        form,
        lambda: actions.record_notice(
            breach,
            acting_user=request.user,
            to=data.get("to") or "",
            at=data.get("at"),
            note=data.get("note") or "",
        ),
    )
    if not ok:
        return _detail(request, breach, notice_form=form)
    messages.success(request, "Pemberitahuan dicatat.")
    return redirect("pdp:breach_detail", pk)


@pdp_required
@require_POST
def breach_close(request: AuthedRequest, pk: int):
    breach = get_breach_for_user(request.user, pk)
    form = forms.NoteForm(request.POST)
    form.is_valid()
    _, ok = run_action(
        form,
        lambda: actions.close_breach(
            breach, acting_user=request.user, note=form.cleaned_data.get("note") or ""
        ),
    )
    if not ok:
        return _detail(request, breach, close_form=form)
    messages.success(request, "Insiden ditutup.")
    return redirect("pdp:breach_detail", pk)


@pdp_required
def breach_letter(request: AuthedRequest, pk: int, to: str, fmt: str = "html"):
    breach = get_breach_for_user(request.user, pk)
    if to not in ("lembaga", "subjek"):
        raise Http404
    letter = letters.draft(breach, to)
    if fmt == "pdf":
        response = HttpResponse(letters.to_pdf(letter), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="pemberitahuan-{to}-{pk}.pdf"'
        return response
    return render(request, "pdp/breach_letter.html", {"breach": breach, "letter": letter})
