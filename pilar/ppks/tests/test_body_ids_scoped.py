"""Pattern 9 for PPKS records: the person or household a record is written for (API
body, the page's ?person= / ?household=) and the person/household a list is filtered
by are fetched through the caller's scope. Outside the area, inactive and missing read
alike and nothing is written; a person whose only record is of a restricted health
type (ODHA) reads, to a role without health-data access, like one without records."""

from __future__ import annotations

import json

import pytest

from pilar.conftest import (
    MISSING_ID,
    VILLAGE_A,
    VILLAGE_B,
    assert_same_answer,
    bearer,
    make_household,
    move_outside_region,
    row_counts,
)
from pilar.ppks.actions import create_ppks_record
from pilar.ppks.models import PpksRecord

pytestmark = pytest.mark.django_db

PENGEMIS, FAKIR_MISKIN, ODHA = 12, 24, 16


def post(client, url, body, user):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user))


@pytest.fixture
def homes(dinsos):
    beyond = make_household(dinsos, VILLAGE_A)
    move_outside_region(beyond)
    return {"beyond": beyond, "a": make_household(dinsos, VILLAGE_A)}


def test_api_create_for_person_or_household_outside_reads_like_missing(
    client, dinsos, psm_b, homes
):
    beyond, a = homes["beyond"], homes["a"]
    url = "/api/v1/ppks/records"
    before = row_counts(PpksRecord)
    by_person = [
        post(client, url, {"ppks_type": PENGEMIS, "person_id": pid}, user)
        for user, pid in (
            (dinsos, beyond.members.get().pk),
            (dinsos, MISSING_ID),
            (psm_b, a.members.get().pk),
            (psm_b, MISSING_ID),
        )
    ]
    by_household = [
        post(client, url, {"ppks_type": FAKIR_MISKIN, "household_id": hid}, user)
        for user, hid in ((dinsos, beyond.pk), (dinsos, MISSING_ID), (psm_b, a.pk))
    ]
    assert by_person[0].status_code == 422
    assert_same_answer(*by_person)
    assert_same_answer(*by_household)
    assert row_counts(PpksRecord) == before


def test_create_page_subject_in_query_string(client, dinsos, psm_b, homes):
    beyond, a = homes["beyond"], homes["a"]
    before = row_counts(PpksRecord)
    answers = []
    for user, query in (
        (dinsos, f"person={beyond.members.get().pk}"),
        (dinsos, f"household={beyond.pk}"),
        (dinsos, f"person={MISSING_ID}"),
        (psm_b, f"person={a.members.get().pk}"),
        (psm_b, f"household={a.pk}"),
        (psm_b, f"household={MISSING_ID}"),
    ):
        client.force_login(user)
        answers.append(client.get(f"/ppks/baru/?{query}"))
        answers.append(client.post(f"/ppks/baru/?{query}", {"ppks_type": str(PENGEMIS)}))
    assert answers[0].status_code == 404
    assert_same_answer(*answers)
    assert row_counts(PpksRecord) == before


def test_list_filter_by_person_outside_or_hidden_reads_like_missing(
    client, dinsos, psm_a, psm_b, homes
):
    odha_person = make_household(dinsos, VILLAGE_A).members.get()
    create_ppks_record(acting_user=dinsos, data={"ppks_type": ODHA, "person": odha_person})
    b_person = make_household(dinsos, VILLAGE_B).members.get()
    create_ppks_record(acting_user=dinsos, data={"ppks_type": PENGEMIS, "person": b_person})
    url = "/api/v1/ppks/records"
    answers = [
        client.get(url, {"person_id": b_person.pk}, **bearer(psm_a)),  # outside the area
        client.get(url, {"person_id": odha_person.pk}, **bearer(psm_a)),  # health data
        client.get(url, {"person_id": MISSING_ID}, **bearer(psm_a)),
    ]
    assert answers[0].json() == {"items": [], "count": 0}
    assert_same_answer(*answers)
    # The filter itself works for those who may see the rows.
    assert client.get(url, {"person_id": b_person.pk}, **bearer(psm_b)).json()["count"] == 1
    assert client.get(url, {"person_id": odha_person.pk}, **bearer(dinsos)).json()["count"] == 1
