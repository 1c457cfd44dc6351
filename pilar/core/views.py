"""The start page: real figures for the user's area."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import render

from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord, PpksType
from pilar.registry.choices import LifeStatus
from pilar.registry.models import Household, Person


@login_required
def home(request):
    user = request.user
    if not user.can_see_people:
        # API partners (mitra) get no person data on pages at all.
        return render(request, "core/home_api_only.html")

    households = Household.objects.restrict(user, "view").filter(is_active=True)
    persons = Person.objects.restrict(user, "view").filter(
        is_active=True, life_status=LifeStatus.ALIVE
    )
    per_type = dict(
        PpksRecord.objects.restrict(user, "view")
        .filter(status=RecordStatus.ACTIVE)
        .order_by()
        .values("ppks_type_id")
        .annotate(n=Count("id"))
        .values_list("ppks_type_id", "n")
    )
    ppks_rows = []
    for ppks_type in PpksType.objects.order_by("number"):
        # None: a restricted health type this user may not count (shown as "terbatas").
        hidden = ppks_type.is_restricted and not user.can_see_health_data
        ppks_rows.append((ppks_type, None if hidden else per_type.get(ppks_type.pk, 0)))

    by_district = None
    if user.is_city_wide:
        from pilar.regions.deployment import districts

        counts = dict(
            households.order_by()
            .values("village__district_id")
            .annotate(n=Count("id"))
            .values_list("village__district_id", "n")
        )
        by_district = [(d, counts.get(d.pk, 0)) for d in districts()]

    return render(
        request,
        "core/home.html",
        {
            "household_count": households.count(),
            "person_count": persons.count(),
            "ppks_total": sum(per_type.values()),
            "ppks_rows": ppks_rows,
            "by_district": by_district,
            # Fakir Miskin (PPKS 24) is the headline figure of a poverty programme.
            "poor_households": households.filter(
                Exists(
                    PpksRecord.objects.filter(
                        household_id=OuterRef("pk"),
                        status=RecordStatus.ACTIVE,
                        ppks_type__number=24,
                    )
                )
            ).count(),
        },
    )
