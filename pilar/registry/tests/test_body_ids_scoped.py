"""Pattern 9 for the registry: the household a request names in its body or form (a
new member's household, a move's target) is fetched through the caller's writable
scope. Outside the area (for Dinas Sosial: outside the deployment region; for a PSM:
another kelurahan), merged away (inactive) and missing read alike; nothing is
written. Households hold no health data, so the health rule has no case here."""

from __future__ import annotations

import json

import pytest

from pilar.conftest import (
    MISSING_ID,
    VILLAGE_A,
    VILLAGE_B,
    answer,
    assert_same_answer,
    bearer,
    make_household,
    make_nik,
    move_outside_region,
    row_counts,
)
from pilar.registry.models import Household, Membership, Person

pytestmark = pytest.mark.django_db

WRITTEN = (Household, Person, Membership)


def post(client, url, body, user):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user))


@pytest.fixture
def targets(dinsos):
    beyond = make_household(dinsos, VILLAGE_A)
    move_outside_region(beyond)
    closed = make_household(dinsos, VILLAGE_A)
    Household.objects.filter(pk=closed.pk).update(is_active=False)
    return {"beyond": beyond, "closed": closed, "b": make_household(dinsos, VILLAGE_B)}


def member(**extra) -> dict:
    return {
        "nik": make_nik("P", "2001-02-03"),
        "name": "Siti Aminah",
        "sex": "P",
        "birth_date": "2001-02-03",
        "relation": "anak",
        **extra,
    }


def test_api_new_member_household_outside_reads_like_missing(client, dinsos, psm_a, targets):
    before = row_counts(*WRITTEN)
    answers = [
        post(client, "/api/v1/persons", member(household_id=targets["beyond"].pk), dinsos),
        post(client, "/api/v1/persons", member(household_id=targets["closed"].pk), dinsos),
        post(client, "/api/v1/persons", member(household_id=MISSING_ID), dinsos),
        # A PSM of A naming a household of B: as missing (not the 403 of their own area).
        post(client, "/api/v1/persons", member(household_id=targets["b"].pk), psm_a),
        post(client, "/api/v1/persons", member(household_id=MISSING_ID), psm_a),
    ]
    assert answers[0].status_code == 422
    assert answers[0].json()["errors"] == {"household_id": ["Keluarga tidak ditemukan."]}
    assert_same_answer(*answers)
    assert row_counts(*WRITTEN) == before


def test_api_move_target_outside_reads_like_missing(client, dinsos, household_a, targets):
    person = household_a.members.get()
    url = f"/api/v1/persons/{person.pk}/move"
    body = {"relation": "famili_lain", "reason": "Ikut saudara"}
    before = row_counts(*WRITTEN)
    answers = [
        post(client, url, {**body, "household_id": target}, dinsos)
        for target in (targets["beyond"].pk, targets["closed"].pk, MISSING_ID)
    ]
    assert answers[0].status_code == 422
    assert_same_answer(*answers)
    assert row_counts(*WRITTEN) == before
    person.refresh_from_db()
    assert person.household_id == household_a.pk


def test_move_page_target_outside_reads_like_missing(client, dinsos, household_a, targets):
    person = household_a.members.get()
    client.force_login(dinsos)
    form = {"relation": "famili_lain", "moved_on": "2025-01-02", "reason": "Ikut saudara"}
    before = row_counts(*WRITTEN)
    typed = [
        str(t)
        for t in (
            targets["beyond"].pk,
            targets["beyond"].no_kk,
            targets["closed"].pk,
            MISSING_ID,
            "3671019999999999",
        )
    ]
    answers = [
        answer(client.post(f"/individu/{person.pk}/pindah/", {**form, "to_household": t}), t)
        for t in typed
    ]
    assert answers[0][0] == 200
    assert "Keluarga tujuan tidak ditemukan" in answers[0][2]
    assert all(a == answers[0] for a in answers)
    assert row_counts(*WRITTEN) == before
