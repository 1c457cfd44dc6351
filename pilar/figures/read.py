"""Reading the figures: the one interface every page, API endpoint, recap and report
of figures uses (docs/development/figures.md).

Everything here reads the summary tables (never the registry), scoped to the user's
area like the lists are (city roles: the region; TKSK: their kecamatan; PSM: their
kelurahan; others: nothing), for one month: the current month reads the kept figures
(refreshed first, so a write is visible at once), a past month its frozen snapshot.

Restricted health types (ODHA, NAPZA) are counted only for roles that may see health
data; for the others every total says how many records it leaves out (`hidden`), and
the row of a restricted type has `n=None`.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.db.models import Q, Sum
from django.db.models.expressions import RawSQL

from pilar.accounts.choices import CITY_ROLES, PERSON_DATA_ROLES, Role
from pilar.core.dates import today
from pilar.core.filtering import int_or_none
from pilar.core.numbers import BIGINT_MAX
from pilar.figures import refresh, snapshots
from pilar.figures.choices import AgeGroup, SnapshotMethod
from pilar.figures.models import (
    AreaFigure,
    PpksFigure,
    ProgramFigure,
    ReportFigure,
    Snapshot,
)
from pilar.ppks.models import PpksType
from pilar.programs.models import Program
from pilar.regions.deployment import normalize_code
from pilar.regions.models import District, Village

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

SEXES = {"L": "Laki-laki", "P": "Perempuan"}
# Person age groups a filter may choose (household-level records have none).
AGE_GROUPS = {g.value: g.label for g in AgeGroup if g.value}
# Below this, a count of hidden restricted records is shown as "kurang dari N" so a
# small area's total cannot single anyone out.
HIDDEN_SHOWN_FROM = 5

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


# Filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a page, API call or recap asks for. `month` is the first day of a month."""

    month: datetime.date
    kecamatan: str = ""  # district code 36.71.01
    kelurahan: str = ""  # village code 36.71.01.1001
    ppks_type: int | None = None  # PPKS number 1-26
    sex: str = ""  # L / P
    age_group: str = ""  # AgeGroup value
    program: int | None = None  # Program id

    @property
    def is_current(self) -> bool:
        return self.month == snapshots.first_of(today())

    def params(self, **override) -> dict[str, str]:
        """As query parameters (for links to lists and between pages)."""
        values = {
            "bulan": "" if self.is_current else f"{self.month:%Y-%m}",
            "kecamatan": self.kecamatan,
            "kelurahan": self.kelurahan,
            "ppks_type": self.ppks_type or "",
            "jenis_kelamin": self.sex,
            "kelompok_usia": self.age_group,
            "program": self.program or "",
        }
        values.update(override)
        return {k: str(v) for k, v in values.items() if v not in ("", None)}


def current_filters() -> Filters:
    return Filters(month=snapshots.first_of(today()))


