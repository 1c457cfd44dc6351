"""Builders for assessment tests: households through the registry actions, housing
surveys with `HousingSurvey.objects.create`, PPKS records through the PPKS actions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from pilar.conftest import make_household, make_nik
from pilar.core.dates import today
from pilar.registry.models import HousingSurvey
from pilar.testing.houses import GOOD_HOUSE, survey

# A poor house: criteria 1-7 all hold, and every RTLH criterion fails.
POOR_HOUSE = {
    **GOOD_HOUSE,
    "floor_material": "tanah",
    "wall_material": "anyaman_bambu",
    "wall_condition": "rusak_berat",
    "roof_material": "jerami_ijuk",
    "floor_area_m2": Decimal("20"),
    "occupants": 5,
    "water_source": "sungai",
    "lighting_source": "bukan_listrik",
    "toilet": "tidak_ada",
    "cooking_fuel": "kayu_bakar",
}


def make_survey(household, surveyed_on: datetime.date | None = None, **fields) -> HousingSurvey:
    return survey(household, surveyed_on or today(), **fields)


def years_ago(years: int, days: int = 0) -> datetime.date:
    """The date `years` whole years before today, minus `days` more."""
    day = today()
    try:
        base = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        base = day.replace(year=day.year - years, day=28)
    return base - datetime.timedelta(days=days)


def person(name: str, sex: str, birth: datetime.date, relation: str = "anak", **extra) -> dict:
    return {
        "nik": make_nik(sex, birth.isoformat()),
        "name": name,
        "sex": sex,
        "birth_date": birth.isoformat(),
        "relation": relation,
        **extra,
    }


@pytest.fixture
def family(dinsos):
    """A household in kelurahan A with a head educated to SD."""
    return make_household(
        dinsos,
        members=[person("Pak Kepala", "L", years_ago(45), "kepala", education="sd")],
    )
