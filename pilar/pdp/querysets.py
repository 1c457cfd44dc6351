"""Scoping of the data-protection registers.

Only the roles that answer for the personal data law (Dinas Sosial, admin: PDP_ROLES)
see them at all; a request about a person is further limited to the user's area, so
a person outside the deployment region is a 404 like a missing request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from pilar.accounts.choices import Role
from pilar.accounts.scope import NOTHING, Action, ScopedQuerySet, area_q

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

# Who keeps the registers of UU 27/2022 (requests, breaches, DPIA, RoPA, retention).
PDP_ROLES = {Role.ADMIN, Role.DINSOS}


def may_manage(user: User | None) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in PDP_ROLES
    )


class SubjectRequestQuerySet(ScopedQuerySet):
    village_path = "person__household__village"

    def restrict(self, user: User, action: Action = "view"):
        if not may_manage(user):
            return self.filter(NOTHING)
        # A request from someone not (yet) found in the registry has no person.
        return self.filter(area_q(user, self.village_path, action) | Q(person__isnull=True))


class RegisterQuerySet(ScopedQuerySet):
    """Breaches and impact assessments: deployment-wide records, PDP roles only."""

    def restrict(self, user: User, action: Action = "view"):
        return self.all() if may_manage(user) else self.filter(NOTHING)
