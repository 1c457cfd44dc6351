"""Review pages for duplicate people: the queue, one pair side by side with the
engine's evidence in words, the decision (different people / same person → merge
form), undo, the run button with its progress, and the queue's export.

Only admin, Dinas Sosial and TKSK review (403 for other roles); a pair is found only
when both persons are inside the reviewer's area, else 404 like a missing one.
"""

from __future__ import annotations

import dataclasses
from functools import wraps
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilar.accounts.scope import area_options, village_allowed, villages_for
from pilar.accounts.types import AuthedRequest
from pilar.audit.actions import log_access
from pilar.audit.exports import logged_download
from pilar.audit.models import AccessAction
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.core.numbers import format_number
from pilar.dedup import actions, linkage
from pilar.dedup.actions import MERGE_GROUPS, choices_label, default_choices
from pilar.dedup.exports import pair_columns
from pilar.dedup.forms import DifferentForm, MergeForm, RunForm
from pilar.dedup.models import CandidatePair, DedupRun, Merge, PairStatus
from pilar.dedup.querysets import (
    MSG_DECIDE,
    PairFilter,
    may_decide,
    may_review,
    may_run,
    pairs_for,
)
from pilar.dedup.tasks import run_dedup_task
from pilar.exports import restricted
from pilar.ppks.models import PpksRecord
from pilar.regions.deployment import normalize_code
from pilar.registry.models import Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

PAGE_SIZE = 25


