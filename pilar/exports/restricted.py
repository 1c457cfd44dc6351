"""Bulk exports leave out persons whose processing is restricted (UU 27/2022 art. 11;
decision 43): a person row of a restricted person; a household row, and a
household-level PPKS row, when the household's head is restricted (the row names
them). The number left out is logged with the export, sent as a header and shown to
the user by pilar.core.withheld ("N individu dibatasi pemrosesannya tidak
diekspor")."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pilar.registry.restriction import restricted_head_exists, unrestricted_persons_q


def persons(qs: QuerySet) -> tuple[QuerySet, int]:
    left_out = qs.filter(~unrestricted_persons_q()).count()
    return (qs.filter(unrestricted_persons_q()) if left_out else qs), left_out


def households(qs: QuerySet, household_ref: str = "pk") -> tuple[QuerySet, int]:
    """Rows naming a household (`household_ref` from the row) whose head is
    restricted."""
    restricted = restricted_head_exists(household_ref)
    left_out = qs.filter(restricted).count()
    return (qs.filter(~restricted) if left_out else qs), left_out


def ppks_records(qs: QuerySet, prefix: str = "") -> tuple[QuerySet, int]:
    """Records of a restricted person, and household-level records of a household
    whose head is restricted; counted as distinct persons. `prefix` reaches the
    record from another model ("record__" for cases)."""
    head = restricted_head_exists(f"{prefix}household_id")
    blocked = Q(**{f"{prefix}person__processing_restricted_since__isnull": False}) | (
        Q(**{f"{prefix}person__isnull": True}) & head
    )
    excluded = qs.filter(blocked)
    own = (
        excluded.filter(**{f"{prefix}person__isnull": False})
        .values(f"{prefix}person_id")
        .distinct()
        .count()
    )
    heads = (
        excluded.filter(**{f"{prefix}person__isnull": True})
        .values(f"{prefix}household_id")
        .distinct()
        .count()
    )
    left_out = own + heads
    return (qs.filter(~blocked) if left_out else qs), left_out


def cases(qs: QuerySet) -> tuple[QuerySet, int]:
    """Cases about a restricted person (through their PPKS record)."""
    return ppks_records(qs, prefix="record__")


def pairs(qs: QuerySet) -> tuple[QuerySet, int]:
    """Duplicate-pair rows naming a restricted person on either side; counted as
    distinct persons."""
    a = ~unrestricted_persons_q("person_a__")
    b = ~unrestricted_persons_q("person_b__")
    excluded = qs.filter(a | b)
    ids = set(excluded.filter(a).values_list("person_a_id", flat=True)) | set(
        excluded.filter(b).values_list("person_b_id", flat=True)
    )
    return (qs.exclude(a | b) if ids else qs), len(ids)


def rows(items: list, *, flag: str = "restricted") -> tuple[list, int]:
    """Rows already read (each with a `restricted` flag set by the caller)."""
    kept = [r for r in items if not getattr(r, flag, False)]
    return kept, len(items) - len(kept)
