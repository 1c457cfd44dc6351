"""Pre-fill of poverty criteria 1-7 and 13 from the latest housing survey and the
head's education."""

import datetime

import pytest

from pilar.assessments.actions import create_poverty_assessment, prefill_poverty
from pilar.assessments.tests.conftest import POOR_HOUSE, make_survey
from pilar.conftest import make_household
from pilar.core.dates import today
from pilar.registry.models import Person

pytestmark = pytest.mark.django_db

HOUSE_CODES = [
    "floor_area_small",
    "floor_cheap",
    "wall_cheap",
    "no_toilet",
    "no_electricity",
    "unsafe_water",
    "cooking_wood",
]


def test_no_data_no_prefill(dinsos):

    household = make_household(dinsos)  # head without education, no survey
    p = prefill_poverty(household)
    assert p.values == {} and p.survey is None


def test_prefill_from_latest_survey_and_head(family):
    make_survey(family, surveyed_on=today() - datetime.timedelta(days=400))  # older, sound
    poor = make_survey(family, surveyed_on=today() - datetime.timedelta(days=3), **POOR_HOUSE)
    p = prefill_poverty(family)
    assert p.survey == poor
    assert p.values == {**dict.fromkeys(HOUSE_CODES, True), "low_education": True}
    assert "survei rumah" in p.sources["floor_cheap"]
    assert "Tamat SD" in p.sources["low_education"]


@pytest.mark.parametrize(
    ("fields", "code", "expected"),
    [
        ({"floor_area_m2": 31, "occupants": 4}, "floor_area_small", True),
        ({"floor_area_m2": 32, "occupants": 4}, "floor_area_small", False),
        ({"wall_material": "tembok_tanpa_plester"}, "wall_cheap", True),
        ({"toilet": "bersama"}, "no_toilet", True),
        ({"lighting_source": "listrik_non_pln"}, "no_electricity", False),
        ({"water_source": "sumur_terlindung"}, "unsafe_water", False),
        ({"water_source": "air_hujan"}, "unsafe_water", True),
        ({"cooking_fuel": "minyak_tanah"}, "cooking_wood", True),
    ],
)
def test_survey_values(family, fields, code, expected):
    make_survey(family, **fields)
    assert prefill_poverty(family).values[code] is expected


def test_head_education_above_sd(family):
    Person.objects.filter(household=family).update(education="sma")
    assert prefill_poverty(family).values["low_education"] is False


def test_omitted_criteria_take_the_prefill(family, dinsos):
    make_survey(family, **POOR_HOUSE)
    a = create_poverty_assessment(
        family,
        acting_user=dinsos,
        criteria={"few_meals": True, "no_savings": True, "cooking_wood": False},
    )
    # 6 house criteria (cooking overridden to no) + education + 2 given = 9.
    assert a.criteria_met == 9 and a.is_poor
    assert a.cooking_wood is False and a.floor_cheap is True and a.low_education is True
    assert a.prefilled == [*HOUSE_CODES, "low_education"]
    assert a.survey is not None


def test_prefill_uses_the_survey_before_the_assessment_date(family, dinsos):
    make_survey(family, surveyed_on=datetime.date(2024, 1, 5))
    make_survey(family, surveyed_on=today(), **POOR_HOUSE)
    a = create_poverty_assessment(
        family, acting_user=dinsos, assessed_on=datetime.date(2024, 2, 1), criteria={}
    )
    assert a.survey.surveyed_on == datetime.date(2024, 1, 5)
    assert a.floor_cheap is False
