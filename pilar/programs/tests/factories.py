"""Hand-built households for the rule tests: surveys and assessments made through
the models' own actions, like the rest of the suite."""

from __future__ import annotations

import datetime
from decimal import Decimal

from pilar.assessments.actions import create_poverty_assessment, create_rtlh_assessment
from pilar.assessments.criteria import POVERTY_CODES
from pilar.conftest import VILLAGE_A, make_household, make_nik
from pilar.registry.models import Household
from pilar.testing.houses import GOOD_HOUSE
from pilar.testing.houses import survey as house_survey

BAD_HOUSE = {
    **GOOD_HOUSE,
    "floor_material": "tanah",
    "wall_material": "anyaman_bambu",
    "wall_condition": "rusak_berat",
    "floor_area_m2": Decimal("20"),
    "toilet": "tidak_ada",
}


def survey(household, on: datetime.date | None = None, **fields):
    return house_survey(household, on or datetime.date(2025, 1, 10), **fields)


def rtlh(user, household, bad: bool = True, on: datetime.date | None = None):
    """A survey and the RTLH assessment from it."""

    day = on or datetime.date(2025, 1, 10)
    s = survey(household, day, **(BAD_HOUSE if bad else GOOD_HOUSE))
    return create_rtlh_assessment(s, acting_user=user, assessed_on=day)


def poverty(user, household, poor: bool = True, on: datetime.date | None = None):

    return create_poverty_assessment(
        household,
        acting_user=user,
        assessed_on=on or datetime.date(2025, 1, 10),
        criteria={code: poor for code in POVERTY_CODES},
    )


def child(name: str, birth: str, education: str = "sd", sex: str = "L", **extra) -> dict:
    return {
        "nik": make_nik(sex, birth),
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "relation": "anak",
        "education": education,
        **extra,
    }


def head(name: str = "Budi Santoso", birth: str = "1975-03-12") -> dict:
    return {
        "nik": make_nik("L", birth),
        "name": name,
        "sex": "L",
        "birth_date": birth,
        "relation": "kepala",
    }


def household(user, village=None, members=None, desil: int | None = None, **data):
    """A household made by the registry action; `desil` is set afterwards as the
    importer of national data does (it is not a form field)."""

    hh = make_household(user, village or VILLAGE_A, members=members or [head()], **data)
    if desil is not None:
        Household.objects.filter(pk=hh.pk).update(desil=desil)
        hh.refresh_from_db()
    return hh
