"""One filter definition per list, used by the page, the API and the exports, so
what a user sees is what they download.

The PPKS-type filter reaches PPKS records through the reverse relation that
pilar.ppks declares on Household and Person (`ppks_records`): the registry sits
below the PPKS app and names none of its modules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, QuerySet

from pilar.accounts.scope import Action
from pilar.core.filtering import FilterMixin, area_params, filter_area, int_or_none
from pilar.registry.choices import LifeStatus
from pilar.registry.models import Household, Person
from pilar.registry.search import search_households, search_persons

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


@dataclass
class HouseholdFilter(FilterMixin):
    q: str = ""
    kecamatan: str = ""  # district code, e.g. 36.71.01
    kelurahan: str = ""  # village code, e.g. 36.71.01.1001
    ppks_type: int | None = None  # PPKS number 1-26: households with an active record
    life_status: str = ""  # households with a member of this life status

    @classmethod
    def from_params(cls, params: Mapping) -> HouseholdFilter:
        life_status = str(params.get("life_status") or "")
        return cls(
            q=str(params.get("q") or params.get("search") or "").strip()[:100],
            **area_params(params),
            ppks_type=int_or_none(params.get("ppks_type")),
            life_status=life_status if life_status in LifeStatus.values else "",
        )

    def apply(self, qs: QuerySet[Household]) -> QuerySet[Household]:
        qs = filter_area(qs, "village", self.kecamatan, self.kelurahan)
        if self.ppks_type:
            qs = qs.filter(
                Exists(
                    _ppks_records().filter(
                        household_id=OuterRef("pk"),
                        ppks_type__number=self.ppks_type,
                        status="aktif",
                    )
                )
            )
        if self.life_status:
            qs = qs.filter(
                Exists(
                    Person.objects.filter(
                        household_id=OuterRef("pk"), life_status=self.life_status, is_active=True
                    )
                )
            )
        if self.q:
            qs = search_households(qs, self.q)
        return qs


def _ppks_records() -> QuerySet:
    """All PPKS records (the model behind Household.ppks_records)."""
    return Household._meta.get_field("ppks_records").related_model._default_manager.all()


def _hides_ppks_type(user: User, number: int | None) -> bool:
    """Filtering by a restricted health type would reveal who has it."""
    if not number or getattr(user, "can_see_health_data", False):
        return False
    types = _ppks_records().model._meta.get_field("ppks_type").related_model._default_manager
    return types.filter(number=number, is_restricted=True).exists()


def households_for(
    user: User, flt: HouseholdFilter, action: Action = "view"
) -> QuerySet[Household]:
    """The household list a user sees: scoped, filtered, newest first (a name search:
    the closest names first)."""
    qs = Household.objects.restrict(user, action).filter(is_active=True)
    if _hides_ppks_type(user, flt.ppks_type):
        qs = qs.none()
    qs = flt.apply(qs).select_related("village__district")
    # A search ranks the closest names first (search_households' relevance).
    return qs.order_by(F("relevance").desc(), "-id") if flt.q else qs.order_by("-id")


@dataclass
class PersonFilter(FilterMixin):
    q: str = ""
    nik: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    life_status: str = ""
    ppks_type: int | None = None

    @classmethod
    def from_params(cls, params: Mapping) -> PersonFilter:
        life_status = str(params.get("life_status") or "")
        return cls(
            q=str(params.get("q") or params.get("search") or "").strip()[:100],
            nik="".join(ch for ch in str(params.get("nik") or "") if ch.isdigit())[:16],
            **area_params(params),
            life_status=life_status if life_status in LifeStatus.values else "",
            ppks_type=int_or_none(params.get("ppks_type")),
        )

    def apply(self, qs: QuerySet[Person]) -> QuerySet[Person]:
        if self.nik:
            qs = qs.filter(nik=self.nik)
        qs = filter_area(qs, "household__village", self.kecamatan, self.kelurahan)
        if self.life_status:
            qs = qs.filter(life_status=self.life_status)
        if self.ppks_type:
            qs = qs.filter(
                Exists(
                    _ppks_records().filter(
                        person_id=OuterRef("pk"), ppks_type__number=self.ppks_type, status="aktif"
                    )
                )
            )
        if self.q:
            return search_persons(qs, self.q)
        return qs.order_by("-id")


def persons_for(user: User, flt: PersonFilter, action: Action = "view") -> QuerySet[Person]:
    qs = Person.objects.restrict(user, action).filter(is_active=True)
    if _hides_ppks_type(user, flt.ppks_type):
        qs = qs.none()
    return flt.apply(qs).select_related("household__village__district")
