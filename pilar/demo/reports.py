"""Demo reports for `pilar demo`: reports at each step of the chain in the kelurahan
and kecamatan of the README's PSM and TKSK logins, made through the actions, so the
inboxes and the review page have something to show to the logins a new user tries."""

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


def _chain(psm: User, tksk: User, dinsos: User, households: list[Household]) -> list:
    """One PSM's reports at every step: a draft, two waiting for the TKSK, one returned
    with a reason per field, one verified (waiting for Dinas Sosial), one validated,
    one rejected. With fewer than 7 households some get two reports."""
    made = []
    households = [households[i % len(households)] for i in range(7)]

    def create(data):
        report, _ = actions.create_submission(acting_user=psm, data=data)
        made.append(report)
        return report

    draft = _data("perubahan", {"household": {"rt": "2"}}, households[6], 1)
    draft["submit"] = False
    create(draft)
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
    rejected = create(_data("perubahan", {"household": {"rw": "9"}}, households[5], 15))
    actions.verify_submission(rejected, acting_user=tksk)
    actions.reject_submission(
        rejected, acting_user=dinsos, reason="Keluarga sudah pindah; ajukan laporan pindah."
    )
    return made


def seed_demo_reports(per_psm_villages: int = 3) -> int:
    """Reports at every step in the kelurahan of the README's PSM login
    (psm-<first kelurahan>) and in two more kelurahan of the same kecamatan, so the
    TKSK login of that kecamatan (tksk-<its code>) has an inbox from several PSM.
    Returns how many reports were created (none if any report exists)."""

    if Submission.objects.exists():
        return 0
    first = villages().first()
    if first is None:
        return 0
    tksk = User.objects.filter(username=tksk_username(first.district_id)).first()
    dinsos = User.objects.filter(username="dinsos").first()
    if tksk is None or dinsos is None:
        return 0
    # The README's kelurahan first, then the busiest others of its kecamatan.
    others = (
        Household.objects.filter(is_active=True, village__district_id=first.district_id)
        .exclude(village_id=first.code)
        .values("village_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "village_id")
    )
    codes = [first.code] + [row["village_id"] for row in others[: per_psm_villages - 1]]
    made = []
    for code in codes:
        village = Village.objects.get(pk=code)
        psm = User.objects.filter(username=psm_username(village.code)).first()
        households = list(
            Household.objects.filter(village=village, is_active=True).order_by("pk")[:7]
        )
        if psm is None or len(households) < 3:
            continue
        made += _chain(psm, tksk, dinsos, households)
    return len(made)
