"""The 14 BPS criteria: one ordered definition, scoring, the threshold setting and
the due date."""

import datetime

import pytest
from django.test import override_settings

from pilar.assessments import criteria as cr
from pilar.assessments.actions import add_months, create_poverty_assessment
from pilar.assessments.models import PovertyAssessment
from pilar.core.errors import InvalidInput

pytestmark = pytest.mark.django_db


def test_model_fields_follow_the_definition():
    fields = [
        f.name for f in PovertyAssessment._meta.fields if f.get_internal_type() == "BooleanField"
    ]
    criteria_fields = [f for f in fields if f in cr.POVERTY_CODES]
    assert criteria_fields == list(cr.POVERTY_CODES)
    assert [c.number for c in cr.POVERTY_CRITERIA] == list(range(1, 15))
    label = PovertyAssessment._meta.get_field("low_education").verbose_name
    assert label.startswith("13. Pendidikan tertinggi kepala rumah tangga")


def _criteria(n: int) -> dict[str, bool]:
    """The first `n` criteria met, the others explicitly not."""
    return {code: i < n for i, code in enumerate(cr.POVERTY_CODES)}


@pytest.mark.parametrize(("met", "poor"), [(8, False), (9, True), (14, True), (0, False)])
def test_default_threshold_is_nine(family, dinsos, met, poor):
    a = create_poverty_assessment(family, acting_user=dinsos, criteria=_criteria(met))
    a.refresh_from_db()
    assert a.criteria_met == met
    assert a.threshold == 9
    assert a.is_poor is poor


@override_settings(PILAR_POOR_THRESHOLD=7)
def test_threshold_setting_is_used_and_kept(family, dinsos):
    a = create_poverty_assessment(family, acting_user=dinsos, criteria=_criteria(7))
    assert (a.criteria_met, a.threshold, a.is_poor) == (7, 7, True)
    with override_settings(PILAR_POOR_THRESHOLD=10):
        b = create_poverty_assessment(family, acting_user=dinsos, criteria=_criteria(9))
    assert (b.threshold, b.is_poor) == (10, False)
    # The earlier result keeps the threshold it was made with.
    a.refresh_from_db()
    assert (a.threshold, a.is_poor) == (7, True)


def test_due_date_and_history(family, dinsos):
    first = create_poverty_assessment(
        family, acting_user=dinsos, assessed_on="2024-01-31", criteria=_criteria(3)
    )
    assert first.due_on == datetime.date(2025, 1, 31)
    with override_settings(PILAR_REASSESS_MONTHS=1):
        second = create_poverty_assessment(
            family, acting_user=dinsos, assessed_on="2024-01-31", criteria=_criteria(10)
        )
    assert second.due_on == datetime.date(2024, 2, 29)
    # A re-assessment is a new row; the old one is unchanged.
    assert PovertyAssessment.objects.filter(household=family).count() == 2
    first.refresh_from_db()
    assert first.criteria_met == 3
    latest = PovertyAssessment.objects.filter(household=family).latest_per_household()
    assert list(latest) == [second]


def test_add_months():
    assert add_months(datetime.date(2024, 3, 31), 11) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2024, 12, 15), 1) == datetime.date(2025, 1, 15)
    assert add_months(datetime.date(2024, 5, 1), 24) == datetime.date(2026, 5, 1)


def test_bad_input_is_refused(family, dinsos):

    with pytest.raises(InvalidInput) as exc:
        create_poverty_assessment(
            family,
            acting_user=dinsos,
            assessed_on="2999-01-01",
            criteria={"bogus": True, "few_meals": "ya"},
            source_report=999999,
        )
    assert set(exc.value.errors) == {
        "assessed_on",
        "criteria",
        "criteria.few_meals",
        "source_report",
    }
    assert not PovertyAssessment.objects.exists()


def test_history_is_recorded(family, dinsos):
    a = create_poverty_assessment(family, acting_user=dinsos, criteria=_criteria(2))
    events = PovertyAssessment.pgh_event_model.objects.filter(pgh_obj_id=a.pk)
    assert list(events.values_list("pgh_label", "criteria_met")) == [("insert", 2)]
