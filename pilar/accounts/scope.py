"""Area scoping: which rows of people's data a user may see or change.

Every model holding people's data has a queryset with `.restrict(user, action)`
built on `area_q`. Out-of-scope rows are simply absent, so views answer 404
for "missing" and "not yours" alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.db.models import Q, QuerySet

from pilar.accounts.choices import CITY_ROLES, EDITOR_ROLES, PERSON_DATA_ROLES, Role
from pilar.regions.models import Village

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

Action = Literal["view", "change"]

NOTHING = Q(pk__in=[])


def area_q(user: User, village_path: str, action: Action = "view") -> Q:
    """Q limiting rows whose kelurahan is at `village_path` (e.g. "household__village");
    an empty path means the rows are villages themselves."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    role = user.role
    allowed = EDITOR_ROLES if action == "change" else PERSON_DATA_ROLES
    if role not in allowed:
        return NOTHING

    def path(suffix: str) -> str:
        return f"{village_path}__{suffix}" if village_path else suffix

    # Kemendagri codes are hierarchical (36.71.01.1001): a prefix on the kelurahan code
    # scopes without joining village/district, so the planner estimates rows correctly
    # (the join made it scan all households first; see benchmarks/RESULTS.md).
    if role in CITY_ROLES:
        return Q(**{path("code__startswith"): settings.PILAR_REGION + "."})
    if role == Role.TKSK and user.district_id:
        return Q(**{path("code__startswith"): user.district_id + "."})
    if role == Role.PSM and user.village_id:
        return Q(**{(f"{village_path}_id" if village_path else "pk"): user.village_id})
    return NOTHING


def villages_for(user: User, action: Action = "view") -> QuerySet:
    """The kelurahan `user` may see (or write into)."""

    return Village.objects.filter(area_q(user, "", action)).select_related("district")


def area_options(user: User, kecamatan: str = "") -> tuple[list, list]:
    """The kecamatan and kelurahan choices of a list's area filter: every kecamatan
    in `user`'s area, and its kelurahan (only those of `kecamatan` when one is chosen)."""
    villages = list(villages_for(user).order_by("district__name", "name"))
    districts = sorted({v.district_id: v.district for v in villages}.values(), key=lambda d: d.name)
    if kecamatan:
        villages = [v for v in villages if v.district_id == kecamatan]
    return districts, villages


def village_allowed(user: User, village, action: Action = "change") -> bool:
    """Whether `user` may place a record in `village` (checked before every write)."""
    if village is None:
        return False
    village_id = getattr(village, "pk", village)
    return villages_for(user, action).filter(pk=village_id).exists()


class ScopedQuerySet(QuerySet):
    """Base queryset for models holding people's data."""

    village_path: str = "village"

    def restrict(self, user: User, action: Action = "view"):
        return self.filter(area_q(user, self.village_path, action))
