"""RTLH assessment from a housing survey: each criterion, the m² threshold, and the
function the report validation calls."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from pilar.assessments.actions import assess_rtlh_from_survey, create_rtlh_assessment
from pilar.assessments.models import RtlhAssessment
from pilar.assessments.tests.conftest import POOR_HOUSE, make_survey

pytestmark = pytest.mark.django_db


def test_sound_house_is_not_rtlh(family, dinsos):
    a = assess_rtlh_from_survey(make_survey(family), acting_user=dinsos)
    assert (a.is_rtlh, a.failed) == (False, [])
    assert a.area_per_person == Decimal("15.00")
    assert a.m2_threshold == Decimal("7.2")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"wall_condition": "rusak_berat"}, "wall_roof_damaged"),
        ({"roof_condition": "rusak_berat"}, "wall_roof_damaged"),
        ({"wall_material": "anyaman_bambu"}, "wall_roof_material"),
        ({"wall_material": "rumbia"}, "wall_roof_material"),
        ({"roof_material": "jerami_ijuk"}, "wall_roof_material"),
        ({"floor_material": "tanah"}, "floor"),
        ({"floor_material": "bambu"}, "floor"),
        ({"floor_material": "kayu_murah"}, "floor"),
        ({"floor_condition": "rusak_berat"}, "floor"),
        ({"toilet": "tidak_ada"}, "no_toilet"),
        ({"floor_area_m2": Decimal("21"), "occupants": 3}, "area_small"),
    ],
)
def test_each_criterion(family, dinsos, fields, code):
    a = assess_rtlh_from_survey(make_survey(family, **fields), acting_user=dinsos)
    assert a.failed == [code]
    assert a.is_rtlh is True
    assert [c.code for c in a.failed_criteria] == [code]
    assert a.failed_criteria[0].label


def test_light_damage_and_shared_toilet_are_not_rtlh(family, dinsos):
    survey = make_survey(
        family, wall_condition="rusak_ringan", roof_condition="rusak_ringan", toilet="bersama"
    )
    assert create_rtlh_assessment(survey, acting_user=dinsos).is_rtlh is False


def test_all_criteria_in_definition_order(family, dinsos):
    a = assess_rtlh_from_survey(make_survey(family, **POOR_HOUSE), acting_user=dinsos)
    assert a.failed == [
        "wall_roof_damaged",
        "wall_roof_material",
        "floor",
        "no_toilet",
        "area_small",
    ]
    assert a.area_per_person == Decimal("4.00")


def test_m2_threshold_boundary_and_setting(family, dinsos):
    exactly = make_survey(family, floor_area_m2=Decimal("36"), occupants=5)  # 7.2 m²/person
    assert create_rtlh_assessment(exactly, acting_user=dinsos).failed == []
    under = make_survey(family, floor_area_m2=Decimal("35.99"), occupants=5)
    assert create_rtlh_assessment(under, acting_user=dinsos).failed == ["area_small"]
    with override_settings(PILAR_RTLH_M2_PER_PERSON=Decimal("9")):
        a = create_rtlh_assessment(exactly, acting_user=dinsos)
    assert (a.failed, a.m2_threshold) == (["area_small"], Decimal("9"))


def test_from_survey_is_dated_on_the_visit_and_idempotent(family, dinsos):

    survey = make_survey(family, surveyed_on=datetime.date(2025, 3, 10), toilet="tidak_ada")
    a = assess_rtlh_from_survey(survey, acting_user=dinsos)
    assert a.assessed_on == datetime.date(2025, 3, 10)
    assert a.due_on == datetime.date(2026, 3, 10)
    assert (a.assessor, a.survey) == (dinsos, survey)
    again = assess_rtlh_from_survey(survey, acting_user=dinsos)
    assert again.pk == a.pk
    assert RtlhAssessment.objects.filter(household=family).count() == 1


def test_field_workers_may_not_assess(family, dinsos, psm_a, tksk_a, pimpinan):
    survey = make_survey(family)
    for user in (psm_a, tksk_a, pimpinan):
        with pytest.raises(PermissionDenied):
            assess_rtlh_from_survey(survey, acting_user=user)
    assert not RtlhAssessment.objects.exists()
