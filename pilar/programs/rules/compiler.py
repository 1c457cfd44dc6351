"""A validated rule compiled into a Q, and applied to the rows a user may see."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from pilar.accounts.models import User
from pilar.core.dates import today
from pilar.ppks.access import may_see_health_data
from pilar.programs.choices import Level
from pilar.programs.rules.fields import FIELDS
from pilar.programs.rules.validation import validate_rule
from pilar.programs.rules.vocabulary import Context
from pilar.registry.models import Household, Person


def _build(node: dict, ctx: Context) -> Q:
    if "rules" in node:
        q = Q()
        for child in node["rules"]:
            part = _build(child, ctx)
            q = (q & part) if node["op"] == "and" else (q | part)
        if node["op"] == "or" and not node["rules"]:
            return Q()
        return q
    f = FIELDS[node["field"]]
    return f.build(node["operator"], node["value"], ctx)


def compile_rule(
    rule: Any,
    level: str,
    reference_date: datetime.date | None = None,
    *,
    health_data: bool = True,
) -> Q:
    """Validate `rule` and build its Q over Household (level keluarga) or Person.
    `health_data`: False leaves records of restricted health types out of PPKS
    conditions (see Context)."""
    normalized = validate_rule(rule, level)
    ctx = Context(level=level, reference_date=reference_date or today(), health_data=health_data)
    return _build(normalized, ctx)


def base_queryset(level: str, user: User) -> QuerySet:
    """The rows a rule is applied to: active households, or active persons of
    active households, within `user`'s area."""
    if level == Level.HOUSEHOLD:
        return Household.objects.restrict(user, "view").filter(is_active=True)
    return Person.objects.restrict(user, "view").filter(is_active=True, household__is_active=True)


def matching(
    rule: Any, level: str, user: User, reference_date: datetime.date | None = None
) -> QuerySet:
    """The queryset of what `rule` selects within `user`'s area, by what `user` may
    see: a PPKS condition on a restricted health type matches nothing for a role
    without health-data access (a preview would otherwise list who has it)."""
    q = compile_rule(rule, level, reference_date, health_data=may_see_health_data(user))
    return base_queryset(level, user).filter(q)
