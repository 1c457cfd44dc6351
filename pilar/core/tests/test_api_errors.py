"""API: OpenAPI document, docs page, and the JSON error format (never a 500 for bad input)."""

import json

import pytest
from django.db import IntegrityError

from pilar.accounts.models import ApiToken
from pilar.registry.models import Household

pytestmark = pytest.mark.django_db

URL = "/api/v1/households"


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_lists_paths(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Pilar API"
    assert schema["info"]["version"] == "1"
    assert "Wilayah kerja" in schema["info"]["description"]
    paths = schema["paths"]
    for path in [
        "/api/v1/regions/districts",
        "/api/v1/regions/villages",
        "/api/v1/households",
        "/api/v1/households/{household_id}",
        "/api/v1/persons",
        "/api/v1/persons/{person_id}",
        "/api/v1/persons/{person_id}/move",
        "/api/v1/ppks/types",
        "/api/v1/ppks/records",
        "/api/v1/ppks/records/{record_id}",
        "/api/v1/ppks/records/{record_id}/end",
    ]:
        assert path in paths, path
    assert set(paths["/api/v1/households"]) == {"get", "post"}
    assert set(paths["/api/v1/households/{household_id}"]) == {"get", "patch"}
    params = {p["name"] for p in paths["/api/v1/households"]["get"]["parameters"]}
    assert params >= {"search", "kelurahan", "kecamatan", "ppks_type", "life_status", "limit"}
    assert "bearer" in json.dumps(schema["components"]["securitySchemes"]).lower()


def test_docs_page_served_without_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "cdn.jsdelivr" not in html


def test_malformed_json_is_400_json(client, dinsos):
    before = Household.objects.count()
    response = client.post(URL, data="{no_kk: 1", content_type="application/json", **bearer(dinsos))
    assert response.status_code == 400
    data = response.json()
    assert data["message"] == "Isi permintaan bukan JSON yang valid."
    assert "__all__" in data["errors"]
    assert Household.objects.count() == before


def test_body_not_an_object_is_422(client, dinsos):
    response = client.post(URL, data="[1, 2]", content_type="application/json", **bearer(dinsos))
    assert response.status_code == 422
    data = response.json()
    assert data["message"] == "Data tidak valid. Periksa isian yang ditandai."
    assert data["errors"] == {"__all__": ["Harus berupa objek JSON."]}


def test_wrong_types_map_to_field_names(client, dinsos):
    body = {"address": 12, "kelurahan": ["x"], "members": [{"name": "A", "birth_date": "kemarin"}]}
    response = client.post(
        URL, data=json.dumps(body), content_type="application/json", **bearer(dinsos)
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["address"] == ["Harus berupa teks."]
    assert errors["kelurahan"] == ["Harus berupa teks."]
    assert errors["members[0].birth_date"][0].startswith("Tanggal tidak valid")


def test_bad_path_parameter_is_json(client, dinsos):
    response = client.get(f"{URL}/abc", **bearer(dinsos))
    assert response.status_code == 422
    assert response.json()["errors"] == {"household_id": ["Harus berupa bilangan bulat."]}


def test_unexpected_error_is_json_500(client, dinsos, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("pilar.web.api.households_for", boom)
    response = client.get(URL, **bearer(dinsos))
    assert response.status_code == 500
    assert response.json() == {
        "message": "Terjadi kesalahan pada server. Kejadian ini sudah dicatat."
    }


def test_race_on_unique_constraint_is_409(client, dinsos, monkeypatch):
    def clash(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr("pilar.registry.actions.create_household", clash)
    body = {"no_kk": "3671010000000001", "address": "Jl. A", "kelurahan": "36.71.01.1001"}
    response = client.post(
        URL, data=json.dumps(body), content_type="application/json", **bearer(dinsos)
    )
    assert response.status_code == 409
    assert "bentrok" in response.json()["message"]
