"""Summary per kecamatan: poor households, RTLH houses and overdue, by the latest
assessment, in one grouped query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilar.assessments.actions import create_poverty_assessment, create_rtlh_assessment
from pilar.assessments.criteria import POVERTY_CODES
from pilar.assessments.stats import summary_by_district
from pilar.assessments.tests.conftest import make_survey
from pilar.conftest import VILLAGE_A2, VILLAGE_B, make_household
from pilar.core.dates import today
from pilar.registry.models import Household

pytestmark = pytest.mark.django_db

OLD = today() - datetime.timedelta(days=400)
ALL = dict.fromkeys(POVERTY_CODES, True)
NONE = dict.fromkeys(POVERTY_CODES, False)


def test_counts(dinsos, psm_b):
    a1 = make_household(dinsos)
    a2 = make_household(dinsos, VILLAGE_A2)
    # The desil arrives with imports of the national registry.
    Household.objects.filter(pk=a1.pk).update(desil=2)
    Household.objects.filter(pk=a2.pk).update(desil=7)
    b1 = make_household(dinsos, VILLAGE_B)
    make_household(dinsos, VILLAGE_B)  # never assessed
    # a1: poor long ago, then not poor now -> not counted as poor.
    create_poverty_assessment(a1, acting_user=dinsos, assessed_on=OLD, criteria=ALL)
    create_poverty_assessment(a1, acting_user=dinsos, criteria=NONE)
    # a2: poor, overdue.
    create_poverty_assessment(a2, acting_user=dinsos, assessed_on=OLD, criteria=ALL)
    # b1: RTLH now; not RTLH before.
    create_rtlh_assessment(make_survey(b1, surveyed_on=OLD), acting_user=dinsos, assessed_on=OLD)
    create_rtlh_assessment(make_survey(b1, toilet="tidak_ada"), acting_user=dinsos)

    with CaptureQueriesContext(connection) as ctx:
        rows = {r["kecamatan"]: r for r in summary_by_district(dinsos, today())}
    assert len(ctx.captured_queries) == 1
    a, b = rows["36.71.01"], rows["36.71.02"]
    assert (a["households"], a["poverty_assessed"], a["poor"], a["overdue"]) == (2, 2, 1, 1)
    assert (a["rtlh"], a["desil_1_4"]) == (0, 1)
    assert (b["households"], b["rtlh_assessed"], b["rtlh"], b["overdue"], b["poor"]) == (
        2,
        1,
        1,
        0,
        0,
    )

    only_b = summary_by_district(psm_b, today())
    assert [r["kecamatan"] for r in only_b] == ["36.71.02"]
