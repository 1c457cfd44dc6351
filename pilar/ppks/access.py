"""Who may see PPKS records of restricted health types (ODHA, NAPZA)."""

from __future__ import annotations


def may_see_health_data(user) -> bool:
    return bool(getattr(user, "can_see_health_data", False))


def hidden_type_ids(user) -> list[int]:
    """Ids of the PPKS types whose records `user` may not see."""
    from pilar.ppks.models import PpksType  # models -> querysets -> this module: a cycle

    if may_see_health_data(user):
        return []
    return list(PpksType.objects.filter(is_restricted=True).values_list("pk", flat=True))
