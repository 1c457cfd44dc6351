from pilar.accounts.choices import HEALTH_DATA_ROLES
from pilar.accounts.scope import Action, ScopedQuerySet


class PpksRecordQuerySet(ScopedQuerySet):
    village_path = "household__village"

    def restrict(self, user, action: Action = "view"):
        """Area scope, and records of restricted health types (ODHA, NAPZA: UU PDP
        specific data) only for Dinas Sosial staff and admins."""
        qs = super().restrict(user, action)
        if getattr(user, "role", None) not in HEALTH_DATA_ROLES:
            qs = qs.exclude(ppks_type__is_restricted=True)
        return qs
