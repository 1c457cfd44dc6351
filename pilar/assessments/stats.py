"""Summary figures per kecamatan for the assessments page: one grouped query."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.registry.models import Household

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def summary_by_district(user: User, on: datetime.date) -> list[dict]:
    """Per kecamatan in the user's area: active households, those assessed, poor and
    RTLH by their current assessment, overdue (either kind), and, apart, households
    in national desil 1-4 as received. One GROUP BY over households; the assessment
    sets are hashed sub-plans."""
    poverty = PovertyAssessment.objects.latest_per_household()
    rtlh = RtlhAssessment.objects.latest_per_household()
    poor_ids = poverty.filter(is_poor=True).values("household_id")
    rtlh_ids = rtlh.filter(is_rtlh=True).values("household_id")
    assessed_ids = PovertyAssessment.objects.values("household_id")
    rtlh_assessed_ids = RtlhAssessment.objects.values("household_id")
    overdue = Q(pk__in=PovertyAssessment.objects.overdue(on).values("household_id")) | Q(
        pk__in=RtlhAssessment.objects.overdue(on).values("household_id")
    )
    rows = (
        Household.objects.restrict(user, "view")
        .filter(is_active=True)
        .values("village__district_id", "village__district__name")
        .annotate(
            households=Count("pk"),
            poverty_assessed=Count("pk", filter=Q(pk__in=assessed_ids)),
            poor=Count("pk", filter=Q(pk__in=poor_ids)),
            rtlh_assessed=Count("pk", filter=Q(pk__in=rtlh_assessed_ids)),
            rtlh=Count("pk", filter=Q(pk__in=rtlh_ids)),
            overdue=Count("pk", filter=overdue),
            desil_1_4=Count("pk", filter=Q(desil__lte=4)),
        )
        .order_by("village__district__name")
    )
    return [
        {
            "kecamatan": r["village__district_id"],
            "name": r["village__district__name"],
            **{
                k: r[k]
                for k in (
                    "households",
                    "poverty_assessed",
                    "poor",
                    "rtlh_assessed",
                    "rtlh",
                    "overdue",
                    "desil_1_4",
                )
            },
        }
        for r in rows
    ]


def totals(rows: list[dict]) -> dict:
    keys = (
        "households",
        "poverty_assessed",
        "poor",
        "rtlh_assessed",
        "rtlh",
        "overdue",
        "desil_1_4",
    )
    return {k: sum(r[k] for r in rows) for k in keys}
