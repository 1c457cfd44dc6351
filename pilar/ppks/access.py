"""Who may see PPKS records of restricted health types (ODHA, NAPZA)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def may_see_health_data(user: User | None) -> bool:
    return bool(getattr(user, "can_see_health_data", False))


def hidden_type_ids(user: User | None) -> list[int]:
    """Ids of the PPKS types whose records `user` may not see."""
    from pilar.ppks.models import PpksType  # models -> querysets -> this module: a cycle

    if may_see_health_data(user):
        return []
    return list(PpksType.objects.filter(is_restricted=True).values_list("pk", flat=True))
