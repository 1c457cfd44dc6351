"""Freshness pages: overdue and due counts per kelurahan (the user's area), and the
due-visit list of one kelurahan, with search, pagination and export."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from pilar.accounts.scope import area_options, villages_for
from pilar.accounts.types import AuthedRequest
from pilar.audit.exports import logged_download
from pilar.core.dates import today
from pilar.core.tables import DATE, INT, Column
from pilar.core.web import PAGE_SIZE, people_required
from pilar.exports import restricted
from pilar.freshness.models import HouseholdFreshness
from pilar.freshness.overdue import due_list, soon_limit, village_counts
from pilar.freshness.rules import state


@people_required
def overview(request: AuthedRequest):
    user = request.user
    kecamatan = request.GET.get("kecamatan", "").strip()[:20]
    districts, _ = area_options(user)
    if kecamatan and kecamatan not in {d.code for d in districts}:
        kecamatan = ""
    rows = village_counts(user, district=kecamatan)
    q = request.GET.get("q", "").strip()[:60].lower()
    if q:
        rows = [r for r in rows if q in r.name.lower()]
    totals = {
        "total": sum(r.total for r in rows),
        "overdue": sum(r.overdue for r in rows),
        "due": sum(r.due for r in rows),
    }
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "freshness/overview.html",
        {
            "page_obj": page,
            "districts": districts,
            "kecamatan": kecamatan,
            "q": q,
            "totals": totals,
            "soon": soon_limit(),
            "tab": "freshness",
        },
    )


@people_required
def overview_export(request: AuthedRequest, fmt: str):
    kecamatan = request.GET.get("kecamatan", "").strip()[:20]
    rows = village_counts(request.user, district=kecamatan)
    columns = [
        Column("Kecamatan", lambda r: r.district, width=20),
        Column("Kelurahan", lambda r: r.name, width=22),
        Column("Keluarga", lambda r: r.total, INT, 10),
        Column("Terlambat", lambda r: r.overdue, INT, 10),
        Column("Jatuh tempo 30 hari", lambda r: r.due, INT, 12),
        Column("% terlambat", lambda r: float(r.overdue_percent), width=10),
    ]
    return logged_download(
        request,
        fmt,
        queryset=HouseholdFreshness.objects.restrict(request.user).none(),
        filters={"kecamatan": kecamatan},
        columns=columns,
        object_type="freshness.kelurahan",
        name="kunjungan-per-kelurahan",
        sheet_name="Per kelurahan",
        rows=rows,
        extra={"rows": len(rows)},
    )


def _village(request: AuthedRequest, code: str):
    village = villages_for(request.user).filter(pk=code).first()
    if village is None:
        raise Http404
    return village


def _due(request: AuthedRequest, code: str):
    qs = due_list(request.user, code, overdue_only=request.GET.get("status") == "terlambat")
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(Q(household__address__icontains=q) | Q(head__icontains=q))
    return qs, {"q": q, "status": request.GET.get("status", "")}


@people_required
def village_due(request: AuthedRequest, code: str):
    village = _village(request, code)
    qs, flt = _due(request, code)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    day = today()
    for row in page.object_list:
        row.state = state(row.due_on, day, 0)
    return render(
        request,
        "freshness/village.html",
        {"village": village, "page_obj": page, "flt": flt, "today": day, "tab": "freshness"},
    )


@people_required
def village_export(request: AuthedRequest, code: str, fmt: str):
    _village(request, code)
    qs, flt = _due(request, code)
    columns = [
        Column("Kepala keluarga", lambda f: f.head or "", width=26),
        Column("Alamat", lambda f: f.household.address, width=30),
        Column("RT", lambda f: f.household.rt, width=5),
        Column("RW", lambda f: f.household.rw, width=5),
        Column("Kunjungan terakhir", lambda f: f.last_visited_on, DATE, 14),
        Column("Verifikasi terakhir", lambda f: f.last_verified_on, DATE, 14),
        Column("Jatuh tempo", lambda f: f.due_on, DATE, 12),
        Column("Dasar", lambda f: f.get_due_reason_display(), width=30),
        Column("Peristiwa", lambda f: f.get_event_kind_display() if f.event_kind else "", width=26),
    ]
    # A household whose head's processing is restricted stays out (decision 43).
    qs, left_out = restricted.households(qs, "household_id")
    return logged_download(
        request,
        fmt,
        queryset=qs,
        filters={"kelurahan": code, **flt},
        columns=columns,
        object_type="freshness.householdfreshness",
        name=f"kunjungan-jatuh-tempo-{code}",
        sheet_name="Jatuh tempo",
        left_out=left_out,
    )