def parse_filters(user: User, params: Mapping) -> tuple[Filters, dict[str, str]]:
    """Filters from query parameters (`bulan`=YYYY-MM, `kecamatan`, `kelurahan`,
    `ppks_type`, `jenis_kelamin`, `kelompok_usia`, `program`), checked against the
    user's area. Returns the usable filters and, per parameter, an Indonesian message
    for each value that was refused (that filter is then left out)."""
    problems: dict[str, str] = {}
    this_month = snapshots.first_of(today())
    month = this_month
    raw = str(params.get("bulan") or params.get("month") or "").strip()
    if raw:
        m = MONTH_RE.match(raw)
        if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
            problems["bulan"] = "Bulan harus ditulis TTTT-BB, mis. 2026-11."
        else:
            chosen = datetime.date(int(m.group(1)), int(m.group(2)), 1)
            if chosen > this_month:
                problems["bulan"] = (
                    f"Bulan {snapshots.month_label(chosen)} belum tiba; angka yang ditampilkan "
                    f"adalah bulan berjalan ({snapshots.month_label(this_month)})."
                )
            else:
                month = chosen
    raw_kecamatan = str(params.get("kecamatan") or "").strip()
    raw_kelurahan = str(params.get("kelurahan") or "").strip()
    kecamatan = normalize_code(raw_kecamatan)[:8]
    kelurahan = normalize_code(raw_kelurahan)[:13]
    # A code that cleans away to nothing would silently mean "everywhere".
    for name, raw, code in (
        ("kecamatan", raw_kecamatan, kecamatan),
        ("kelurahan", raw_kelurahan, kelurahan),
    ):
        if raw and not code:
            problems[name] = "Kode wilayah harus berupa angka, misalnya 36.71.01.1001."
    visible = visible_villages(user)
    if kecamatan and not any(v.startswith(kecamatan + ".") for v in visible):
        problems["kecamatan"] = "Kecamatan tidak dikenal atau di luar wilayah Anda."
        kecamatan = ""
    if kelurahan and (
        kelurahan not in visible or (kecamatan and not kelurahan.startswith(kecamatan + "."))
    ):
        problems["kelurahan"] = "Kelurahan tidak dikenal atau di luar wilayah Anda."
        kelurahan = ""
    ppks_type = int_or_none(params.get("ppks_type"))
    # Bounds first: a number beyond the column's range is "unknown", not a database error.
    if ppks_type is not None and not 1 <= ppks_type <= 999:
        ppks_type = 0
    if params.get("ppks_type") not in (None, "") and not (
        ppks_type and PpksType.objects.filter(number=ppks_type).exists()
    ):
        problems["ppks_type"] = "Jenis PPKS tidak dikenal (nomor 1–26)."
        ppks_type = None
    if ppks_type and not user.can_see_health_data:
        if PpksType.objects.filter(number=ppks_type, is_restricted=True).exists():
            problems["ppks_type"] = "Jenis PPKS ini data kesehatan terbatas: tidak dapat dipilih."
            ppks_type = None
    sex = str(params.get("jenis_kelamin") or params.get("sex") or "").upper()
    if sex and sex not in SEXES:
        problems["jenis_kelamin"] = "Jenis kelamin harus L atau P."
        sex = ""
    age_group = str(params.get("kelompok_usia") or params.get("age_group") or "")
    if age_group and age_group not in AGE_GROUPS:
        problems["kelompok_usia"] = "Kelompok usia tidak dikenal."
        age_group = ""
    program = int_or_none(params.get("program"))
    if program is not None and not 1 <= program <= BIGINT_MAX:
        program = 0
    if params.get("program") not in (None, "") and not (
        program and Program.objects.filter(pk=program).exists()
    ):
        problems["program"] = "Program tidak dikenal."
        program = None
    return (
        Filters(
            month=month,
            kecamatan=kecamatan,
            kelurahan=kelurahan,
            ppks_type=ppks_type,
            sex=sex,
            age_group=age_group,
            program=program,
        ),
        problems,
    )


# Scope ------------------------------------------------------------------------------


def _prefix(user: User) -> tuple[str, str] | None:
    """("prefix", code) or ("exact", code) of the user's area; None: no figures."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role not in PERSON_DATA_ROLES:
        return None
    if user.role in CITY_ROLES:
        return ("prefix", settings.PILAR_REGION + ".")
    if user.role == Role.TKSK and user.district_id:
        return ("prefix", user.district_id + ".")
    if user.role == Role.PSM and user.village_id:
        return ("exact", user.village_id)
    return None


def visible_villages(user: User) -> set[str]:
    """The kelurahan codes of the user's area (remembered on the user object for the
    rest of the request: a page asks several times)."""
    cached = getattr(user, "_figures_visible", None)
    if cached is not None:
        return set(cached)
    codes = _visible_villages_query(user)
    if user is not None:
        try:
            user._figures_visible = frozenset(codes)  # type: ignore[attr-defined]
        except AttributeError:
            pass
    return codes


def _visible_villages_query(user: User) -> set[str]:
    scope = _prefix(user)
    if scope is None:
        return set()
    kind, code = scope
    qs = (
        Village.objects.filter(code=code)
        if kind == "exact"
        else Village.objects.filter(code__startswith=code)
    )
    return set(qs.values_list("code", flat=True))


def _area_q(user: User, flt: Filters) -> Q | None:
    scope = _prefix(user)
    if scope is None:
        return None
    kind, code = scope
    q = Q(village_id=code) if kind == "exact" else Q(village__code__startswith=code)
    if flt.kecamatan:
        q &= Q(village__code__startswith=flt.kecamatan + ".")
    if flt.kelurahan:
        q &= Q(village_id=flt.kelurahan)
    return q


def may_read(user: User) -> bool:
    return _prefix(user) is not None


# Which figures a month reads -----------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a month's figures come from: the kept figures (`berjalan`), a frozen
    snapshot (`beku`) or a backfilled one (`susulan`, with `note`)."""

    month: datetime.date
    kind: str
    as_of: datetime.date
    snapshot_id: int | None = None
    note: str = ""
    # Changes whenever the figures behind this source change (a cache key part).
    version: str = ""

    @property
    def label(self) -> str:
        when = f"{self.as_of.day} {snapshots.MONTHS[self.as_of.month - 1]} {self.as_of.year}"
        if self.kind == "berjalan":
            return f"Angka berjalan per {when}"
        if self.kind == SnapshotMethod.FROZEN:
            return f"Potret {snapshots.month_label(self.month)} (dibekukan, angka per {when})"
        return f"Potret {snapshots.month_label(self.month)} (dihitung susulan dari tanggal catatan)"


