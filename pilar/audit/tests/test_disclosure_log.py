"""Every API answer that carries full NIK / No. KK leaves a trace in the access log
(issue 11, part 3): who, which endpoint and filter, how many numbers."""

from __future__ import annotations

import json

import pytest

from pilar.accounts.models import ApiToken
from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, make_household, make_nik
from pilar.submissions import actions
from pilar.submissions.tests.factories import new_household_payload, submission_data

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _disclosures():
    return list(AccessLog.objects.filter(action="nik_api").order_by("pk"))


@pytest.fixture
def people(dinsos):
    return [make_household(dinsos, VILLAGE_A, address=f"Jl. Uji {i}") for i in range(3)]


def test_person_list_with_full_numbers_is_logged(client, dinsos, people):
    response = client.get("/api/v1/persons?limit=200&kelurahan=36.71.01.1001", **bearer(dinsos))
    assert response.status_code == 200
    niks = [p["nik"] for p in response.json()["items"]]
    assert niks and all("*" not in n for n in niks)
    (log,) = _disclosures()
    assert log.user == dinsos
    assert log.path == "/api/v1/persons"
    assert log.extra["numbers"] == len(niks)
    assert log.extra["query"] == {"limit": ["200"], "kelurahan": ["36.71.01.1001"]}


def test_household_list_and_nik_search_are_logged(client, dinsos, people):
    client.get("/api/v1/households", **bearer(dinsos))
    nik = people[0].members.get().nik
    client.get(f"/api/v1/persons?nik={nik}", **bearer(dinsos))
    logs = _disclosures()
    assert [log.path for log in logs] == ["/api/v1/households", "/api/v1/persons"]
    assert logs[0].extra["numbers"] == 3  # three No. KK
    assert logs[1].extra["query"] == {"nik": [nik]}
    assert logs[1].extra["numbers"] == 1


def test_masked_answers_are_not_logged_as_disclosures(client, pimpinan, people):
    response = client.get("/api/v1/persons?limit=200", **bearer(pimpinan))
    assert all("*" in p["nik"] for p in response.json()["items"])
    assert _disclosures() == []


def test_a_write_answer_carrying_the_number_is_logged(client, dinsos, people):
    """An empty PATCH answers the full record: it must not be a read without a trace."""
    person = people[0].members.get()
    response = client.patch(
        f"/api/v1/persons/{person.pk}", data="{}", content_type="application/json", **bearer(dinsos)
    )
    assert response.status_code == 200
    (log,) = _disclosures()
    assert log.extra["method"] == "PATCH"


def test_detail_logs_once(client, dinsos, people):
    person = people[0].members.get()
    client.get(f"/api/v1/persons/{person.pk}", **bearer(dinsos))
    assert list(AccessLog.objects.values_list("action", flat=True)) == ["lihat_individu"]


def test_report_detail_masks_proposed_numbers_for_leaders_and_logs_the_view(
    client, psm_a, dinsos, pimpinan
):
    nik = make_nik("P", "1950-01-20")
    report, _ = actions.create_submission(
        acting_user=psm_a, data=submission_data("keluarga_baru", new_household_payload(nik=nik))
    )
    full = client.get(f"/api/v1/reports/{report.pk}", **bearer(dinsos)).json()
    assert full["payload"]["members"][0]["nik"] == nik
    assert nik in json.dumps(full["diff"])
    masked = client.get(f"/api/v1/reports/{report.pk}", **bearer(pimpinan)).json()
    text = json.dumps(masked)
    assert nik not in text
    assert masked["payload"]["members"][0]["nik"].startswith("3671")
    assert "*" in masked["payload"]["members"][0]["nik"]
    views = AccessLog.objects.filter(action="lihat_individu", object_id=str(report.pk))
    assert sorted(v.user.username for v in views) == ["dinsos", "pimpinan"]
    assert _disclosures() == []  # the view entry already covers it
