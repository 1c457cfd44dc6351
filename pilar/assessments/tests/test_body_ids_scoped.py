"""Pattern 9 for assessments: the housing survey (RTLH) and the field report (poverty)
a request names in its body are looked up among the assessed household's own rows,
which the caller reached through their scope. Another household's survey or report
(here: in another kelurahan) and a missing id read alike, and nothing is written.
Surveys and reports of a house hold no health data."""

from __future__ import annotations

import datetime
import json

import pytest

from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.conftest import MISSING_ID, assert_same_answer, bearer, row_counts
from pilar.programs.tests.factories import survey
from pilar.submissions import actions as reports
from pilar.submissions.tests.factories import submission_data

pytestmark = pytest.mark.django_db

URL = "/api/v1/assessments/households"
WRITTEN = (PovertyAssessment, RtlhAssessment)


def post(client, url, body, user):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user))


def test_rtlh_survey_of_another_household_reads_like_missing(
    client, dinsos, household_a, household_b
):
    survey(household_a, datetime.date(2026, 1, 10))
    theirs = survey(household_b, datetime.date(2026, 1, 10))
    url = f"{URL}/{household_a.pk}/rtlh"
    before = row_counts(*WRITTEN)
    other = post(client, url, {"survey_id": theirs.pk}, dinsos)
    missing = post(client, url, {"survey_id": MISSING_ID}, dinsos)
    assert missing.status_code == 422
    assert_same_answer(other, missing)
    assert row_counts(*WRITTEN) == before


def test_poverty_source_report_of_another_household_reads_like_missing(
    client, dinsos, psm_b, household_a, household_b
):

    theirs, _ = reports.create_submission(
        acting_user=psm_b,
        data=submission_data("perubahan", {"household": {"address": "Jl. Usulan 2"}}, household_b),
        files={},
    )
    url = f"{URL}/{household_a.pk}/poverty"
    before = row_counts(*WRITTEN)
    other = post(client, url, {"source_report_id": theirs.pk}, dinsos)
    missing = post(client, url, {"source_report_id": MISSING_ID}, dinsos)
    assert missing.status_code == 422
    assert_same_answer(other, missing)
    assert row_counts(*WRITTEN) == before
