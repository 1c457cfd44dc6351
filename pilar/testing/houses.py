"""Houses for the assessment, program and Bedah Rumah tests: block III of the
verivali instrument, as a sound house and as a poor one, and a survey builder."""

from __future__ import annotations

import datetime
from decimal import Decimal

from pilar.registry.models import HousingSurvey

# A sound house: no poverty criterion 1-7 and no RTLH criterion holds.
GOOD_HOUSE = {
    "house_ownership": "milik_sendiri",
    "land_status": "milik_sendiri",
    "floor_material": "keramik_marmer",
    "floor_condition": "baik",
    "wall_material": "tembok_plester",
    "wall_condition": "baik",
    "roof_material": "genteng",
    "roof_condition": "baik",
    "floor_area_m2": Decimal("60"),
    "occupants": 4,
    "water_source": "ledeng",
    "lighting_source": "pln_meteran",
    "toilet": "sendiri",
    "cooking_fuel": "gas",
}


def survey(household, on: datetime.date, **fields):
    """A housing survey of `household` on `on`: a sound house unless `fields` say
    otherwise."""

    return HousingSurvey.objects.create(
        household=household, surveyed_on=on, **{**GOOD_HOUSE, **fields}
    )
