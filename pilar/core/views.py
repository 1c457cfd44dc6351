"""The start page: real figures for the user's area, and the error pages."""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import render

from pilar.core.failures import Failure, classify
from pilar.core.middleware import API_PREFIX, MESSAGES, failure_response
from pilar.ppks.choices import RecordStatus
from pilar.ppks.models import PpksRecord, PpksType
from pilar.registry.choices import LifeStatus
from pilar.registry.models import Household, Person

MSG_BAD_REQUEST = "Permintaan tidak dapat diproses."
MSG_FORBIDDEN = "Anda tidak memiliki akses ke halaman ini."
MSG_NOT_FOUND = "Halaman atau data tidak ditemukan."
MSG_SERVER = "Terjadi kesalahan pada server. Kejadian ini sudah dicatat."


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


# Error handlers (pilar/urls.py) ---------------------------------------------------------


def bad_request(request, exception=None):
    """handler400: an unreadable multipart body stays 400, an oversized one (or too many
    fields) is 413; JSON under /api/, an Indonesian page elsewhere."""
    failure = classify(exception) or Failure(400, MSG_BAD_REQUEST)
    return failure_response(request, failure)


def permission_denied(request, exception=None):
    # The views' own reasons ("you cannot verify your own report") are Indonesian.
    return failure_response(request, Failure(403, str(exception or "") or MSG_FORBIDDEN))


def page_not_found(request, exception=None):
    api = request.path.startswith(API_PREFIX)
    return failure_response(request, Failure(404, MESSAGES[404] if api else MSG_NOT_FOUND))


def server_error(request):
    """handler500. Django calls it inside its `except`, so the exception is at hand: a
    lost database (raised by a middleware before any view) is a 503 with Retry-After."""
    failure = classify(sys.exc_info()[1]) or Failure(500, MSG_SERVER)
    return failure_response(request, failure)
