"""Bedah Rumah pages: the list of renovations and the queue of approved
enrollments ready to start, one renovation with its cost plan, photos, progress
and handover, a form per step, and the "no RTLH left by year X" target.

Renovations are fetched through `Renovation.objects.restrict(user, "view")` (404
outside the area); a role that sees them but may not record a step gets 403
before the form shows; the actions check area and role again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from pilar.accounts.models import User
from pilar.accounts.scope import area_options
from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.exports import logged_download
from pilar.audit.models import AccessAction
from pilar.core.dates import today
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.core.forms import apply_errors
from pilar.core.tables import download_response
from pilar.core.web import PAGE_SIZE, people_required, run_action
from pilar.exports import restricted
from pilar.programs.models import Enrollment, Program
from pilar.registry.forms import add_override_fields
from pilar.registry.restriction import restricted_subject
from pilar.renovations import actions, exports, forms
from pilar.renovations.choices import CostCategory, Mode, PhotoKind, Status
from pilar.renovations.filters import (
    RenovationFilter,
    ready_for,
    renovations_for,
)
from pilar.renovations.models import ProgressReport, Renovation, RenovationPhoto
from pilar.renovations.target import shown_years, target_rows, target_year

RELATED = (
    "household__village__district",
    "enrollment__program",
    "before_assessment",
    "after_assessment",
    "before_survey",
    "after_survey",
)


def get_renovation_for_user(user: User, pk: int) -> Renovation:
    """The renovation if `user` may see it; 404 for missing and out-of-area alike."""
    return get_object_or_404(
        Renovation.objects.restrict(user, "view").select_related(*RELATED), pk=pk
    )


def _programs():
    return Program.objects.filter(benefit_type="bedah_rumah").order_by("name")


def _list_context(request: AuthedRequest, flt, qs, template_extra):
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    districts, villages = area_options(request.user, flt.kecamatan)
    return {
        "filter": flt,
        "page": page,
        "total": paginator.count,
        "districts": districts,
        "villages": villages,
        "programs": _programs(),
        "filtered": bool(flt.as_dict()),
        "can_manage": actions.may_manage(request.user),
        **template_extra,
    }


# Lists -------------------------------------------------------------------------------


@people_required
def renovation_list(request: AuthedRequest):
    user = request.user
    flt = RenovationFilter.from_params(request.GET)
    qs = renovations_for(user, flt).select_related("before_assessment", "after_assessment")
    context = _list_context(
        request,
        flt,
        qs,
        {
            "statuses": [("berjalan", "Sedang berjalan"), *Status.choices],
            "modes": Mode.choices,
            "years": list(reversed(shown_years(today()))),
            "ready_count": ready_for(user, RenovationFilter()).count(),
            "tab": "list",
        },
    )
    context["renovations"] = list(context["page"].object_list)
    return render(request, "renovations/renovation_list.html", context)


@people_required
def renovation_export(request: AuthedRequest, fmt: str):
    user = request.user
    flt = RenovationFilter.from_params(request.GET)
    qs = renovations_for(user, flt).select_related("before_assessment", "after_assessment")
    # A household whose head's processing is restricted stays out (decision 43).
    qs, left_out = restricted.households(qs, "household_id")
    return logged_download(
        request,
        fmt,
        queryset=qs,
        filters=flt.as_dict(),
        columns=exports.renovation_columns(),
        object_type="renovations.renovation",
        name="bedah-rumah",
        sheet_name="Bedah Rumah",
        left_out=left_out,
    )


@people_required
def ready_list(request: AuthedRequest):
    """Approved Bedah Rumah enrollments whose work has not been opened yet."""
    user = request.user
    flt = RenovationFilter.from_params(request.GET)
    qs = ready_for(user, flt)
    context = _list_context(request, flt, qs, {"tab": "ready"})
    context["enrollments"] = list(context["page"].object_list)
    return render(request, "renovations/ready_list.html", context)


@people_required
def ready_export(request: AuthedRequest, fmt: str):
    user = request.user
    flt = RenovationFilter.from_params(request.GET)
    qs, left_out = restricted.households(ready_for(user, flt), "household_id")
    return logged_download(
        request,
        fmt,
        queryset=qs,
        filters=flt.as_dict(),
        columns=exports.ready_columns(),
        object_type="programs.enrollment",
        extra={"list": "siap"},
        left_out=left_out,
        name="bedah-rumah-siap",
        sheet_name="Siap dimulai",
    )


# Detail ------------------------------------------------------------------------------


@people_required
def renovation_detail(request: AuthedRequest, pk: int):
    user = request.user
    renovation = get_renovation_for_user(user, pk)
    log_access(user=user, action=AccessAction.VIEW_HOUSEHOLD, obj=renovation, request=request)
    photos = list(renovation.photos.all())
    reports = list(
        ProgressReport.objects.filter(renovation=renovation)
        .select_related("reporter")
        .prefetch_related(Prefetch("photos", queryset=RenovationPhoto.objects.order_by("pk")))
        .order_by("-reported_on", "-pk")
    )
    items = list(renovation.cost_items.all())
    planned = sum((i.total for i in items), start=0)
    amount = renovation.enrollment.amount
    can_manage = actions.may_manage(user)
    return render(
        request,
        "renovations/renovation_detail.html",
        {
            "renovation": renovation,
            "household": renovation.household,
            "enrollment": renovation.enrollment,
            "items": items,
            "planned": planned,
            "amount": amount,
            "left": (amount - planned) if amount is not None else None,
            "before_photos": [p for p in photos if p.kind == PhotoKind.BEFORE],
            "after_photos": [p for p in photos if p.kind == PhotoKind.AFTER],
            "reports": reports,
            "steps": list(renovation.steps.select_related("actor")),
            "can_manage": can_manage and renovation.is_open,
            "working": renovation.status == Status.WORKING,
            "planning": renovation.status == Status.PLANNING,
        },
    )


def _photo_response(item, name: str, content_type: str):
    response = FileResponse(item.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"  # a family's photos: personal data
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@people_required
def photo(request: AuthedRequest, pk: int, photo_pk: int):
    renovation = get_renovation_for_user(request.user, pk)
    item = get_object_or_404(RenovationPhoto, renovation=renovation, pk=photo_pk)
    return _photo_response(item.image, f"bedah-rumah-{pk}-{item.kind}-{item.pk}.jpg", "image/jpeg")


@people_required
def document(request: AuthedRequest, pk: int):
    renovation = get_renovation_for_user(request.user, pk)
    if not renovation.handover_document:
        raise Http404
    name = (renovation.handover_document.name or "bast").rsplit("/", 1)[-1]
    head = renovation.handover_document.open("rb").read(4)
    renovation.handover_document.seek(0)
    kind = "application/pdf" if head == b"%PDF" else "image/jpeg"
    if head.startswith(b"\x89PNG"):
        kind = "image/png"
    return _photo_response(renovation.handover_document, name, kind)


# Steps -------------------------------------------------------------------------------


def _manager_or_403(user) -> None:
    if not actions.may_manage(user):
        raise PermissionDenied(actions.MSG_NOT_MANAGER)


def _not_now(request: AuthedRequest, renovation, allowed: tuple[str, ...], message: str):
    """A step page opened for a renovation in another status (an old link, a
    second tab): back to the renovation with a message instead of a form the
    action would refuse."""
    if renovation.status in allowed:
        return None
    messages.info(request, message)
    return redirect("renovations:detail", pk=renovation.pk)


OPEN = (Status.PLANNING, Status.WORKING)
MSG_CLOSED = "Bedah rumah ini sudah diserahterimakan atau dibatalkan."


def _step_page(request: AuthedRequest, renovation, template, context, status=200):
    return render(
        request,
        template,
        {"renovation": renovation, "household": renovation.household, **context},
        status=status,
    )


def _run(request: AuthedRequest, form, action, success: str):
    """Run an action from a bound form: errors go back on the form (422)."""
    result, ok = run_action(form, action)
    if not ok:
        return None, 422
    messages.success(request, success)
    return result, 200


@people_required
def open_renovation(request: AuthedRequest, enrollment_pk: int):
    user = request.user
    enrollment = get_object_or_404(
        Enrollment.objects.restrict(user, "view").select_related(
            "program", "household__village__district"
        ),
        pk=enrollment_pk,
        program__benefit_type="bedah_rumah",
    )
    _manager_or_403(user)
    existing = Renovation.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return redirect("renovations:detail", pk=existing.pk)
    form = forms.PlanForm(request.POST or None, initial={"mode": Mode.SELF_HELP})
    # The head's processing restricted (decision 43): the page asks for the override.
    if restricted_subject(person_id=enrollment.person_id, household_id=enrollment.household_id):
        add_override_fields(form)
    status = 200
    if request.method == "POST" and form.is_valid():
        renovation, status = _run(
            request,
            form,
            lambda: actions.open_renovation(enrollment, acting_user=user, data=form.values()),
            "Bedah rumah dibuka. Susun RAB dan unggah foto sebelum dikerjakan.",
        )
        if renovation is not None:
            return redirect("renovations:detail", pk=renovation.pk)
    return render(
        request,
        "renovations/open_form.html",
        {"enrollment": enrollment, "household": enrollment.household, "form": form},
        status=status,
    )


def _item_rows(post) -> list[dict]:
    try:
        n = min(int(post.get("rows", "0")), actions.MAX_COST_ITEMS + 1)
    except ValueError:
        n = 0
    keys = ("category", "description", "quantity", "unit", "unit_price")
    return [{k: post.get(f"item-{i}-{k}", "") for k in keys} for i in range(n)]


BLANK_ROWS = 3


@people_required
def plan(request: AuthedRequest, pk: int):
    user = request.user
    renovation = get_renovation_for_user(user, pk)
    _manager_or_403(user)
    if (back := _not_now(request, renovation, OPEN, MSG_CLOSED)) is not None:
        return back
    initial = {
        "mode": renovation.mode,
        "contractor": renovation.contractor,
        "contract_number": renovation.contract_number,
        "planned_start": renovation.planned_start,
        "planned_finish": renovation.planned_finish,
    }
    form = forms.PlanForm(request.POST or None, initial=initial)
    status = 200
    item_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        rows = _item_rows(request.POST)
        form.is_valid()
        try:
            actions.save_plan(renovation, acting_user=user, data=form.values(), items=rows)
        except InvalidInput as exc:
            item_errors = {k: v for k, v in exc.errors.items() if k.startswith("items")}
            apply_errors(
                form, InvalidInput({k: v for k, v in exc.errors.items() if k not in item_errors})
            )
            status = 422
        except NotAllowed:
            raise Http404 from None
        else:
            messages.success(request, "RAB tersimpan.")
            return redirect("renovations:detail", pk=pk)
    else:
        rows = [
            {
                "category": i.category,
                "description": i.description,
                "quantity": i.quantity.normalize(),
                "unit": i.unit,
                "unit_price": i.unit_price.normalize(),
            }
            for i in renovation.cost_items.all()
        ]
        rows += [{} for _ in range(BLANK_ROWS)]
    lines = [
        {
            "n": n,
            "values": row,
            "errors": {
                k.rsplit(".", 1)[-1]: msgs
                for k, msgs in item_errors.items()
                if k.startswith(f"items.{n}.")
            },
        }
        for n, row in enumerate(rows)
    ]
    return _step_page(
        request,
        renovation,
        "renovations/plan_form.html",
        {
            "form": form,
            "lines": lines,
            "items_error": item_errors.get("items", []),
            "categories": CostCategory.choices,
            "amount": renovation.enrollment.amount,
        },
        status,
    )


def _simple_step(
    request,
    pk: int,
    *,
    allowed: tuple[str, ...],
    out_of_turn: str,
    make_form,
    run,
    success: str,
    page: dict,
):
    """One step form (photos, start, progress, cancel): scoped fetch, 403 for a
    role that may not record it, back to the renovation when the step does not
    apply now, the action's errors on the form (422), else back with `success`.
    `make_form(renovation, data, files)` builds the form; `run(renovation, user,
    post, files)` calls the action with the raw values."""
    user = request.user
    renovation = get_renovation_for_user(user, pk)
    _manager_or_403(user)
    if (back := _not_now(request, renovation, allowed, out_of_turn)) is not None:
        return back
    form = make_form(renovation, request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _run(
            request, form, lambda: run(renovation, user, request.POST, request.FILES), success
        )
        if done is not None:
            return redirect("renovations:detail", pk=pk)
    return _step_page(
        request, renovation, "renovations/step_form.html", {"form": form, **page}, status
    )


@people_required
def add_photos(request: AuthedRequest, pk: int):
    kind = request.GET.get("jenis") or PhotoKind.BEFORE
    return _simple_step(
        request,
        pk,
        allowed=OPEN,
        out_of_turn=MSG_CLOSED,
        make_form=lambda r, data, files: forms.PhotoForm(data, files, initial={"kind": kind}),
        run=lambda r, user, post, files: actions.add_photos(
            r,
            acting_user=user,
            kind=post.get("kind", ""),
            taken_on=post.get("taken_on", ""),
            files=files.getlist("photos"),
            data=post,
        ),
        success="Foto tersimpan.",
        page={"title": "Unggah foto rumah", "submit": "Simpan foto", "gps": True},
    )


@people_required
def start(request: AuthedRequest, pk: int):
    return _simple_step(
        request,
        pk,
        allowed=(Status.PLANNING,),
        out_of_turn="Pelaksanaan bedah rumah ini sudah dimulai atau berakhir.",
        make_form=lambda r, data, files: forms.StartForm(data, initial={"started_on": today()}),
        run=lambda r, user, post, files: actions.start_work(
            r, acting_user=user, started_on=post.get("started_on", ""), note=post.get("note", "")
        ),
        success="Pelaksanaan dimulai. Laporkan progresnya dengan foto.",
        page={"title": "Mulai pelaksanaan", "submit": "Mulai"},
    )


@people_required
def progress(request: AuthedRequest, pk: int):
    return _simple_step(
        request,
        pk,
        allowed=(Status.WORKING,),
        out_of_turn="Progres hanya dilaporkan selama pelaksanaan.",
        make_form=lambda r, data, files: forms.ProgressForm(
            data, files, initial={"reported_on": today(), "percent": r.progress}
        ),
        run=lambda r, user, post, files: actions.report_progress(
            r,
            acting_user=user,
            reported_on=post.get("reported_on", ""),
            percent=post.get("percent", ""),
            files=files.getlist("photos"),
            data=post,
        ),
        success="Progres tersimpan.",
        page={"title": "Laporkan progres", "submit": "Simpan progres", "gps": True},
    )


@people_required
def cancel(request: AuthedRequest, pk: int):
    return _simple_step(
        request,
        pk,
        allowed=OPEN,
        out_of_turn=MSG_CLOSED,
        make_form=lambda r, data, files: forms.CancelForm(data),
        run=lambda r, user, post, files: actions.cancel(
            r, acting_user=user, reason=post.get("reason", "")
        ),
        success="Bedah rumah dibatalkan.",
        page={"title": "Batalkan bedah rumah", "submit": "Batalkan", "danger": True},
    )


@people_required
def handover(request: AuthedRequest, pk: int):
    user = request.user
    renovation = get_renovation_for_user(user, pk)
    _manager_or_403(user)
    if (back := _not_now(request, renovation, (Status.WORKING,), MSG_CLOSED)) is not None:
        return back
    if renovation.progress < 100:
        messages.info(
            request, f"Progres baru {renovation.progress}%: laporkan progres 100% dahulu."
        )
        return redirect("renovations:detail", pk=pk)
    planned = sum((i.total for i in renovation.cost_items.all()), start=0)
    form = forms.HandoverForm(
        request.POST or None,
        request.FILES or None,
        initial={"handed_over_on": today(), "final_cost": f"{planned:.0f}"},
    )
    survey = forms.SurveyForm(request.POST or None, initial=actions.survey_initial(renovation))
    status = 200
    if request.method == "POST" and form.is_valid():
        survey.is_valid()
        try:
            done = actions.hand_over(
                renovation,
                acting_user=user,
                data=request.POST,
                survey=survey.values(),
                after_files=request.FILES.getlist("after_photos"),
                document=request.FILES.get("handover_document"),
            )
        except InvalidInput as exc:
            survey_errors = {
                k.split(".", 1)[1]: v for k, v in exc.errors.items() if k.startswith("survey.")
            }
            apply_errors(survey, InvalidInput(survey_errors))
            apply_errors(
                form,
                InvalidInput({k: v for k, v in exc.errors.items() if not k.startswith("survey.")}),
            )
            status = 422
        except NotAllowed:
            raise Http404 from None
        else:
            if done.after_assessment and done.after_assessment.is_rtlh:
                failed = "; ".join(c.short for c in done.after_assessment.failed_criteria)
                messages.warning(
                    request,
                    f"Serah terima tercatat, tetapi rumah masih tidak layak huni ({failed}): "
                    "rumah ini tetap dihitung sebagai RTLH.",
                )
            else:
                messages.success(
                    request,
                    "Serah terima tercatat. Rumah dinilai layak huni dan keluar dari hitungan "
                    "RTLH.",
                )
            return redirect("renovations:detail", pk=pk)
    return _step_page(
        request,
        renovation,
        "renovations/handover_form.html",
        {
            "form": form,
            "survey": survey,
            "planned": planned,
            "amount": renovation.enrollment.amount,
        },
        status,
    )


# Target ------------------------------------------------------------------------------


def _target_args(request: AuthedRequest) -> tuple[int, str]:
    """The target year asked for (a what-if), else the deployment's setting."""
    default = target_year()
    raw = (request.GET.get("tahun_target") or "").strip()
    if not raw:
        return default, ""
    try:
        year = int(raw)
    except ValueError:
        return default, "Tahun target harus berupa angka tahun, mis. 2030."
    this_year = today().year
    if not this_year <= year <= this_year + 50:
        return default, f"Tahun target antara {this_year} dan {this_year + 50}."
    return year, ""


@people_required
def target(request: AuthedRequest):
    user = request.user
    year, error = _target_args(request)
    day = today()
    rows, total = target_rows(user, day, year)
    return render(
        request,
        "renovations/target.html",
        {
            "rows": rows,
            "total": total,
            "year": year,
            "default_year": target_year(),
            "error": error,
            "years": shown_years(day),
            "today": day,
            "tab": "target",
        },
    )


@people_required
def target_export(request: AuthedRequest, fmt: str):
    user = request.user
    year, _ = _target_args(request)
    day = today()
    rows, total = target_rows(user, day, year)
    log_access(
        user=user,
        action=AccessAction.EXPORT,
        object_type="renovations.target",
        request=request,
        extra={"format": fmt, "rows": len(rows), "target_year": year},
    )
    return download_response(
        fmt,
        exports.target_columns(shown_years(day)),
        [*rows, total],
        name=f"target-rtlh-{year}",
        sheet_name="Target RTLH",
    )
