from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from pilar.accounts.scope import Action, ScopedQuerySet
from pilar.cases.choices import OPEN_STATUSES
from pilar.core.dates import today
from pilar.ppks.access import may_see_health_data

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


class CaseQuerySet(ScopedQuerySet):
    """Cases are scoped by their PPKS record's household area; cases of restricted
    health types (ODHA, NAPZA) only for roles that may see health data."""

    village_path = "record__household__village"

    def restrict(self, user: User, action: Action = "view"):
        qs = super().restrict(user, action)

        if not may_see_health_data(user):
            qs = qs.exclude(record__ppks_type__is_restricted=True)
        return qs

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, on=None):
        return self.open().filter(next_due__lt=on or today())


def overdue_q(on=None) -> Q:
    return Q(status__in=OPEN_STATUSES, next_due__lt=on or today())
