"""Per-household figures as subqueries, so a list or an export of any length is one
query: the head's name and the count of living members. The household list page, the
households API and the exports all annotate with these, so they agree."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from pilar.registry.choices import LifeStatus, Relation
from pilar.registry.models import Person


def head_name() -> Subquery:
    """The name of the household's head (a living one first)."""
    heads = Person.objects.filter(
        household_id=OuterRef("pk"), relation=Relation.HEAD, is_active=True
    ).order_by("life_status", "id")
    return Subquery(heads.values("name")[:1])


def member_count() -> Coalesce:
    """Active, living members (0 when none)."""
    counts = (
        Person.objects.filter(
            household_id=OuterRef("pk"), is_active=True, life_status=LifeStatus.ALIVE
        )
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))
