"""Demo data for the assessment pages: housing surveys and assessments for a share
of the seeded households, some past their due date. Used by `pilar demo` (when
wired) and by hand: `pilar shell -c "from pilar.demo.assessments import seed; seed()"`."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from pilar.accounts.models import User
from pilar.assessments import criteria as cr
from pilar.assessments.actions import create_poverty_assessment, create_rtlh_assessment
from pilar.assessments.models import PovertyAssessment
from pilar.core.dates import today
from pilar.registry.models import Household, HousingSurvey


def _survey(rng: random.Random, household: Household, on: datetime.date, poor: bool):
    def pick(good, bad):
        return rng.choice(bad) if poor and rng.random() < 0.6 else rng.choice(good)

    return HousingSurvey.objects.create(
        household=household,
        surveyed_on=on,
        house_ownership=household.house_ownership or "milik_sendiri",
        land_status=household.land_status or "milik_sendiri",
        floor_material=pick(["keramik_marmer", "ubin_tegel", "semen"], ["tanah", "kayu_murah"]),
        floor_condition=pick(["baik"], ["rusak_ringan", "rusak_berat"]),
        wall_material=pick(["tembok_plester"], ["tembok_tanpa_plester", "anyaman_bambu"]),
        wall_condition=pick(["baik", "rusak_ringan"], ["rusak_berat"]),
        roof_material=pick(["genteng", "beton"], ["seng", "asbes", "jerami_ijuk"]),
        roof_condition=pick(["baik"], ["rusak_ringan", "rusak_berat"]),
        floor_area_m2=Decimal(rng.randint(18, 30) if poor else rng.randint(36, 120)),
        occupants=rng.randint(2, 7),
        water_source=pick(["ledeng", "air_kemasan", "sumur_bor"], ["sumur_tak_terlindung"]),
        lighting_source=pick(["pln_meteran"], ["pln_tanpa_meteran", "bukan_listrik"]),
        toilet=pick(["sendiri"], ["bersama", "umum", "tidak_ada"]),
        cooking_fuel=pick(["gas"], ["kayu_bakar", "minyak_tanah"]),
    )


def seed(share: float = 0.5, seed: int = 2026) -> int:
    """Assess about `share` of the active households (once). Returns how many."""

    if PovertyAssessment.objects.exists():
        return 0
    rng = random.Random(seed)
    dinsos = User.objects.filter(role="dinsos", is_active=True).order_by("id").first()
    if dinsos is None:
        return 0
    done = 0
    for household in Household.objects.filter(is_active=True).order_by("id").iterator():
        if rng.random() > share:
            continue
        poor = rng.random() < 0.35
        on = today() - datetime.timedelta(days=rng.randint(5, 520))
        survey = _survey(rng, household, on, poor)
        create_rtlh_assessment(survey, acting_user=dinsos, assessed_on=on)
        extra = {c.code: rng.random() < (0.7 if poor else 0.1) for c in cr.POVERTY_CRITERIA[7:12]}
        extra["no_savings"] = rng.random() < (0.8 if poor else 0.1)
        create_poverty_assessment(household, acting_user=dinsos, assessed_on=on, criteria=extra)
        done += 1
    return done
