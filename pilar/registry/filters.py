"""One filter definition per list, used by the page, the API and the exports, so
what a user sees is what they download.

The PPKS-type filter reaches PPKS records through the reverse relation that
pilar.ppks declares on Household and Person (`ppks_records`): the registry sits
below the PPKS app and names none of its modules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from pilar.accounts.scope import Action
from pilar.core.filtering import FilterMixin, area_params, filter_area, int_or_none
from pilar.registry.choices import LifeStatus
from pilar.registry.models import Household, HousingSurvey, Person
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
    # The lists behind the dashboard's figures (pilar.figures): desil "1-4" or "1".."10";
    # current assessment "miskin" (BPS 14 criteria) / "rtlh", or "belum_dikunjungi"
    # (no housing survey, no field report with a visit date); a living member without NIK.
    desil: str = ""
    asesmen: str = ""
    tanpa_nik: str = ""  # "1": households with a living member without NIK

    @classmethod
    def from_params(cls, params: Mapping) -> HouseholdFilter:
        life_status = str(params.get("life_status") or "")
        desil = str(params.get("desil") or "").strip()
        asesmen = str(params.get("asesmen") or "").strip()
        return cls(
            q=str(params.get("q") or params.get("search") or "").strip()[:100],
            **area_params(params),
            ppks_type=int_or_none(params.get("ppks_type")),
            life_status=life_status if life_status in LifeStatus.values else "",
            desil=desil if desil in DESIL_CHOICES else "",
            asesmen=asesmen if asesmen in ASSESSMENT_CHOICES else "",
            tanpa_nik="1" if str(params.get("tanpa_nik") or "") in TRUE_VALUES else "",
        )

    @property
    def dashboard_labels(self) -> list[str]:
        """The dashboard-only filters in words (shown above the list)."""
        labels = []
        if self.desil:
            labels.append(f"desil {self.desil.replace('-', '–')}")
        if self.asesmen:
            labels.append(ASSESSMENT_CHOICES[self.asesmen])
        if self.tanpa_nik:
            labels.append("ada anggota tanpa NIK")
        return labels

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
        if self.desil:
            low, _, high = self.desil.partition("-")
            qs = qs.filter(desil__gte=int(low), desil__lte=int(high or low))
        if self.asesmen == "miskin":
            qs = qs.alias(latest_poor=_latest("poverty_assessments", "is_poor")).filter(
                latest_poor=True
            )
        elif self.asesmen == "rtlh":
            qs = qs.alias(latest_rtlh=_latest("rtlh_assessments", "is_rtlh")).filter(
                latest_rtlh=True
            )
        elif self.asesmen == "belum_dikunjungi":
            reports = Household.submissions.rel.related_model.objects  # type: ignore[attr-defined]
            qs = qs.filter(
                ~Exists(HousingSurvey.objects.filter(household_id=OuterRef("pk"))),
                ~Exists(
                    reports.filter(household_id=OuterRef("pk"), visit_date__isnull=False).exclude(
                        status="draf"
                    )
                ),
            )
        if self.tanpa_nik:
            qs = qs.filter(
                Exists(
                    Person.objects.filter(
                        household_id=OuterRef("pk"),
                        is_active=True,
                        life_status=LifeStatus.ALIVE,
                        nik__isnull=True,
                    )
                )
            )
        if self.q:
            qs = search_households(qs, self.q)
        return qs


TRUE_VALUES = ("1", "ya", "on", "true")
DESIL_CHOICES = {"1-4", *(str(d) for d in range(1, 11))}
ASSESSMENT_CHOICES = {
    "miskin": "miskin menurut asesmen 14 kriteria BPS terakhir",
    "rtlh": "RTLH menurut asesmen rumah terakhir",
    "belum_dikunjungi": "belum pernah dikunjungi",
}


def _latest(relation: str, flag: str) -> Subquery:
    """A household's current assessment's `flag`, through the reverse relation
    pilar.assessments declares (`poverty_assessments`, `rtlh_assessments`)."""
    model = getattr(Household, relation).rel.related_model
    return Subquery(
        model.objects.filter(household_id=OuterRef("pk"))
        .order_by("-assessed_on", "-id")
        .values(flag)[:1]
    )


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
    """The household list a user sees: scoped, filtered, newest first."""
    qs = Household.objects.restrict(user, action).filter(is_active=True)
    if _hides_ppks_type(user, flt.ppks_type):
        qs = qs.none()
    return flt.apply(qs).select_related("village__district").order_by("-id")


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
