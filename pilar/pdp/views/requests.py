"""Data-subject requests: list (search, filters, export), record, detail with the
steps (start, export the person's data, apply a correction, close, record that the
requester was told)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilar.accounts.types import AuthedRequest
from pilar.audit.exports import logged_download
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.core.web import PAGE_SIZE, run_action
from pilar.pdp import actions, choices, forms, restrictions
from pilar.pdp.clock import state
from pilar.pdp.exports import request_columns
from pilar.pdp.filters import RequestFilter, requests_for
from pilar.pdp.models import SubjectRequest
from pilar.pdp.views.common import MSG_NOT_FOUND, find_person, pdp_required

CORRECTION_HOUSEHOLD = {
    "household__address": "address",
    "household__rt": "rt",
    "household__rw": "rw",
}


def get_request_for_user(user, pk: int) -> SubjectRequest:
    """The request if `user` may see it; 404 for missing and out-of-area alike."""
    return get_object_or_404(
        SubjectRequest.objects.restrict(user).select_related(
            "person__household__village__district", "handled_by", "created_by"
        ),
        pk=pk,
    )


@pdp_required
def request_list(request: AuthedRequest):
    flt = RequestFilter.from_params(request.GET)
    qs = requests_for(request.user, flt)
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    now = timezone.now()
    for r in rows:
        r.clock = state(r.due_at, not r.is_open, now)  # type: ignore[attr-defined]
    return render(
        request,
        "pdp/request_list.html",
        {
            "filter": flt,
            "page": page,
            "rows": rows,
            "total": paginator.count,
            "kinds": choices.RequestKind.choices,
            "statuses": [("terbuka", "Belum selesai"), *choices.RequestStatus.choices],
            "filtered": bool(flt.as_dict()),
        },
    )


@pdp_required
def request_export(request: AuthedRequest, fmt: str):
    flt = RequestFilter.from_params(request.GET)
    return logged_download(
        request,
        fmt,
        queryset=requests_for(request.user, flt),
        filters=flt.as_dict(),
        columns=request_columns(),
        object_type="pdp.subjectrequest",
        name="permintaan-subjek-data",
        sheet_name="Permintaan",
    )


@pdp_required
def request_create(request: AuthedRequest):
    user = request.user
    if request.method == "POST":
        form = forms.RequestForm(request.POST)
        if form.is_valid():
            values = form.values()
            person = None
            typed = str(values.get("person") or "").strip()
            if typed:
                person = find_person(user, typed)
                if person is None:
                    form.add_error("person", MSG_NOT_FOUND.format(value=typed[:20]))
            if not form.errors:
                req, ok = run_action(
                    form,
                    lambda: actions.create_request(acting_user=user, data=values, person=person),
                )
                if ok and req is not None:
                    messages.success(
                        request,
                        f"Permintaan #{req.pk} dicatat. Batas waktu: "
                        f"{timezone.localtime(req.due_at):%d-%m-%Y %H:%M}.",
                    )
                    return redirect("pdp:request_detail", req.pk)
    else:
        initial = {
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "requester_relation": "diri sendiri",
            "person": request.GET.get("individu", "")[:20],
            "kind": request.GET.get("jenis", "")[:12],
        }
        form = forms.RequestForm(initial=initial)
    return render(request, "pdp/request_form.html", {"form": form})


def _correction_initial(req: SubjectRequest) -> dict:
    person = req.person
    if person is None:
        return {}
    return {
        "name": person.name,
        "nik": person.nik or "",
        "sex": person.sex,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "marital_status": person.marital_status,
        "education": person.education,
        "occupation": person.occupation,
        "household__address": person.household.address,
        "household__rt": person.household.rt,
        "household__rw": person.household.rw,
    }


def _detail(request: AuthedRequest, req: SubjectRequest, **forms_in):
    steps = list(req.steps.select_related("actor"))
    context = {
        "req": req,
        "steps": steps,
        "clock": state(req.due_at, not req.is_open),
        "start_form": forms_in.get("start_form") or forms.NoteForm(),
        "close_form": forms_in.get("close_form") or forms.CloseForm(),
        "told_form": forms_in.get("told_form")
        or forms.ToldForm(initial={"told_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
        "correction_form": forms_in.get("correction_form")
        or forms.CorrectionForm(initial=_correction_initial(req)),
        "exported": any(s.action == choices.RequestAction.EXPORTED for s in steps),
        "is_access": req.kind == choices.RequestKind.ACCESS,
        "is_correction": req.kind == choices.RequestKind.CORRECTION,
        "is_restriction": req.kind
        in (choices.RequestKind.RESTRICTION, choices.RequestKind.OBJECTION),
        "in_force": req.person is not None
        and req.person.processing_restricted_since is not None
        and restrictions.in_force(req.person).filter(pk=req.pk).exists(),
        "may_lift": restrictions.may_lift(req),
        "lift_form": forms_in.get("lift_form") or forms.LiftForm(),
    }
    status = 400 if any(forms_in.values()) else 200
    return render(request, "pdp/request_detail.html", context, status=status)


@pdp_required
def request_detail(request: AuthedRequest, pk: int):
    return _detail(request, get_request_for_user(request.user, pk))


@pdp_required
@require_POST
def request_start(request: AuthedRequest, pk: int):
    req = get_request_for_user(request.user, pk)
    form = forms.NoteForm(request.POST)
    form.is_valid()
    _, ok = run_action(
        form,
        lambda: actions.start_request(
            req, acting_user=request.user, note=form.cleaned_data.get("note") or ""
        ),
    )
    if not ok:
        return _detail(request, req, start_form=form)
    messages.success(request, "Permintaan mulai diproses.")
    return redirect("pdp:request_detail", pk)


@pdp_required
@require_POST
def request_correct(request: AuthedRequest, pk: int):
    req = get_request_for_user(request.user, pk)
    form = forms.CorrectionForm(request.POST)
    form.is_valid()
    values = form.cleaned_data
    initial = _correction_initial(req)
    # Only what differs from the registry is a correction (an empty box: unchanged).
    data = {}
    for name, value in values.items():
        if name == "note" or value in ("", None):
            continue
        if str(value).strip() == str(initial.get(name, "")).strip():
            continue
        data[CORRECTION_HOUSEHOLD.get(name, name)] = value
    field_map = {f"household.{v}": k for k, v in CORRECTION_HOUSEHOLD.items()}
    _, ok = run_action(
        form,
        lambda: actions.apply_correction(
            req, acting_user=request.user, data=data, note=values.get("note") or ""
        ),
        field_map,
    )
    if not ok:
        return _detail(request, req, correction_form=form)
    messages.success(
        request, "Perbaikan diterapkan ke registri; riwayatnya menyebut permintaan ini."
    )
    return redirect("pdp:request_detail", pk)


@pdp_required
@require_POST
def request_close(request: AuthedRequest, pk: int):
    req = get_request_for_user(request.user, pk)
    form = forms.CloseForm(request.POST)
    form.is_valid()
    _, ok = run_action(
        form,
        lambda: actions.close_request(
            req,
            acting_user=request.user,
            status=form.cleaned_data.get("status") or "",
            outcome=form.cleaned_data.get("outcome") or "",
        ),
    )
    if not ok:
        return _detail(request, req, close_form=form)
    messages.success(request, "Keputusan atas permintaan dicatat.")
    return redirect("pdp:request_detail", pk)


@pdp_required
@require_POST
def request_lift(request: AuthedRequest, pk: int):
    req = get_request_for_user(request.user, pk)
    form = forms.LiftForm(request.POST)
    form.is_valid()
    _, ok = run_action(
        form,
        lambda: actions.lift_restriction(
            req, acting_user=request.user, reason=form.cleaned_data.get("reason") or ""
        ),
    )
    if not ok:
        return _detail(request, req, lift_form=form)
    messages.success(request, "Pembatasan dicabut; pemrosesan data individu ini berjalan lagi.")
    return redirect("pdp:request_detail", pk)


@pdp_required
@require_POST
def request_told(request: AuthedRequest, pk: int):
    req = get_request_for_user(request.user, pk)
    form = forms.ToldForm(request.POST)
    form.is_valid()
    _, ok = run_action(
        form,
        lambda: actions.record_told(
            req,
            acting_user=request.user,
            told_at=form.cleaned_data.get("told_at"),
            how=form.cleaned_data.get("told_how") or "",
        ),
    )
    if not ok:
        return _detail(request, req, told_form=form)
    messages.success(request, "Pemberitahuan kepada pemohon dicatat.")
    return redirect("pdp:request_detail", pk)


@pdp_required
def request_data(request: AuthedRequest, pk: int, fmt: str):
    """The access export of the request's person (JSON or PDF), logged."""
    req = get_request_for_user(request.user, pk)
    if fmt not in ("json", "pdf"):
        raise Http404
    try:
        body, content_type = actions.export_for_request(
            req, acting_user=request.user, fmt=fmt, request=request
        )
    except NotAllowed:
        raise Http404 from None
    except InvalidInput as exc:
        messages.error(request, " ".join(exc.errors.get("__all__", [exc.message])))
        return redirect("pdp:request_detail", pk)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="data-pribadi-permintaan-{req.pk}.{fmt}"'
    )
    response["Cache-Control"] = "no-store"
    return response
