from __future__ import annotations

from typing import TYPE_CHECKING

from pilar.accounts.scope import Action, ScopedQuerySet
from pilar.ppks.access import may_see_health_data

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


class PpksRecordQuerySet(ScopedQuerySet):
    village_path = "household__village"

    def restrict(self, user: User, action: Action = "view"):
        """Area scope, and records of restricted health types (ODHA, NAPZA: UU PDP
        specific data) only for Dinas Sosial staff and admins."""
        qs = super().restrict(user, action)

        if not may_see_health_data(user):
            qs = qs.exclude(ppks_type__is_restricted=True)
        return qs