def reviewer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request: AuthedRequest, *args, **kwargs):
        if not may_review(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# Queue ----------------------------------------------------------------------


@reviewer_required
def queue(request: AuthedRequest):
    user = request.user
    flt = PairFilter.from_params(request.GET)
    paginator = Paginator(pairs_for(user, flt), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    districts, villages = area_options(user, flt.kecamatan)
    pairs = list(page.object_list)
    for pair in pairs:
        # The strongest evidence either way, for the list's short summary.
        pair.top_evidence = sorted(
            pair.evidence or [], key=lambda e: -abs(float(e.get("weight") or 0))
        )[:3]
    return render(
        request,
        "dedup/queue.html",
        {
            "filter": flt,
            "page": page,
            "pairs": pairs,
            "total": paginator.count,
            "filtered": bool(flt.as_dict()),
            "districts": districts,
            "villages": villages,
            "statuses": PairStatus.choices,
            "run": DedupRun.objects.select_related("started_by").first(),
            "can_run": may_run(user),
            "uncertain": _most_uncertain(user, flt, page.number),
            "flag_threshold": linkage.DEFAULT_THRESHOLD,
            "flag_percent": round(linkage.DEFAULT_THRESHOLD * 100),
            "review_percent": round(linkage.REVIEW_THRESHOLD * 100),
        },
    )


# How many of the least certain open pairs the queue's first page points out.
UNCERTAIN_SHOWN = 3


def _most_uncertain(user: User, flt: PairFilter, page_number: int) -> list[CandidatePair]:
    """The open pairs (under the same filter) the engine is least sure of, below the
    automatic flag, for the box on the first page of the default order (the
    "informatif" order lists them all)."""
    if flt.status != PairStatus.OPEN or flt.urut or page_number != 1:
        return []
    qs = pairs_for(user, dataclasses.replace(flt, urut="informatif"))
    return list(qs.filter(probability__lt=linkage.DEFAULT_THRESHOLD)[:UNCERTAIN_SHOWN])


@reviewer_required
def export(request: AuthedRequest, fmt: str):
    flt = PairFilter.from_params(request.GET)
    # A pair naming a person whose processing is restricted stays out (decision 43).
    qs, left_out = restricted.pairs(pairs_for(request.user, flt))
    return logged_download(
        request,
        fmt,
        queryset=qs,
        filters=flt.as_dict(),
        columns=pair_columns(request.user),
        object_type="dedup_pairs",
        name="calon-duplikat",
        sheet_name="Calon duplikat",
        left_out=left_out,
    )


# Runs -----------------------------------------------------------------------


@reviewer_required
@require_POST
def run_start(request: AuthedRequest):

    user = request.user
    if not may_run(user):
        raise PermissionDenied
    form = RunForm(request.POST)
    prefix = None
    if form.is_valid() and form.cleaned_data["kecamatan"]:
        prefix = normalize_code(form.cleaned_data["kecamatan"])[:8]
        if not villages_for(user).filter(district_id=prefix).exists():
            raise Http404
    try:
        run = actions.start_run(acting_user=user, village_prefix=prefix)
    except InvalidInput as exc:
        for msgs in exc.errors.values():
            for msg in msgs:
                messages.warning(request, msg)
        return redirect("dedup:queue")
    run_dedup_task.enqueue(run.pk)
    messages.info(request, "Pencarian duplikat dimulai. Kemajuannya tampil di bawah.")
    return redirect("dedup:queue")


@reviewer_required
def run_status(request: AuthedRequest, pk: int):
    run = get_object_or_404(DedupRun.objects.select_related("started_by"), pk=pk)
    return render(request, "dedup/_run_status.html", {"run": run, "can_run": may_run(request.user)})


# One pair -------------------------------------------------------------------


def _pair_for_user(user: User, pk: int) -> CandidatePair:
    return get_object_or_404(
        CandidatePair.objects.restrict(user, "view").select_related(
            "person_a__household__village__district",
            "person_b__household__village__district",
            "decided_by",
        ),
        pk=pk,
    )


STRENGTHS = [
    (5.0, "sangat menguatkan", "success"),
    (1.0, "menguatkan", "success"),
    (-1.0, "hampir tidak berpengaruh", "secondary"),
    (-5.0, "melemahkan", "danger"),
]


def describe_evidence(evidence: list[dict]) -> list[dict]:
    """Each field's comparison in words, with how much it counts: the match weight is
    log2 of how many times more likely the pair is the same person given that level."""
    out = []
    for item in evidence or []:
        weight = float(item.get("weight") or 0.0)
        word, css = "sangat melemahkan", "danger"
        for bound, label, colour in STRENGTHS:
            if weight >= bound:
                word, css = label, colour
                break
        factor = 2 ** abs(weight)
        # Indonesian numbers: "1.024" thousands, "2,5" decimals.
        if factor >= 10:
            factor_text = format_number(round(factor))
        else:
            factor_text = f"{factor:.1f}".replace(".", ",").removesuffix(",0")
        if weight > 0.05:
            counts = f"{factor_text}× lebih mungkin orang yang sama"
        elif weight < -0.05:
            counts = f"{factor_text}× lebih mungkin orang berbeda"
        else:
            counts = "tidak menambah atau mengurangi"
        out.append(
            {
                "label": item.get("label") or item.get("field", ""),
                "level": item.get("level", ""),
                "weight": weight,
                "strength": word,
                "css": css,
                "counts": counts,
                "width": min(100, round(abs(weight) * 6)),
            }
        )
    return out


def _display(person: Person, key: str) -> str:
    if key == "household":
        h = person.household
        return (
            f"KK {h.masked_no_kk or 'tanpa KK'}, {h.address}, Kel. {h.village.name} "
            f"({choices_label('relation', person.relation)})"
        )
    if key == "life_status":
        text = choices_label("life_status", person.life_status)
        if person.life_status_date:
            text += f" ({person.life_status_date:%d-%m-%Y})"
        return text
    if key == "nik":
        if person.nik:
            return person.masked_nik
        return f"tidak ada ({person.get_nik_missing_reason_display() or '-'})"
    if key == "birth_date" and person.birth_date:
        return f"{person.birth_date:%d-%m-%Y} ({person.age} tahun)"
    return choices_label(key, getattr(person, key))


def _raw(person: Person, key: str):
    if key == "household":
        return (person.household_id, person.relation)
    return tuple(getattr(person, f) for f in dict((k, f) for k, _, f in MERGE_GROUPS)[key])


def comparison_rows(a: Person, b: Person) -> list[dict]:
    return [
        {
            "key": key,
            "label": label,
            "a": _display(a, key),
            "b": _display(b, key),
            "same": _raw(a, key) == _raw(b, key),
        }
        for key, label, _ in MERGE_GROUPS
    ]


def _active_ppks(user: User, person: Person) -> list[str]:
    return list(
        PpksRecord.objects.restrict(user, "view")
        .filter(person=person, status="aktif")
        .order_by("ppks_type__number")
        .values_list("ppks_type__name", flat=True)
    )


def _can_change(user: User, pair: CandidatePair) -> bool:
    return all(
        village_allowed(user, p.household.village_id, "change")
        for p in (pair.person_a, pair.person_b)
    )


@reviewer_required
def pair_detail(request: AuthedRequest, pk: int):
    user = request.user
    pair = _pair_for_user(user, pk)
    a, b = pair.person_a, pair.person_b
    for person in (a, b):
        log_access(
            user=user,
            action=AccessAction.VIEW_PERSON,
            obj=person,
            request=request,
            extra={"dedup_pair": pair.pk},
        )
    merge = pair.merges.select_related("merged_by", "undone_by").order_by("-id").first()
    return render(
        request,
        "dedup/pair_detail.html",
        {
            "pair": pair,
            "a": a,
            "b": b,
            "rows": comparison_rows(a, b),
            "evidence": describe_evidence(pair.evidence),
            "ppks_a": _active_ppks(user, a),
            "ppks_b": _active_ppks(user, b),
            "merge": merge,
            # In the area (a TKSK's kecamatan) but deciding is Dinas Sosial's.
            "in_area": _can_change(user, pair),
            "can_change": _can_change(user, pair) and may_decide(user),
            "decide_message": MSG_DECIDE,
            "different_form": DifferentForm(),
        },
    )


@reviewer_required
@require_POST
def pair_different(request: AuthedRequest, pk: int):
    user = request.user
    pair = _pair_for_user(user, pk)
    form = DifferentForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        actions.decide_different(pair, acting_user=user, note=note)
    except NotAllowed:
        raise Http404 from None
    except InvalidInput as exc:
        for msgs in exc.errors.values():
            for msg in msgs:
                messages.error(request, msg)
        return redirect("dedup:pair", pk=pair.pk)
    messages.success(
        request, "Dicatat sebagai orang berbeda. Pasangan ini tidak akan diusulkan lagi."
    )
    return redirect(_next_in_queue(user, pair))


def _next_in_queue(user: User, pair: CandidatePair) -> str:

    nxt = pairs_for(user, PairFilter()).exclude(pk=pair.pk).first()
    return reverse("dedup:pair", args=[nxt.pk]) if nxt else reverse("dedup:queue")


@reviewer_required
def merge_form(request: AuthedRequest, pk: int):
    user = request.user
    pair = _pair_for_user(user, pk)
    if pair.status != PairStatus.OPEN:
        messages.warning(request, "Pasangan ini sudah diputuskan.")
        return redirect("dedup:pair", pk=pair.pk)
    if not _can_change(user, pair):
        raise Http404
    if not may_decide(user):
        raise PermissionDenied(MSG_DECIDE)
    a, b = pair.person_a, pair.person_b
    initial = {"survivor": "a", **default_choices(a, b)}
    form = MergeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            merge = actions.merge_pair(
                pair,
                acting_user=user,
                survivor=form.cleaned_data["survivor"],
                chosen=form.chosen(),
                note=form.cleaned_data["note"],
            )
        except NotAllowed:
            raise Http404 from None
        except InvalidInput as exc:
            for key, msgs in exc.errors.items():
                for msg in msgs:
                    form.add_error(key if key in form.fields else None, msg)
        else:
            messages.success(
                request,
                f"Data digabungkan ke {merge.survivor.name} (#{merge.survivor_id}). "
                "Penggabungan dapat dibatalkan dari halaman ini.",
            )
            return redirect("dedup:pair", pk=pair.pk)
    rows = comparison_rows(a, b)
    for row in rows:
        row["field"] = form[row["key"]]
        row["selected"] = form[row["key"]].value()
    return render(
        request,
        "dedup/merge_form.html",
        {"pair": pair, "a": a, "b": b, "rows": rows, "form": form},
    )


@reviewer_required
@require_POST
def merge_undo(request: AuthedRequest, pk: int):
    user = request.user
    merge = get_object_or_404(Merge.objects.restrict(user, "view"), pk=pk)
    try:
        actions.undo_merge(merge, acting_user=user, note=request.POST.get("note", ""))
    except NotAllowed:
        raise Http404 from None
    except InvalidInput as exc:
        for msgs in exc.errors.values():
            for msg in msgs:
                messages.error(request, msg)
    else:
        messages.success(
            request, "Penggabungan dibatalkan: kedua data kembali seperti sebelum digabung."
        )
    return redirect("dedup:pair", pk=merge.pair_id)
