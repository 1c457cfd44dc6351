"""The priority score of a candidate: why this household comes first.

A transparent, additive score (UU PDP: scoring must be explainable): an ordered
list of components, each a quantity read from the registry or the latest
assessments, times a weight, sometimes capped. No hidden model. The score is a
local aid to ranking, never the national desil.

Every component is a Django expression over the household of the queried row
(Household or Person, as in pilar.programs.rules), so the whole candidate list
is scored in one INSERT ... SELECT. Each enrollment stores
`priority_parts = {key: {"value": quantity, "points": points}}` and
`priority_total` = the sum of the points; `explain()` turns the parts into
Indonesian lines for the pages and the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Greatest

from pilar.programs.rules import Context, _years_before


@dataclass(frozen=True)
class Component:
    key: str
    label: str  # Indonesian, shown next to the points
    rule: str  # how the points are computed, in Indonesian
    value: Callable[[Context], Any]  # expression: the quantity
    # SQL for the points from the quantity `{v}` (our own text, never user input). Kept
    # out of the ORM so each quantity's subquery runs once per row, not once per use.
    points: str


def _int(expr) -> Any:
    return ExpressionWrapper(expr, output_field=IntegerField())


def _members(ctx: Context, where: Q) -> Any:
    from pilar.registry import choices as rc
    from pilar.registry.models import Person

    qs = (
        Person.objects.filter(
            household_id=OuterRef(ctx.hh_pk), is_active=True, life_status=rc.LifeStatus.ALIVE
        )
        .filter(where)
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(qs, output_field=IntegerField()), Value(0))


def _desil(ctx: Context) -> Any:
    return F(ctx.hh_path("desil"))


def _poverty(ctx: Context) -> Any:
    from pilar.assessments.models import PovertyAssessment

    latest = (
        PovertyAssessment.objects.latest_per_household()
        .filter(household_id=OuterRef(ctx.hh_pk))
        .values("criteria_met")[:1]
    )
    return Coalesce(Subquery(latest, output_field=IntegerField()), Value(0))


def _rtlh(ctx: Context) -> Any:
    from pilar.assessments.models import RtlhAssessment

    latest = (
        RtlhAssessment.objects.latest_per_household()
        .filter(household_id=OuterRef(ctx.hh_pk), is_rtlh=True)
        .annotate(n=Func(F("failed"), function="cardinality", output_field=IntegerField()))
        .values("n")[:1]
    )
    return Coalesce(Subquery(latest, output_field=IntegerField()), Value(0))


def _ppks(ctx: Context) -> Any:
    from pilar.ppks.choices import RecordStatus
    from pilar.ppks.models import PpksRecord

    qs = (
        PpksRecord.objects.filter(household_id=OuterRef(ctx.hh_pk), status=RecordStatus.ACTIVE)
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(qs, output_field=IntegerField()), Value(0))


def _elderly(ctx: Context) -> Any:
    return _members(ctx, Q(birth_date__lte=_years_before(ctx.reference_date, 60)))


def _children(ctx: Context) -> Any:
    return _members(ctx, Q(birth_date__gt=_years_before(ctx.reference_date, 18)))


def _disabled(ctx: Context) -> Any:
    return _members(ctx, Q(disabilities__len__gt=0))


def _waiting(ctx: Context) -> Any:
    # Calendar months since the household was registered (created_at), up to the
    # reference date: households known longer have waited longer.
    ref = ctx.reference_date
    created = F(ctx.hh_path("created_at"))
    months = Value(ref.year * 12 + ref.month) - (
        ExtractYear(created) * Value(12) + ExtractMonth(created)
    )
    return _int(Greatest(months, Value(0)))


COMPONENTS: tuple[Component, ...] = (
    Component(
        "desil",
        "Desil nasional",
        "desil 1 = 30 poin, tiap desil naik berkurang 3 poin; tanpa desil 0",
        _desil,
        "COALESCE(GREATEST(11 - {v}, 0) * 3, 0)",
    ),
    Component(
        "poverty",
        "Kriteria kemiskinan BPS terpenuhi",
        "2 poin per kriteria (asesmen kemiskinan terakhir)",
        _poverty,
        "({v}) * 2",
    ),
    Component(
        "rtlh",
        "Kriteria RTLH tidak terpenuhi",
        "5 poin per kriteria gagal (asesmen RTLH terakhir)",
        _rtlh,
        "({v}) * 5",
    ),
    Component(
        "ppks",
        "Data PPKS aktif di keluarga",
        "4 poin per data PPKS aktif, paling banyak 20",
        _ppks,
        "LEAST(({v}) * 4, 20)",
    ),
    Component(
        "elderly",
        "Anggota lanjut usia (≥ 60 tahun)",
        "3 poin per orang",
        _elderly,
        "({v}) * 3",
    ),
    Component(
        "disabled",
        "Anggota penyandang disabilitas",
        "4 poin per orang",
        _disabled,
        "({v}) * 4",
    ),
    Component(
        "children",
        "Anggota anak (< 18 tahun)",
        "2 poin per anak, paling banyak 10",
        _children,
        "LEAST(({v}) * 2, 10)",
    ),
    Component(
        "waiting",
        "Lama terdaftar (bulan)",
        "1 poin per bulan sejak keluarga terdaftar, paling banyak 24",
        _waiting,
        "LEAST({v}, 24)",
    ),
)

BY_KEY = {c.key: c for c in COMPONENTS}


def score_annotations(ctx: Context) -> dict[str, Any]:
    """{"pv_<key>": quantity} for every component (points: `parts_sql`)."""
    return {f"pv_{c.key}": c.value(ctx) for c in COMPONENTS}


def parts_sql(alias: str) -> tuple[str, str]:
    """SQL (over the columns of `score_annotations()` in subquery `alias`) for the parts
    JSON and the total. Keys are ours, never user text."""
    points = {c.key: c.points.format(v=f"{alias}.pv_{c.key}") for c in COMPONENTS}
    pieces = ", ".join(
        f"'{c.key}', jsonb_build_object('value', {alias}.pv_{c.key}, 'points', {points[c.key]})"
        for c in COMPONENTS
    )
    total = " + ".join(f"({points[c.key]})" for c in COMPONENTS)
    return f"jsonb_build_object({pieces})", f"({total})"


def explain(parts: dict | None) -> list[dict]:
    """The stored parts as lines, in the components' order, largest contributions
    visible first on the page by the caller if it wants; zero lines are kept so
    the reader sees what was considered."""
    parts = parts or {}
    lines = []
    for c in COMPONENTS:
        got = parts.get(c.key) or {}
        lines.append(
            {
                "key": c.key,
                "label": c.label,
                "rule": c.rule,
                "value": got.get("value"),
                "points": got.get("points") or 0,
            }
        )
    return lines


def as_text(parts: dict | None) -> str:
    """'Desil nasional: 2 → 27 poin; ...' (non-zero parts), for exports and tooltips."""
    return "; ".join(
        f"{line['label']}: {line['value']} → {line['points']} poin"
        for line in explain(parts)
        if line["points"]
    )
