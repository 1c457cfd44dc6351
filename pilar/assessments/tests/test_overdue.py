"""Due dates and the overdue list: latest assessment per household, per area."""

import datetime

import pytest

from pilar.assessments.actions import create_poverty_assessment, create_rtlh_assessment
from pilar.assessments.criteria import POVERTY_CODES
from pilar.assessments.filters import OverdueFilter, overdue_households_for
from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.assessments.tests.conftest import make_survey
from pilar.conftest import VILLAGE_A2, VILLAGE_B, make_household
from pilar.core.dates import today

pytestmark = pytest.mark.django_db

LONG_AGO = today() - datetime.timedelta(days=400)
RECENT = today() - datetime.timedelta(days=30)


def poverty(household, user, on, n=0):
    crit = {c: i < n for i, c in enumerate(POVERTY_CODES)}
    return create_poverty_assessment(household, acting_user=user, assessed_on=on, criteria=crit)


@pytest.fixture
def households(dinsos):
    a = make_household(dinsos, address="A lama")
    a2 = make_household(dinsos, VILLAGE_A2, address="A2 diperbarui")
    b = make_household(dinsos, VILLAGE_B, address="B rtlh lama")
    fresh = make_household(dinsos, address="A baru")
    poverty(a, dinsos, LONG_AGO, 10)
    poverty(a2, dinsos, LONG_AGO)
    poverty(a2, dinsos, RECENT)  # re-assessed: no longer overdue
    create_rtlh_assessment(
        make_survey(b, surveyed_on=LONG_AGO, toilet="tidak_ada"),
        acting_user=dinsos,
        assessed_on=LONG_AGO,
    )
    poverty(fresh, dinsos, RECENT)
    return {"a": a, "a2": a2, "b": b, "fresh": fresh}


def ids(user, **kw):
    return [h.pk for h in overdue_households_for(user, OverdueFilter(**kw), today())]


def test_latest_per_household_only(households, dinsos):
    assert set(ids(dinsos)) == {households["a"].pk, households["b"].pk}
    assert ids(dinsos, jenis="kemiskinan") == [households["a"].pk]
    assert ids(dinsos, jenis="rtlh") == [households["b"].pk]
    assert ids(dinsos, kecamatan="36.71.02") == [households["b"].pk]
    assert ids(dinsos, kelurahan="36.71.01.1001") == [households["a"].pk]


def test_annotations(households, dinsos):
    rows = {h.pk: h for h in overdue_households_for(dinsos, OverdueFilter(), today())}
    a = rows[households["a"].pk]
    assert (a.poverty_on, a.poverty_met, a.poverty_poor) == (LONG_AGO, 10, True)
    assert a.poverty_due < today() and a.rtlh_on is None
    assert a.head_name == "Budi Santoso"
    b = rows[households["b"].pk]
    assert (b.rtlh_is, b.poverty_on) == (True, None)


def test_scoped(households, psm_a, psm_b, tksk_a):
    assert ids(psm_a) == [households["a"].pk]
    assert ids(tksk_a) == [households["a"].pk]
    assert ids(psm_b) == [households["b"].pk]


def test_queryset_helpers(households):
    assert PovertyAssessment.objects.count() == 4
    assert PovertyAssessment.objects.latest_per_household().count() == 3
    assert set(
        PovertyAssessment.objects.overdue(today()).values_list("household_id", flat=True)
    ) == {households["a"].pk}
    assert RtlhAssessment.objects.overdue(LONG_AGO).count() == 0
