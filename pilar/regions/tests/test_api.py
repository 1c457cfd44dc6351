"""API: the deployment's kecamatan and kelurahan."""

import pytest

from pilar.accounts.models import ApiToken
from pilar.regions.models import Village

pytestmark = pytest.mark.django_db


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_districts(client, psm_a):
    response = client.get("/api/v1/regions/districts", **bearer(psm_a))
    assert response.status_code == 200
    districts = response.json()
    assert len(districts) == 13
    assert districts[0] == {"code": "36.71.01", "name": "Tangerang"}
    assert all(d["code"].startswith("36.71.") for d in districts)


def test_villages_all_and_by_kecamatan(client, mitra):
    headers = bearer(mitra)
    villages = client.get("/api/v1/regions/villages", **headers).json()
    assert len(villages) == 104
    assert {v["district_code"][:5] for v in villages} == {"36.71"}
    expected = set(Village.objects.filter(district_id="36.71.01").values_list("code", flat=True))
    for kecamatan in ("36.71.01", "367101"):
        response = client.get("/api/v1/regions/villages", {"kecamatan": kecamatan}, **headers)
        rows = response.json()
        assert {v["code"] for v in rows} == expected
        assert {v["district_code"] for v in rows} == {"36.71.01"}
        assert rows[0]["district_name"] == "Tangerang"
    village = Village.objects.get(pk="36.71.01.1001")
    assert {"code": village.code, "name": village.name} in [
        {"code": v["code"], "name": v["name"]} for v in villages
    ]


def test_villages_of_another_regency_not_listed(client, dinsos):
    response = client.get("/api/v1/regions/villages", {"kecamatan": "32.73.01"}, **bearer(dinsos))
    assert response.json() == []


def test_regency(client, dinsos):
    data = client.get("/api/v1/regions/regency", **bearer(dinsos)).json()
    assert data["code"] == "36.71"
    assert data["province_code"] == "36"
    assert "TANGERANG" in data["name"].upper()


def test_regions_need_authentication(client):
    response = client.get("/api/v1/regions/districts")
    assert response.status_code == 401
    assert response.json()["message"]