def ensure_current() -> tuple[datetime.date, str]:
    """Bring the kept figures up to date before reading them; returns their reference
    date and a version that changes whenever they do (for caches). One query when
    nothing is to do; otherwise the month roll-over (the previous month frozen if cron
    did not), a first rebuild, or the refresh of the kelurahan marked stale."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.as_of, s.refreshed_at, EXISTS (SELECT 1 FROM figures_dirty) "
            "FROM (SELECT 1) one LEFT JOIN LATERAL ("
            "  SELECT as_of, refreshed_at FROM figures_figurestate ORDER BY id LIMIT 1"
            ") s ON true"
        )
        as_of, refreshed_at, dirty = cursor.fetchone()
    if as_of is None:
        state = refresh.rebuild()
        return state.as_of, str(state.refreshed_at)
    if snapshots.first_of(as_of) < snapshots.first_of(today()):
        snapshots.roll_over()
        dirty = True
    if dirty:
        refresh.refresh_dirty()
        fresh = refresh.state()
        if fresh is not None:
            return fresh.as_of, str(fresh.refreshed_at)
    return as_of, str(refreshed_at)


def source(month: datetime.date) -> Source | None:
    """The figures of `month`, or None when there are none (a past month with no
    snapshot, a month before the first data, a future month)."""
    month = snapshots.first_of(month)
    if month == snapshots.first_of(today()):
        as_of, version = ensure_current()
        return Source(month=month, kind="berjalan", as_of=as_of, version=version)
    snap = Snapshot.objects.filter(month=month).first()
    if snap is None:
        return None
    return Source(
        month=month,
        kind=snap.method,
        as_of=snap.as_of,
        snapshot_id=snap.pk,
        note=snap.note,
        version=str(snap.taken_at),
    )


def missing_reason(month: datetime.date) -> str:
    """Why a month has no figures (for an empty chart)."""
    if month > snapshots.first_of(today()):
        return f"Bulan {snapshots.month_label(month)} belum tiba."
    first = snapshots.first_data_month()
    if first is None or month < first:
        return (
            f"Belum ada data untuk {snapshots.month_label(month)}: data pertama tercatat kemudian."
        )
    return (
        f"Belum ada potret untuk {snapshots.month_label(month)}. Dinas Sosial dapat menghitungnya "
        "susulan dengan `pilar figures snapshot --backfill`."
    )


def _snap_q(src: Source) -> Q:
    return Q(snapshot__isnull=True) if src.snapshot_id is None else Q(snapshot_id=src.snapshot_id)


# Results ----------------------------------------------------------------------------


@dataclass
class Hidden:
    """Restricted records a total leaves out for this role."""

    n: int = 0

    @property
    def text(self) -> str:
        if not self.n:
            return ""
        if self.n < HIDDEN_SHOWN_FROM:
            return f"tidak termasuk kurang dari {HIDDEN_SHOWN_FROM} data kesehatan terbatas"
        return f"tidak termasuk {self.n:,} data kesehatan terbatas".replace(",", ".")

    @property
    def shown(self) -> int | None:
        """The count as it may be published (None when below the threshold)."""
        return self.n if self.n >= HIDDEN_SHOWN_FROM or not self.n else None


@dataclass
class TypeRow:
    number: int
    name: str
    short_name: str
    restricted: bool
    n: int | None  # None: hidden from this role


@dataclass
class AreaRow:
    code: str
    name: str
    n: int | None


@dataclass
class PpksResult:
    total: int
    hidden: Hidden
    by_type: list[TypeRow]
    by_sex_age: dict[str, dict[str, int]]  # sex ('' household) -> age group -> n


def _ppks_qs(user: User, flt: Filters, src: Source):
    q = _area_q(user, flt)
    qs = PpksFigure.objects.filter(_snap_q(src))
    if q is None:
        return qs.none()
    qs = qs.filter(q)
    if flt.ppks_type:
        qs = qs.filter(ppks_type__number=flt.ppks_type)
    if flt.sex:
        qs = qs.filter(sex=flt.sex)
    if flt.age_group:
        qs = qs.filter(age_group=flt.age_group)
    return qs


def ppks(user: User, flt: Filters, src: Source) -> PpksResult:
    """PPKS records by type and by sex × age group, with the hidden count."""
    qs = _ppks_qs(user, flt, src)
    per_type = dict(
        qs.order_by().values("ppks_type_id").annotate(n=Sum("n")).values_list("ppks_type_id", "n")
    )
    may = user.can_see_health_data
    rows, total, hidden = [], 0, 0
    for t in PpksType.objects.order_by("number"):
        n = per_type.get(t.pk, 0)
        if t.is_restricted and not may:
            hidden += n
            rows.append(TypeRow(t.number, t.name, t.short_name, True, None))
        else:
            total += n
            rows.append(TypeRow(t.number, t.name, t.short_name, t.is_restricted, n))
    visible = qs if may else qs.exclude(ppks_type__is_restricted=True)
    by_sex_age: dict[str, dict[str, int]] = defaultdict(dict)
    for sex, age, n in (
        visible.order_by()
        .values("sex", "age_group")
        .annotate(n=Sum("n"))
        .values_list("sex", "age_group", "n")
    ):
        by_sex_age[sex][age] = n
    return PpksResult(total=total, hidden=Hidden(hidden), by_type=rows, by_sex_age=dict(by_sex_age))


def area_level(user: User, flt: Filters) -> str:
    """ "kecamatan" when the figures span several kecamatan, else "kelurahan"."""
    if flt.kecamatan or flt.kelurahan or (user.role not in CITY_ROLES):
        return "kelurahan"
    return "kecamatan"


def _areas(user: User, flt: Filters, level: str) -> list[tuple[str, str]]:
    """(code, name) of the areas the figures are shown by (remembered on the user
    object for the rest of the request)."""
    key = (level, flt.kecamatan, flt.kelurahan)
    memo = getattr(user, "_figures_areas", None)
    if memo is None:
        memo = {}
        try:
            user._figures_areas = memo  # type: ignore[attr-defined]
        except AttributeError:
            pass
    if key not in memo:
        memo[key] = _areas_query(user, flt, level)
    return memo[key]


def _areas_query(user: User, flt: Filters, level: str) -> list[tuple[str, str]]:
    villages = list(visible_villages(user))
    if flt.kecamatan:
        villages = [v for v in villages if v.startswith(flt.kecamatan + ".")]
    if flt.kelurahan:
        villages = [v for v in villages if v == flt.kelurahan]
    if level == "kecamatan":
        districts = sorted({v.rsplit(".", 1)[0] for v in villages})
        names = dict(District.objects.filter(code__in=districts).values_list("code", "name"))
        return [(c, names.get(c, c)) for c in districts]
    names = dict(Village.objects.filter(code__in=villages).values_list("code", "name"))
    return [(c, names.get(c, c)) for c in sorted(villages)]


def _by_area(rows, level: str) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for village_id, n in rows:
        key = village_id.rsplit(".", 1)[0] if level == "kecamatan" else village_id
        out[key] += n or 0
    return out


def ppks_by_area(user: User, flt: Filters, src: Source) -> tuple[str, list[AreaRow], Hidden]:
    """PPKS records per kecamatan (city roles, no area chosen) or per kelurahan."""
    level = area_level(user, flt)
    may = user.can_see_health_data
    hidden = 0
    shown = []
    for village_id, restricted, n in (
        _ppks_qs(user, flt, src)
        .order_by()
        .values("village_id", "ppks_type__is_restricted")
        .annotate(s=Sum("n"))
        .values_list("village_id", "ppks_type__is_restricted", "s")
    ):
        if restricted and not may:
            hidden += n or 0
        else:
            shown.append((village_id, n))
    counts = _by_area(shown, level)
    rows = [AreaRow(code, name, counts.get(code, 0)) for code, name in _areas(user, flt, level)]
    return level, rows, Hidden(hidden)


@dataclass
class PpksTable:
    """PPKS records per area × type number × sex ("L", "P", "" for household-level),
    for recaps: `cells[(area_code, number, sex)] = n`; restricted types the role may
    not see are absent and counted in `hidden` per area."""

    level: str
    areas: list[tuple[str, str]]  # (code, name) in order
    cells: dict[tuple[str, int, str], int]
    hidden: dict[str, int]


def ppks_table(user: User, flt: Filters, src: Source, level: str | None = None) -> PpksTable:
    """The recap table behind "Rekapitulasi PPKS": by kecamatan (default for city roles
    without an area filter) or by kelurahan."""
    level = level or area_level(user, flt)
    may = user.can_see_health_data
    cells: dict[tuple[str, int, str], int] = defaultdict(int)
    hidden: dict[str, int] = defaultdict(int)
    rows = (
        _ppks_qs(user, flt, src)
        .order_by()
        .values("village_id", "ppks_type__number", "ppks_type__is_restricted", "sex")
        .annotate(s=Sum("n"))
        .values_list("village_id", "ppks_type__number", "ppks_type__is_restricted", "sex", "s")
    )
    for village_id, number, restricted, sex, n in rows:
        area = village_id.rsplit(".", 1)[0] if level == "kecamatan" else village_id
        if restricted and not may:
            hidden[area] += n
        else:
            cells[(area, number, sex)] += n
    return PpksTable(
        level=level, areas=_areas(user, flt, level), cells=dict(cells), hidden=dict(hidden)
    )


# Area figures (population, poverty, RTLH, quality, reports) -----------------------------

AREA_MEASURES = {
    "households": "Keluarga aktif",
    "persons": "Individu hidup",
    "fakir_miskin": "Keluarga fakir miskin (PPKS 24)",
    "desil_1_4": "Keluarga desil 1–4",
    "poverty_poor": "Keluarga miskin (14 kriteria BPS)",
    "rtlh": "RTLH tersisa",
    "persons_no_nik": "Individu tanpa NIK",
    "never_visited": "Keluarga belum pernah dikunjungi",
    "assessments_overdue": "Asesmen jatuh tempo",
    "duplicates_open": "Pasangan duplikat menunggu",
    "reports_to_verify": "Laporan menunggu verifikasi",
    "reports_to_validate": "Laporan menunggu validasi",
    "visits_overdue": "Kunjungan keluarga terlambat",
}
# Measures a backfilled month cannot give (see compute.BACKFILL_NOTE).
NOT_BACKFILLED = {"persons_no_nik", "desil_1_4", "duplicates_open", "visits_overdue"}


def available(src: Source, measure: str) -> bool:
    return not (src.kind == SnapshotMethod.BACKFILL and measure in NOT_BACKFILLED)


def _area_rows(user: User, flt: Filters, src: Source) -> list[AreaFigure]:
    q = _area_q(user, flt)
    if q is None:
        return []
    return list(AreaFigure.objects.filter(_snap_q(src)).filter(q))


def _value(row: AreaFigure, measure: str) -> int | None:
    if measure == "desil_1_4":
        return sum(row.desil[:4]) if row.desil is not None else None
    return getattr(row, measure)


@dataclass
class AreaTotals:
    values: dict[str, int | None]  # measure -> total (None: not available this month)
    desil: list[int] | None  # households in desil 1..10
    desil_unknown: int | None


def area_totals(user: User, flt: Filters, src: Source) -> AreaTotals:
    rows = _area_rows(user, flt, src)
    values: dict[str, int | None] = {}
    for measure in AREA_MEASURES:
        if available(src, measure):
            values[measure] = sum(_value(r, measure) or 0 for r in rows)
        else:
            values[measure] = None
    desil = unknown = None
    if available(src, "desil_1_4"):
        desil = [sum(r.desil[i] for r in rows if r.desil) for i in range(10)]
        unknown = sum(r.desil_unknown or 0 for r in rows)
    values["poverty_assessed"] = sum(r.poverty_assessed for r in rows)
    values["rtlh_assessed"] = sum(r.rtlh_assessed for r in rows)
    values["reports_returned"] = sum(r.reports_returned or 0 for r in rows)
    return AreaTotals(values=values, desil=desil, desil_unknown=unknown)


def area_measures(
    user: User, flt: Filters, src: Source, measures=None
) -> tuple[str, dict[str, list[AreaRow]]]:
    """Every area measure (or those named) per kecamatan or kelurahan, from one read of
    the rows (the map offers them all)."""
    level = area_level(user, flt)
    rows = _area_rows(user, flt, src)
    areas = _areas(user, flt, level)
    out = {}
    for measure in measures or AREA_MEASURES:
        if not available(src, measure):
            out[measure] = [AreaRow(c, n, None) for c, n in areas]
            continue
        counts = _by_area(((r.village_id, _value(r, measure)) for r in rows), level)
        out[measure] = [AreaRow(c, n, counts.get(c, 0)) for c, n in areas]
    return level, out


def area_by_area(user: User, flt: Filters, src: Source, measure: str) -> tuple[str, list[AreaRow]]:
    """One area measure (AREA_MEASURES) per kecamatan or kelurahan (for the map)."""
    if measure not in AREA_MEASURES:
        raise ValueError(measure)
    level = area_level(user, flt)
    rows = _area_rows(user, flt, src)
    if not available(src, measure):
        return level, [AreaRow(c, n, None) for c, n in _areas(user, flt, level)]
    counts = _by_area(((r.village_id, _value(r, measure)) for r in rows), level)
    return level, [AreaRow(c, n, counts.get(c, 0)) for c, n in _areas(user, flt, level)]


# Programs -----------------------------------------------------------------------------


@dataclass
class ProgramRow:
    program_id: int
    name: str
    period: int
    eligible: int | None
    proposed: int | None
    enrolled: int
    delivered: int
    amount_planned: Decimal
    amount_delivered: Decimal
    budget: Decimal | None  # the program's budget when this is its budget year (city view)


def programs(user: User, flt: Filters, src: Source) -> list[ProgramRow]:
    q = _area_q(user, flt)
    if q is None:
        return []
    qs = ProgramFigure.objects.filter(_snap_q(src)).filter(q)
    if flt.program:
        qs = qs.filter(program_id=flt.program)
    agg = (
        qs.order_by()
        .values("program_id", "period")
        .annotate(
            eligible=Sum("eligible"),
            proposed=Sum("proposed"),
            enrolled=Sum("enrolled"),
            delivered=Sum("delivered"),
            amount_planned=Sum("amount_planned"),
            amount_delivered=Sum("amount_delivered"),
        )
    )
    names = {p.pk: p for p in Program.objects.only("id", "name", "year", "budget")}
    city_view = user.role in CITY_ROLES and not flt.kecamatan and not flt.kelurahan
    out = []
    for a in agg:
        program = names.get(a["program_id"])
        if program is None:
            continue
        budget = program.budget if city_view and program.year in (None, a["period"]) else None
        out.append(
            ProgramRow(
                program_id=program.pk,
                name=program.name,
                period=a["period"],
                eligible=a["eligible"],
                proposed=a["proposed"],
                enrolled=a["enrolled"] or 0,
                delivered=a["delivered"] or 0,
                amount_planned=a["amount_planned"] or Decimal(0),
                amount_delivered=a["amount_delivered"] or Decimal(0),
                budget=budget,
            )
        )
    return sorted(out, key=lambda r: (r.name, -r.period))


# Trends -------------------------------------------------------------------------------


@dataclass
class TrendPoint:
    month: datetime.date
    kind: str  # "berjalan", "beku", "susulan", or "" (no figures for that month)
    ppks: int | None
    hidden: int
    values: dict[str, int | None] = field(default_factory=dict)  # AREA_MEASURES


def _month_list(last: datetime.date, months: int) -> list[datetime.date]:
    out = [last]
    while len(out) < months:
        out.append(snapshots.previous(out[-1]))
    return sorted(out)


def trend(
    user: User, flt: Filters, months: int = 12, current: Source | None = None
) -> list[TrendPoint]:
    """The `months` months up to the chosen one: PPKS (with the filters) and the area
    measures, from the snapshots and, for the current month, the kept figures (pass
    its `current` source if already read). Three queries whatever the months."""
    wanted = _month_list(flt.month, months)
    this_month = snapshots.first_of(today())
    sources: dict[datetime.date, Source] = {}
    for snap in Snapshot.objects.filter(month__in=wanted):
        sources[snap.month] = Source(
            month=snap.month,
            kind=snap.method,
            as_of=snap.as_of,
            snapshot_id=snap.pk,
            note=snap.note,
        )
    if this_month in wanted:
        src_now = current if current is not None else source(this_month)
        if src_now is not None:
            sources[this_month] = src_now
    area = _area_q(user, flt)
    by_snapshot = {src.snapshot_id: src for src in sources.values()}
    which = Q(snapshot_id__in=[i for i in by_snapshot if i is not None])
    if None in by_snapshot:
        which |= Q(snapshot__isnull=True)
    ppks_sums: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    area_sums: dict[int | None, dict] = {}
    if area is not None and by_snapshot:
        qs = PpksFigure.objects.filter(which, area)
        if flt.ppks_type:
            qs = qs.filter(ppks_type__number=flt.ppks_type)
        if flt.sex:
            qs = qs.filter(sex=flt.sex)
        if flt.age_group:
            qs = qs.filter(age_group=flt.age_group)
        for snap_id, restricted, n in (
            qs.order_by()
            .values("snapshot_id", "ppks_type__is_restricted")
            .annotate(s=Sum("n"))
            .values_list("snapshot_id", "ppks_type__is_restricted", "s")
        ):
            hides = restricted and not user.can_see_health_data
            ppks_sums[snap_id][1 if hides else 0] += n or 0
        simple = [m for m in AREA_MEASURES if m != "desil_1_4"]
        for row in (
            AreaFigure.objects.filter(which, area)
            .order_by()
            .values("snapshot_id")
            .annotate(
                desil_1_4=Sum(RawSQL("desil[1] + desil[2] + desil[3] + desil[4]", [])),
                **{m: Sum(m) for m in simple},
            )
        ):
            sums_row: dict = dict(row)
            area_sums[sums_row.pop("snapshot_id")] = sums_row
    points = []
    for month in wanted:
        src = sources.get(month)
        if src is None:
            points.append(TrendPoint(month=month, kind="", ppks=None, hidden=0))
            continue
        visible, hidden_n = ppks_sums.get(src.snapshot_id, [0, 0])
        sums = area_sums.get(src.snapshot_id, {})
        measures: dict[str, int | None] = {
            m: int(sums.get(m) or 0) if available(src, m) else None for m in AREA_MEASURES
        }
        points.append(
            TrendPoint(month=month, kind=src.kind, ppks=visible, hidden=hidden_n, values=measures)
        )
    return points


@dataclass
class TurnaroundPoint:
    month: datetime.date
    submitted: int
    validated: int
    rejected: int
    mean_days: float | None  # from first submission to validation or rejection


def turnaround(user: User, flt: Filters, months: int = 12) -> list[TurnaroundPoint]:
    """Field reports by month: submitted, decided and the mean days to the decision."""
    wanted = _month_list(flt.month, months)
    q = _area_q(user, flt)
    rows: dict[datetime.date, list[float]] = {m: [0, 0, 0, 0.0] for m in wanted}
    if q is not None:
        for r in ReportFigure.objects.filter(q, month__in=wanted):
            acc = rows[r.month]
            acc[0] += r.submitted
            acc[1] += r.validated
            acc[2] += r.rejected
            acc[3] += r.decided_days
    out = []
    for m in wanted:
        sub, val, rej, days = rows[m]
        decided = val + rej
        out.append(
            TurnaroundPoint(
                month=m,
                submitted=int(sub),
                validated=int(val),
                rejected=int(rej),
                mean_days=round(days / decided, 1) if decided else None,
            )
        )
    return out
