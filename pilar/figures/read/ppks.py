"""PPKS figures: totals by type, by area and the type x area table, with hidden counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Sum

from pilar.accounts.choices import CITY_ROLES
from pilar.core.numbers import format_number
from pilar.figures.models import PpksFigure
from pilar.figures.read.scope import HIDDEN_SHOWN_FROM, Filters, _area_q, visible_villages
from pilar.figures.read.sources import Source, _snap_q
from pilar.ppks.models import PpksType
from pilar.regions.models import District, Village

if TYPE_CHECKING:
    from pilar.accounts.models import User


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
        return f"tidak termasuk {format_number(self.n)} data kesehatan terbatas"

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
