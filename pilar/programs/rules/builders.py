"""The builders of the field registry: each turns one validated condition (operator,
value) into a Q over Household or Person. Lookups and columns are chosen here; the
user's value only ever becomes a lookup parameter."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
)

from pilar.assessments import models as am
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord
from pilar.programs.choices import BenefitType, EnrollmentStatus
from pilar.programs.models import Enrollment
from pilar.programs.rules.vocabulary import Builder, Context
from pilar.registry import choices as rc
from pilar.registry.models import HousingSurvey, Person

# Comparison helpers -------------------------------------------------------------


def _cmp(path: str, op: str, value: Any) -> Q:
    """A comparison on a column (the path is ours, the value the user's)."""
    if op == "eq":
        return Q(**{path: value})
    if op == "ne":
        return ~Q(**{path: value})
    if op in ("lt", "lte", "gt", "gte"):
        return Q(**{f"{path}__{op}": value})
    if op == "between":
        return Q(**{f"{path}__gte": value[0], f"{path}__lte": value[1]})
    if op == "in":
        return Q(**{f"{path}__in": value})
    if op == "not_in":
        return ~Q(**{f"{path}__in": value})
    if op == "contains":
        return Q(**{f"{path}__icontains": value})
    raise AssertionError(op)  # validated before


_LOOKUPS = {
    "eq": Exact,
    "lt": LessThan,
    "lte": LessThanOrEqual,
    "gt": GreaterThan,
    "gte": GreaterThanOrEqual,
}


def _cmp_expr(expr, op: str, value: Any) -> Q:
    """A comparison on an expression (a count subquery)."""
    if op == "between":
        return Q(GreaterThanOrEqual(expr, value[0])) & Q(LessThanOrEqual(expr, value[1]))
    if op == "ne":
        return ~Q(Exact(expr, value))
    return Q(_LOOKUPS[op](expr, value))


def household_column(column: str) -> Builder:
    return lambda op, value, ctx: _cmp(ctx.hh_path(column), op, value)


def person_column(column: str) -> Builder:
    return lambda op, value, ctx: _cmp(column, op, value)


# Household fields ---------------------------------------------------------------


def area_kecamatan(op: str, value: Any, ctx: Context) -> Q:
    # Kemendagri codes are hierarchical: a kecamatan is a prefix of its kelurahan codes.
    codes = value if isinstance(value, list) else [value]
    q = Q()
    for code in codes:
        q |= Q(**{ctx.hh_path("village__code__startswith"): code + "."})
    return ~q if op in ("ne", "not_in") else q


def member_count(op: str, value: Any, ctx: Context) -> Q:
    members = (
        Person.objects.filter(
            household_id=OuterRef(ctx.hh_pk),
            is_active=True,
            life_status=rc.LifeStatus.ALIVE,
        )
        .order_by()
        .values("household_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return _cmp_expr(Coalesce(Subquery(members), Value(0)), op, value)


def _ppks_exists(values: list[int], ctx: Context, **where) -> Exists:
    records = PpksRecord.objects.filter(
        status=RecordStatus.ACTIVE, ppks_type__number__in=values, **where
    )
    if not ctx.health_data:
        records = records.exclude(ppks_type__is_restricted=True)
    return Exists(records)


def household_ppks(op: str, value: Any, ctx: Context) -> Q:
    q = Q(_ppks_exists(value, ctx, household_id=OuterRef(ctx.hh_pk)))
    return ~q if op == "not_in" else q


def person_ppks(op: str, value: Any, ctx: Context) -> Q:
    q = Q(_ppks_exists(value, ctx, person_id=OuterRef("pk")))
    return ~q if op == "not_in" else q


def _latest(model, ctx: Context):
    """Rows of `model` (dated per household) that are their household's latest,
    correlated with the queried household."""
    if model is HousingSurvey:
        newer = HousingSurvey.objects.filter(household_id=OuterRef("household_id")).filter(
            Q(surveyed_on__gt=OuterRef("surveyed_on"))
            | Q(surveyed_on=OuterRef("surveyed_on"), pk__gt=OuterRef("pk"))
        )
        return HousingSurvey.objects.filter(household_id=OuterRef(ctx.hh_pk)).filter(~Exists(newer))
    return model.objects.latest_per_household().filter(household_id=OuterRef(ctx.hh_pk))


def survey_column(column: str) -> Builder:
    def build(op: str, value: Any, ctx: Context) -> Q:
        return Q(Exists(_latest(HousingSurvey, ctx).filter(_cmp(column, op, value))))

    return build


def area_per_person(op: str, value: Any, ctx: Context) -> Q:
    latest = _latest(HousingSurvey, ctx).annotate(
        per_person=F("floor_area_m2") * Value(Decimal("1.0")) / F("occupants")
    )
    return Q(Exists(latest.filter(_cmp("per_person", op, value))))


def assessment_column(model_name: str, column: str) -> Builder:
    def build(op: str, value: Any, ctx: Context) -> Q:
        model = getattr(am, model_name)
        if op == "is":
            return Q(Exists(_latest(model, ctx).filter(**{column: value})))
        return Q(Exists(_latest(model, ctx).filter(_cmp(column, op, value))))

    return build


def renovated_before(op: str, value: Any, ctx: Context) -> Q:
    """A house renovation program's benefit was delivered to the household before
    (any program, any period): Bedah Rumah's "no similar aid before"."""
    q = Q(
        Exists(
            Enrollment.objects.filter(
                household_id=OuterRef(ctx.hh_pk),
                status__in=[EnrollmentStatus.DELIVERED, EnrollmentStatus.COMPLETED],
                program__benefit_type=BenefitType.HOUSE_RENOVATION,
            )
        )
    )
    return q if value else ~q


# Person fields ------------------------------------------------------------------


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age(op: str, value: Any, ctx: Context) -> Q:
    """Age in whole years on the reference date, as a range on birth_date (so the
    condition can use an index and needs no per-row computation)."""
    ref = ctx.reference_date

    def at_least(n: int) -> Q:  # age >= n  <=>  born on or before ref - n years
        return Q(birth_date__lte=years_before(ref, n))

    def at_most(n: int) -> Q:  # age <= n  <=>  born after ref - (n + 1) years
        return Q(birth_date__gt=years_before(ref, n + 1))

    if op == "eq":
        return at_least(value) & at_most(value)
    if op == "gte":
        return at_least(value)
    if op == "gt":
        return at_least(value + 1)
    if op == "lte":
        return at_most(value)
    if op == "lt":
        return at_most(value - 1) if value > 0 else Q(pk__in=[])
    if op == "between":
        return at_least(value[0]) & at_most(value[1])
    raise AssertionError(op)


def disabilities(op: str, value: Any, ctx: Context) -> Q:
    q = Q(disabilities__overlap=value)
    return ~q if op == "not_in" else q
