"""API: list/create/read household assessments, overdue and consistency lists;
scoping and roles like the pages; OpenAPI."""

import datetime
import json

import pytest

from pilar.accounts.models import ApiToken
from pilar.assessments.actions import create_poverty_assessment
from pilar.assessments.models import PovertyAssessment, RtlhAssessment
from pilar.assessments.tests.conftest import POOR_HOUSE, make_survey, person, years_ago
from pilar.conftest import make_household
from pilar.core.dates import today
from pilar.ppks.actions import create_ppks_record

pytestmark = pytest.mark.django_db

BASE = "/api/v1/assessments"


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_create_and_read_poverty(client, family, dinsos, psm_a):
    make_survey(family, **POOR_HOUSE)
    body = {"criteria": {"few_meals": True, "no_savings": True}, "notes": "api"}
    response = post(client, f"{BASE}/households/{family.pk}/poverty", body, bearer(dinsos))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["criteria_met"] == 10 and data["is_poor"] is True and data["threshold"] == 9
    assert data["criteria"]["floor_cheap"] is True and "low_education" in data["prefilled"]
    assert PovertyAssessment.objects.get().notes == "api"

    listed = client.get(f"{BASE}/households/{family.pk}/poverty", **bearer(psm_a)).json()
    assert [a["id"] for a in listed] == [data["id"]]
    one = client.get(f"{BASE}/poverty/{data['id']}", **bearer(psm_a)).json()
    assert one["criteria_met_labels"][0].startswith("Luas lantai")
    status = client.get(f"{BASE}/households/{family.pk}", **bearer(psm_a)).json()
    assert status["poverty"]["id"] == data["id"] and status["rtlh"] is None
    assert status["poverty_overdue"] is False


def test_create_rtlh_defaults_to_latest_survey(client, family, dinsos):
    make_survey(family, surveyed_on=today() - datetime.timedelta(days=10))
    latest = make_survey(family, toilet="tidak_ada")
    response = post(client, f"{BASE}/households/{family.pk}/rtlh", {}, bearer(dinsos))
    assert response.status_code == 201
    data = response.json()
    assert data["survey_id"] == latest.pk and data["is_rtlh"] is True
    assert data["failed"] == [
        {"code": "no_toilet", "label": "Tidak memiliki fasilitas mandi, cuci dan kakus (MCK)"}
    ]
    bad = post(client, f"{BASE}/households/{family.pk}/rtlh", {"survey_id": 999999}, bearer(dinsos))
    assert bad.status_code == 422 and "survey_id" in bad.json()["errors"]


def test_roles_and_scope(client, family, dinsos, psm_a, psm_b, tksk_a, pimpinan, mitra):
    make_survey(family)
    for user in (psm_a, tksk_a, pimpinan):
        r = post(client, f"{BASE}/households/{family.pk}/poverty", {"criteria": {}}, bearer(user))
        assert r.status_code == 403, user.role
        assert "Dinas Sosial" in r.json()["message"]
        r = post(client, f"{BASE}/households/{family.pk}/rtlh", {}, bearer(user))
        assert r.status_code == 403
    a = create_poverty_assessment(family, acting_user=dinsos, criteria={})
    for path in (f"households/{family.pk}", f"households/{family.pk}/poverty", f"poverty/{a.pk}"):
        assert client.get(f"{BASE}/{path}", **bearer(psm_b)).status_code == 404
    r = post(client, f"{BASE}/households/{family.pk}/poverty", {"criteria": {}}, bearer(psm_b))
    assert r.status_code == 404
    assert client.get(f"{BASE}/overdue", **bearer(mitra)).status_code == 403
    assert PovertyAssessment.objects.count() == 1 and not RtlhAssessment.objects.exists()


def test_validation_errors(client, family, dinsos):
    r = post(
        client,
        f"{BASE}/households/{family.pk}/poverty",
        {"criteria": {"terbang": True}, "assessed_on": "2020-01-01"},
        bearer(dinsos),
    )
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"criteria"}
    # A date in the future is refused by the schema, before the criteria are read.
    r = post(
        client,
        f"{BASE}/households/{family.pk}/poverty",
        {"criteria": {"terbang": True}, "assessed_on": "2999-01-01"},
        bearer(dinsos),
    )
    assert r.status_code == 422
    assert r.json()["errors"]["assessed_on"] == ["Tanggal tidak boleh di masa depan."]
    r = post(client, f"{BASE}/households/{family.pk}/poverty", {"extra": 1}, bearer(dinsos))
    assert r.status_code == 422


def test_overdue_and_consistency(client, dinsos, psm_a, psm_b):
    hh = make_household(
        dinsos,
        members=[
            person("Kepala", "L", years_ago(40), "kepala"),
            person("Remaja", "P", years_ago(19, days=5)),
        ],
    )
    create_poverty_assessment(
        hh, acting_user=dinsos, assessed_on=today() - datetime.timedelta(days=400), criteria={}
    )
    teen = hh.members.get(name="Remaja")
    rec = create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 2, "person": teen, "date_found": today() - datetime.timedelta(days=200)},
    )
    overdue = client.get(f"{BASE}/overdue?kecamatan=36.71.01", **bearer(psm_a)).json()
    assert overdue["count"] == 1 and overdue["items"][0]["household_id"] == hh.pk
    assert overdue["items"][0]["is_poor"] is False
    assert client.get(f"{BASE}/overdue", **bearer(psm_b)).json()["count"] == 0
    assert client.get(f"{BASE}/overdue?kecamatan=abc", **bearer(psm_a)).status_code == 422

    watch = client.get(f"{BASE}/consistency?masalah=usia", **bearer(psm_a)).json()
    assert watch["count"] == 1
    item = watch["items"][0]
    assert (item["record_id"], item["age_now"]) == (rec.pk, 19)
    assert "19 tahun" in item["reasons"][0]
    assert client.get(f"{BASE}/consistency", **bearer(psm_b)).json()["count"] == 0


def test_openapi_and_criteria(client, psm_a):
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/assessments/households/{household_id}/poverty",
        "/api/v1/assessments/households/{household_id}/rtlh",
        "/api/v1/assessments/overdue",
        "/api/v1/assessments/consistency",
    } <= paths
    data = client.get(f"{BASE}/criteria", **bearer(psm_a)).json()
    assert len(data["poverty"]) == 14 and len(data["rtlh"]) == 5
    assert data["poor_threshold"] == 9 and float(data["rtlh_m2_per_person"]) == 7.2
