"""The overdue list: households whose current poverty or RTLH assessment is past
its re-assessment date. One filter definition for the page, the API and the export."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Q, QuerySet, Subquery

from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.core.filtering import FilterMixin, area_params, filter_area
from pilar.registry.choices import Relation
from pilar.registry.models import Household, Person

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User

KINDS = {"kemiskinan": "Asesmen kemiskinan", "rtlh": "Asesmen RTLH"}


@dataclass
class OverdueFilter(FilterMixin):
    kecamatan: str = ""
    kelurahan: str = ""
    jenis: str = ""  # "kemiskinan" / "rtlh" / "" (either)

    @classmethod
    def from_params(cls, params: Mapping) -> OverdueFilter:
        jenis = str(params.get("jenis") or "")
        return cls(jenis=jenis if jenis in KINDS else "", **area_params(params))


def _latest(model, field: str):
    """A subquery reading `field` of the household's current assessment."""
    return Subquery(
        model.objects.filter(household_id=OuterRef("pk"))
        .order_by("-assessed_on", "-id")
        .values(field)[:1]
    )


def with_latest(qs: QuerySet[Household]) -> QuerySet[Household]:
    """Annotates the current poverty and RTLH results and the head's name (for one
    page or a streamed export: subqueries on the (household, assessed_on) index)."""
    head_name = Person.objects.filter(
        household_id=OuterRef("pk"), relation=Relation.HEAD, is_active=True
    ).order_by("life_status", "id")
    return qs.annotate(
        head_name=Subquery(head_name.values("name")[:1]),
        poverty_on=_latest(PovertyAssessment, "assessed_on"),
        poverty_due=_latest(PovertyAssessment, "due_on"),
        poverty_met=_latest(PovertyAssessment, "criteria_met"),
        poverty_poor=_latest(PovertyAssessment, "is_poor"),
        rtlh_on=_latest(RtlhAssessment, "assessed_on"),
        rtlh_due=_latest(RtlhAssessment, "due_on"),
        rtlh_is=_latest(RtlhAssessment, "is_rtlh"),
    )


def overdue_households_for(
    user: User, flt: OverdueFilter, on: datetime.date
) -> QuerySet[Household]:
    """Active households in the user's area whose current assessment (of the chosen
    kind, or either) is due before `on`, most overdue first."""
    poverty = PovertyAssessment.objects.overdue(on).values("household_id")
    rtlh = RtlhAssessment.objects.overdue(on).values("household_id")
    if flt.jenis == "kemiskinan":
        cond = Q(pk__in=poverty)
    elif flt.jenis == "rtlh":
        cond = Q(pk__in=rtlh)
    else:
        cond = Q(pk__in=poverty) | Q(pk__in=rtlh)
    qs = Household.objects.restrict(user, "view").filter(cond, is_active=True)
    qs = filter_area(qs, "village", flt.kecamatan, flt.kelurahan)
    qs = with_latest(qs).select_related("village__district")
    return qs.order_by("village__district_id", "village_id", "pk")
