"""Demo reports for `pilar demo`: a few reports of the first kelurahan at each
step of the chain, made through the actions, so the inboxes and the review page
have something to show."""

from __future__ import annotations

import datetime
import uuid

from django.db.models import Count

from pilar.accounts.models import User
from pilar.core.dates import today
from pilar.demo.users import psm_username, tksk_username
from pilar.regions.deployment import villages
from pilar.regions.models import Village
from pilar.registry.models import Household
from pilar.submissions import actions
from pilar.submissions.models import Submission


def _data(kind: str, payload: dict, household=None, days_ago: int = 1) -> dict:
    return {
        "client_id": uuid.uuid4(),
        "kind": kind,
        "household_id": household.pk if household is not None else None,
        "payload": payload,
        "base": {},
        "visit_date": today() - datetime.timedelta(days=days_ago),
        "latitude": None,
        "longitude": None,
        "gps_accuracy_m": None,
        "notes": "Data demo.",
        "photos": [],
        "submit": True,
    }


SURVEY = {
    "house_ownership": "milik_sendiri",
    "land_status": "milik_sendiri",
    "floor_material": "tanah",
    "floor_condition": "rusak_berat",
    "wall_material": "anyaman_bambu",
    "wall_condition": "rusak_berat",
    "roof_material": "seng",
    "roof_condition": "rusak_ringan",
    "floor_area_m2": "21",
    "occupants": 5,
    "water_source": "sumur_tak_terlindung",
    "lighting_source": "pln_tanpa_meteran",
    "toilet": "tidak_ada",
    "cooking_fuel": "kayu_bakar",
}


def seed_demo_reports() -> int:
    """Returns how many reports were created (none if any report exists)."""

    if Submission.objects.exists():
        return 0
    # The kelurahan with the most households (a small demo has a few per kelurahan).
    busiest = (
        Household.objects.filter(is_active=True, village__in=villages())
        .values("village_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "village_id")
        .first()
    )
    if busiest is None:
        return 0
    village = Village.objects.get(pk=busiest["village_id"])
    psm = User.objects.filter(username=psm_username(village.code)).first()
    tksk = User.objects.filter(username=tksk_username(village.district_id)).first()
    dinsos = User.objects.filter(username="dinsos").first()
    households = list(Household.objects.filter(village=village, is_active=True).order_by("pk")[:5])
    if psm is None or tksk is None or dinsos is None or len(households) < 5:
        return 0
    made = []

    def create(data):
        report, _ = actions.create_submission(acting_user=psm, data=data)
        made.append(report)
        return report

    create(
        _data(
            "perubahan",
            {"household": {"rt": "7", "address": households[0].address + " (belakang masjid)"}},
            households[0],
            9,
        )
    )
    create(_data("survei_rumah", SURVEY, households[1], 3))
    returned = create(_data("perubahan", {"household": {"rw": "4"}}, households[2], 12))
    actions.return_submission(
        returned,
        acting_user=tksk,
        field_reasons={"household.rw": "RW tidak sesuai KK, mohon dicek ulang."},
    )
    verified = create(_data("survei_rumah", SURVEY, households[3], 5))
    actions.verify_submission(verified, acting_user=tksk, note="Sesuai kunjungan ulang.")
    validated = create(_data("perubahan", {"household": {"rt": "3"}}, households[4], 20))
    actions.verify_submission(validated, acting_user=tksk)
    actions.validate_submission(validated, acting_user=dinsos)
    return len(made)
