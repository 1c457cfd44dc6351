"""The head of each household, by which the lists of programs (preview, candidates,
enrollments, beneficiaries) name a household-level row."""

from __future__ import annotations

from collections.abc import Iterable

from pilar.registry.choices import Relation
from pilar.registry.models import Person


def household_heads(household_ids: Iterable[int]) -> dict[int, Person]:
    """The active head of each household, in one query (only the name, NIK and
    whether their processing is restricted are read: exports call this for every
    row)."""
    return {
        p.household_id: p
        for p in Person.objects.filter(
            household_id__in=list(household_ids), relation=Relation.HEAD, is_active=True
        ).only("household_id", "name", "nik", "processing_restricted_since")
    }
