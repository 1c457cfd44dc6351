"""What the dashboard and start pages show, gathered from pilar.figures.read into
plain data: the headline figures, the charts' series, the map's values, each with the
link to the list behind it, and the role's to-do. The page (views.py) renders it and
hands the charts their data as JSON; the API (api.py) returns the same.

Links point only to pages the role may open; a figure whose list the role cannot
open is shown without a link.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.urls import reverse

from pilar.accounts.choices import CITY_ROLES, EDITOR_ROLES, Role
from pilar.core.dates import today
from pilar.core.numbers import format_number, format_rupiah
from pilar.dedup.models import CandidatePair, PairStatus
from pilar.dedup.querysets import may_review
from pilar.figures import read, snapshots
from pilar.freshness.models import HouseholdFreshness
from pilar.freshness.overdue import soon_limit
from pilar.psks.appointments import appointed_q, ending_soon
from pilar.psks.training import active_field_workers, trained_q
from pilar.renovations.choices import OPEN_STATUSES
from pilar.renovations.filters import OPEN as RENOVATION_OPEN
from pilar.renovations.models import Renovation
from pilar.submissions.choices import Status as ReportStatus
from pilar.submissions.filters import inbox_for
from pilar.submissions.models import Submission

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# Who has an inbox of field reports (submissions/views/lists.py).
REVIEWER_ROLES = {Role.TKSK, Role.DINSOS, Role.ADMIN}


@functools.lru_cache(maxsize=256)
def _reverse(name: str, args: tuple) -> str:
    return reverse(name, args=args)


def _url(name: str, params: dict[str, Any] | None = None, *args) -> str:
    base = _reverse(name, tuple(args))
    clean = {k: v for k, v in (params or {}).items() if v not in ("", None)}
    return f"{base}?{urlencode(clean)}" if clean else base


def rupiah(value: Decimal | int | None) -> str:
    if value is None:
        return "–"
    return format_rupiah(int(value))


def number(value: int | None) -> str:
    return "–" if value is None else format_number(value)


@dataclass
class Figure:
    key: str
    label: str
    value: str
    link: str = ""
    note: str = ""


@dataclass
class Todo:
    label: str
    n: int
    link: str

    @property
    def text(self) -> str:
        return number(self.n)


@dataclass
class Dashboard:
    filters: read.Filters
    problems: dict[str, str]
    source: read.Source | None
    missing: str
    level: str
    headline: list[Figure] = field(default_factory=list)
    todo: list[Todo] = field(default_factory=list)
    charts: dict[str, Any] = field(default_factory=dict)
    ppks_hidden: str = ""
    population: dict[str, str] = field(default_factory=dict)


def _area_params(flt: read.Filters, level: str, code: str) -> dict[str, str]:
    if level == "kecamatan":
        return {"kecamatan": code, "kelurahan": ""}
    return {"kecamatan": code.rsplit(".", 1)[0], "kelurahan": code}


def _ppks_link(flt: read.Filters, **override) -> str:
    params = {
        "status": "aktif",
        "kecamatan": flt.kecamatan,
        "kelurahan": flt.kelurahan,
        "ppks_type": flt.ppks_type or "",
        "jenis_kelamin": flt.sex,
        "kelompok_usia": flt.age_group,
    }
    params.update(override)
    return _url("ppks:record_list", params)


def _household_link(flt: read.Filters, **override) -> str:
    params = {"kecamatan": flt.kecamatan, "kelurahan": flt.kelurahan}
    params.update(override)
    return _url("web:household_list", params)


def _measure_link(user: User, flt: read.Filters, measure: str, **area) -> str:
    """The list behind an area measure (with the area filter), or "" if none the role
    may open."""
    kec = area.get("kecamatan", flt.kecamatan)
    kel = area.get("kelurahan", flt.kelurahan)
    if measure in ("households", "persons"):
        return _household_link(flt, kecamatan=kec, kelurahan=kel)
    if measure == "fakir_miskin":
        return _household_link(flt, kecamatan=kec, kelurahan=kel, ppks_type=24)
    if measure == "assessments_overdue":
        return _url("assessments:overdue", {"kecamatan": kec, "kelurahan": kel})
    if measure == "desil_1_4":
        return _household_link(flt, kecamatan=kec, kelurahan=kel, desil="1-4")
    if measure in ("poverty_poor", "rtlh", "never_visited"):
        kind = {"poverty_poor": "miskin", "rtlh": "rtlh", "never_visited": "belum_dikunjungi"}
        return _household_link(flt, kecamatan=kec, kelurahan=kel, asesmen=kind[measure])
    if measure == "persons_no_nik":
        return _household_link(flt, kecamatan=kec, kelurahan=kel, tanpa_nik=1)
    if measure == "duplicates_open":
        return _url("dedup:queue", {"kecamatan": kec}) if may_review(user) else ""
    if measure in ("reports_to_verify", "reports_to_validate"):
        status = ReportStatus.SUBMITTED if measure == "reports_to_verify" else ReportStatus.VERIFIED
        if user.role in CITY_ROLES | EDITOR_ROLES:
            return _url("submissions:list", {"status": status, "kecamatan": kec, "kelurahan": kel})
        return ""
    if measure == "ppks":
        return _ppks_link(flt, kecamatan=kec, kelurahan=kel)
    if measure == "visits_overdue":
        if kel:
            return _url("freshness:village", None, kel)
        return _url("freshness:overview", {"kecamatan": kec})
    return ""


def psks_note(user: User) -> str:
    """The field force behind the visits: trained and appointed TKSK/PSM (issue 17).
    A few hundred rows per city: counted directly, not kept in a summary table."""
    workers = active_field_workers(user)
    total = workers.count()
    if not total:
        return "belum ada TKSK/PSM tercatat"
    trained = workers.filter(trained_q()).count()
    appointed = workers.filter(appointed_q(today())).count()
    return (
        f"TKSK/PSM terlatih bimtek dasar {number(trained)} dari {number(total)}, "
        f"ber-SK aktif {number(appointed)}"
    )


def psks_todo(user: User) -> list[Todo]:
    """Issue 17's to-do: visits due in a field worker's area; for Dinas Sosial, decrees
    ending soon, workers without a decree in force and workers not yet trained."""
    items: list[Todo] = []
    if user.role in (Role.PSM, Role.TKSK):
        due = HouseholdFreshness.objects.restrict(user, "view").filter(due_on__lte=soon_limit())
        link = (
            _url("freshness:village", None, user.village_id)
            if user.role == Role.PSM and user.village_id
            else _url("freshness:overview")
        )
        items.append(Todo("Kunjungan keluarga jatuh tempo di wilayah Anda", due.count(), link))
    if user.role in (Role.ADMIN, Role.DINSOS):
        # Both worker counts in one query: the home page's query budget is fixed.
        day = today()
        counts = active_field_workers(user).aggregate(
            unappointed=Count("pk", filter=~appointed_q(day)),
            untrained=Count("pk", filter=~trained_q()),
        )
        items.append(
            Todo(
                "SK PSKS berakhir dalam waktu dekat",
                ending_soon(user).count(),
                reverse("psks:appointment_list"),
            )
        )
        items.append(
            Todo(
                "TKSK/PSM aktif tanpa SK berlaku",
                counts["unappointed"],
                reverse("psks:appointment_list"),
            )
        )
        items.append(
            Todo("TKSK/PSM belum bimtek dasar", counts["untrained"], reverse("psks:untrained"))
        )
    return items


def _todo(user: User, overdue: int | None) -> list[Todo]:
    items: list[Todo] = []
    if user.role in REVIEWER_ROLES:
        waiting = inbox_for(user).count()
        label = (
            "Laporan menunggu verifikasi Anda"
            if user.role == Role.TKSK
            else "Laporan menunggu validasi"
        )
        items.append(Todo(label, waiting, reverse("submissions:inbox")))
    if may_review(user):
        pairs = CandidatePair.objects.restrict(user, "change").filter(status=PairStatus.OPEN)
        items.append(Todo("Pasangan data ganda menunggu", pairs.count(), reverse("dedup:queue")))
    if user.role in (Role.ADMIN, Role.DINSOS) and overdue is not None:
        items.append(Todo("Asesmen jatuh tempo", overdue, reverse("assessments:overdue")))
        late = (
            Renovation.objects.restrict(user, "view")
            .filter(status__in=OPEN_STATUSES, planned_finish__lt=today())
            .count()
        )
        items.append(
            Todo(
                "Bedah Rumah melewati rencana selesai",
                late,
                _url("renovations:list", {"status": RENOVATION_OPEN}),
            )
        )
    items += psks_todo(user)
    if user.role in (Role.PSM, Role.TKSK):
        returned = Submission.objects.filter(reporter=user, status=ReportStatus.RETURNED).count()
        drafts = Submission.objects.filter(reporter=user, status=ReportStatus.DRAFT).count()
        items.append(
            Todo(
                "Laporan Anda dikembalikan untuk diperbaiki",
                returned,
                _url("submissions:list", {"status": ReportStatus.RETURNED, "saya": 1}),
            )
        )
        items.append(
            Todo(
                "Draf laporan Anda", drafts, _url("submissions:list", {"status": "draf", "saya": 1})
            )
        )
    return items


def build(user: User, params) -> Dashboard:
    flt, problems = read.parse_filters(user, params)
    src = read.source(flt.month)
    level = read.area_level(user, flt)
    board = Dashboard(
        filters=flt,
        problems=problems,
        source=src,
        missing="" if src is not None else read.missing_reason(flt.month),
        level=level,
    )
    if src is None:
        board.todo = _todo(user, None)
        board.charts = {"empty": board.missing}
        return board

    key = _cache_key(user, flt, src)
    cached = cache.get(key)
    if cached is None:
        cached = _figures(user, flt, src, level)
        cache.set(key, cached, CACHE_SECONDS)
    board.headline = cached["headline"]
    board.charts = cached["charts"]
    board.ppks_hidden = cached["ppks_hidden"]
    board.population = cached["population"]
    board.todo = _todo(user, cached["overdue"])
    return board


# The figures part of a dashboard is the same for every user of one role and area
# until the figures change (the source's version): kept per server process.
CACHE_SECONDS = 600


def _cache_key(user: User, flt: read.Filters, src: read.Source) -> str:
    scope = f"{user.role}:{user.district_id or ''}:{user.village_id or ''}"
    params = "&".join(f"{k}={v}" for k, v in sorted(flt.params().items()))
    raw = f"{scope}:{user.can_see_health_data}:{params}:{flt.month}:{src.kind}:"
    raw += f"{src.snapshot_id}:{src.version}:{settings.PILAR_RTLH_TARGET_YEAR}"
    return "figures:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def _figures(user: User, flt: read.Filters, src: read.Source, level: str) -> dict[str, Any]:
    ppks = read.ppks(user, flt, src)
    totals = read.area_totals(user, flt, src)
    programs = read.programs(user, flt, src)
    v = totals.values
    planned = sum((p.amount_planned for p in programs), Decimal(0))
    paid = sum((p.amount_delivered for p in programs), Decimal(0))
    budget = sum((p.budget or Decimal(0) for p in programs), Decimal(0))
    target_year = settings.PILAR_RTLH_TARGET_YEAR
    waiting = (v["reports_to_verify"] or 0) + (v["reports_to_validate"] or 0)
    headline = [
        Figure("ppks", "PPKS aktif", number(ppks.total), _ppks_link(flt), ppks.hidden.text),
        Figure(
            "fakir_miskin",
            "Keluarga fakir miskin",
            number(v["fakir_miskin"]),
            _measure_link(user, flt, "fakir_miskin"),
            f"desil 1–4: {number(v['desil_1_4'])} · miskin (14 kriteria BPS): "
            f"{number(v['poverty_poor'])} dari {number(v['poverty_assessed'])} diasesmen",
        ),
        Figure(
            "rtlh",
            "RTLH tersisa",
            number(v["rtlh"]),
            _measure_link(user, flt, "rtlh"),
            f"target nol RTLH pada {target_year}",
        ),
        Figure(
            "programs",
            "Realisasi program",
            rupiah(paid),
            _url("programs:list"),
            (f"dari pagu {rupiah(budget)}" if budget else f"dari rencana {rupiah(planned)}"),
        ),
        Figure(
            "reports",
            "Laporan menunggu",
            number(waiting),
            _measure_link(user, flt, "reports_to_verify"),
            f"verifikasi {number(v['reports_to_verify'])} · validasi "
            f"{number(v['reports_to_validate'])}",
        ),
        Figure(
            "visits",
            "Kunjungan keluarga terlambat",
            number(v["visits_overdue"]),
            _measure_link(user, flt, "visits_overdue"),
            "verifikasi ulang paling lambat 24 bulan (UU 13/2011); " + psks_note(user),
        ),
        Figure(
            "quality",
            "Individu tanpa NIK",
            number(v["persons_no_nik"]),
            _measure_link(user, flt, "persons_no_nik"),
            f"data ganda menunggu {number(v['duplicates_open'])} · asesmen jatuh tempo "
            f"{number(v['assessments_overdue'])}",
        ),
    ]
    return {
        "headline": headline,
        "charts": _charts(user, flt, src, ppks, totals, programs, level),
        "ppks_hidden": ppks.hidden.text,
        # Formatted here (1.234.567) whatever language the browser asks for.
        "population": {
            "households": number(totals.values["households"]),
            "persons": number(totals.values["persons"]),
        },
        "overdue": totals.values.get("assessments_overdue") or 0,
    }


def _short_month(month: datetime.date) -> str:
    return f"{snapshots.MONTHS[month.month - 1][:3]} {month.year}"


def _charts(user, flt, src, ppks, totals, programs, level) -> dict[str, Any]:
    level_, by_area, hidden = read.ppks_by_area(user, flt, src)
    _, area_rows = read.area_measures(user, flt, src)
    map_measures: dict[str, Any] = {
        "ppks": {
            "label": "PPKS aktif" + (f" ({ppks.hidden.text})" if ppks.hidden.n else ""),
            "values": {r.code: r.n for r in by_area},
            "links": {r.code: _ppks_link(flt, **_area_params(flt, level, r.code)) for r in by_area},
        }
    }
    for measure, rows in area_rows.items():
        map_measures[measure] = {
            "label": read.AREA_MEASURES[measure],
            "values": {r.code: r.n for r in rows},
            "links": {
                r.code: _measure_link(user, flt, measure, **_area_params(flt, level, r.code))
                for r in rows
            },
        }
    trend = read.trend(user, flt, months=12, current=src)
    turnaround = read.turnaround(user, flt, months=12)
    months = [_short_month(p.month) for p in trend]
    rtlh_now = totals.values.get("rtlh") or 0
    target_year = settings.PILAR_RTLH_TARGET_YEAR
    return {
        "level": level,
        "areaNames": {r.code: r.name for r in by_area},
        "ppksByArea": [
            {
                "code": r.code,
                "name": r.name,
                "n": r.n,
                "text": number(r.n),
                "link": _ppks_link(flt, **_area_params(flt, level, r.code)),
            }
            for r in by_area
        ],
        "ppksByType": [
            {
                "number": t.number,
                "name": f"{t.number}. {t.short_name}",
                "title": t.name,
                "n": t.n,
                "text": number(t.n),
                "link": _ppks_link(flt, ppks_type=t.number) if t.n is not None else "",
            }
            for t in ppks.by_type
        ],
        "ppksHidden": ppks.hidden.text,
        "sexAge": ppks.by_sex_age,
        # The PPKS list of each bar: sex × age group (with the other filters).
        "sexAgeLinks": {
            sex: {
                group: _ppks_link(flt, jenis_kelamin=sex, kelompok_usia=group)
                for group in ("0-5", "6-17", "18-59", "60+", "?")
            }
            for sex in ("L", "P")
        },
        "rtlhLink": _measure_link(user, flt, "rtlh"),
        "trend": {
            "months": months,
            "kinds": [p.kind for p in trend],
            "ppks": [p.ppks for p in trend],
            "fakir_miskin": [p.values.get("fakir_miskin") for p in trend],
            "poverty_poor": [p.values.get("poverty_poor") for p in trend],
            "rtlh": [p.values.get("rtlh") for p in trend],
            # A month's point opens the dashboard of that month (its snapshot).
            "links": [
                _url("figures:dashboard", flt.params(bulan=f"{p.month:%Y-%m}")) if p.kind else ""
                for p in trend
            ],
        },
        "rtlh": {
            "months": months,
            "actual": [p.values.get("rtlh") for p in trend],
            "now": rtlh_now,
            "targetYear": target_year,
            "monthsLeft": max((target_year - today().year) * 12 + (12 - today().month), 1),
        },
        "programs": [
            {
                "name": f"{p.name} {p.period}",
                "eligible": p.eligible,
                "enrolled": p.enrolled,
                "delivered": p.delivered,
                "link": _url("programs:detail", None, p.program_id),
            }
            for p in programs
        ],
        "turnaround": {
            "months": [
                f"{snapshots.MONTHS[p.month.month - 1][:3]} {p.month.year}" for p in turnaround
            ],
            "submitted": [p.submitted for p in turnaround],
            "decided": [p.validated + p.rejected for p in turnaround],
            "meanDays": [p.mean_days for p in turnaround],
            "link": _url("submissions:turnaround"),
        },
        "desil": totals.desil,
        "map": {"measures": map_measures, "default": "ppks"},
        "sourceKind": src.kind,
        "asOf": src.as_of.isoformat(),
        "today": today().isoformat(),
    }
