"""API of cases: same actions and scoping as the pages."""

import json

import pytest

from pilar.accounts.models import ApiToken
from pilar.cases import actions
from pilar.cases.models import Case
from pilar.conftest import VILLAGE_B

from .helpers import days_ago, person_record

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases"


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, url, body, user):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user))


def test_lifecycle_over_api(client, dinsos, psm_a):
    record = person_record(dinsos)
    body = {
        "record_id": record.pk,
        "intake_source": "rujukan",
        "intake_date": days_ago(30).isoformat(),
        "followup_days": 20,
    }
    response = post(client, URL, body, dinsos)
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert response.json()["next_due"] == days_ago(10).isoformat()
    assert (
        post(client, f"{URL}/{case_id}/assign", {"worker_id": psm_a.pk}, dinsos).status_code == 200
    )
    response = post(client, f"{URL}/{case_id}/assess", {"needs": ["pendidikan"]}, psm_a)
    assert response.status_code == 200 and response.json()["status"] == "asesmen"
    response = post(client, f"{URL}/{case_id}/interventions",
                    {"kind": "konseling", "target": "LK3 Kota"}, psm_a)  # fmt: skip
    assert response.status_code == 201
    item_id = response.json()["id"]
    response = post(client, f"{URL}/{case_id}/interventions/{item_id}/result",
                    {"status": "selesai", "result_note": "Tiga sesi"}, psm_a)  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "selesai"
    response = post(client, f"{URL}/{case_id}/visits",
                    {"notes": "Baik", "visited_on": days_ago(2).isoformat(),
                     "latitude": -6.17, "longitude": 106.63}, psm_a)  # fmt: skip
    assert response.status_code == 201 and response.json()["latitude"] == -6.17
    detail = client.get(f"{URL}/{case_id}", **bearer(psm_a)).json()
    assert detail["next_due"] == days_ago(2 - 20).isoformat()
    assert [s["action"] for s in detail["steps"]] == [
        "dibuka", "ditugaskan", "asesmen", "rencana", "intervensi", "kunjungan",
    ]  # fmt: skip
    assert (
        post(client, f"{URL}/{case_id}/close", {"outcome": "terentaskan"}, psm_a).status_code == 403
    )
    response = post(client, f"{URL}/{case_id}/close", {"outcome": "terentaskan"}, dinsos)
    assert response.status_code == 200 and response.json()["outcome"] == "terentaskan"
    record.refresh_from_db()
    assert record.status == "selesai"
    response = post(client, f"{URL}/{case_id}/visits", {"notes": "x"}, dinsos)
    assert response.status_code == 422


def test_api_refusals(client, dinsos, psm_a, psm_b, pimpinan, mitra):
    record = person_record(dinsos)
    body = {"record_id": record.pk, "intake_source": "laporan"}
    assert post(client, URL, body, psm_b).status_code == 404  # out of area
    assert post(client, URL, body, psm_a).status_code == 403  # wrong role
    assert post(client, URL, body, pimpinan).status_code == 403  # read-only
    assert client.get(URL, **bearer(mitra)).status_code == 403
    assert post(client, URL, body, dinsos).status_code == 201
    response = post(client, URL, body, dinsos)
    assert (
        response.status_code == 422 and "sudah memiliki" in response.json()["errors"]["__all__"][0]
    )
    case = Case.objects.get(record=record)
    response = post(client, f"{URL}/{case.pk}/assign", {"worker_id": psm_b.pk}, dinsos)
    assert response.status_code == 422 and "worker_id" in response.json()["errors"]
    response = post(client, f"{URL}/{case.pk}/close", {}, dinsos)
    assert response.status_code == 422 and "outcome" in response.json()["errors"]
    assert client.get(f"{URL}/{case.pk}", **bearer(psm_b)).status_code == 404
    assert client.get(f"{URL}/{case.pk}", **bearer(pimpinan)).status_code == 200


def test_list_scoped_and_filtered(client, dinsos, psm_a):
    late = actions.open_case(person_record(dinsos), acting_user=dinsos, source="laporan",
                             intake_date=days_ago(40), followup_days=30)  # fmt: skip
    other = actions.open_case(
        person_record(dinsos, VILLAGE_B), acting_user=dinsos, source="laporan"
    )
    data = client.get(URL, **bearer(psm_a)).json()
    assert [c["id"] for c in data["items"]] == [late.pk] and data["count"] == 1
    data = client.get(f"{URL}?overdue=true", **bearer(dinsos)).json()
    assert [c["id"] for c in data["items"]] == [late.pk] and data["items"][0]["overdue"] is True
    data = client.get(f"{URL}?kelurahan={VILLAGE_B}", **bearer(dinsos)).json()
    assert [c["id"] for c in data["items"]] == [other.pk]
    assert client.get(f"{URL}?kelurahan=abc", **bearer(dinsos)).status_code == 422


def test_openapi_lists_case_endpoints(client, dinsos):
    client.force_login(dinsos)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/{case_id}/close" in schema["paths"]
    assert any(t["name"] == "Penanganan" for t in schema.get("tags", [])) or any(
        "Penanganan" in op.get("tags", [])
        for path in schema["paths"].values()
        for op in path.values()
    )
