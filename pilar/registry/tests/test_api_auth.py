"""API authentication (bearer token, session), role refusals and history context."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from pilar.accounts.models import ApiToken, SecurityPolicy
from pilar.conftest import VILLAGE_A, make_household, make_kk
from pilar.registry.models import Household

pytestmark = pytest.mark.django_db

URL = "/api/v1/households"


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post_json(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def new_household_body(**extra):
    return {
        "no_kk": make_kk(),
        "address": "Jl. Anggrek No. 3",
        "rt": "4",
        "rw": "1",
        "kelurahan": VILLAGE_A,
        **extra,
    }


def test_missing_auth_is_401_json_in_indonesian(client, household_a):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Autentikasi diperlukan" in response.json()["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert household_a.address not in response.content.decode()


@pytest.mark.parametrize("header", ["Bearer plr_salah", "Bearer ", "Token abc"])
def test_invalid_token_is_401(client, dinsos, household_a, header):
    response = client.get(URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["message"]
    assert "items" not in response.json()


def test_revoked_token_and_inactive_user_refused(client, dinsos, household_a):
    token, key = ApiToken.issue(dinsos)
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert "dicabut" in response.json()["message"]

    _, key2 = ApiToken.issue(dinsos)
    dinsos.is_active = False
    dinsos.save()
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key2}").status_code == 401


def test_last_used_at_touched_at_most_once_a_minute(client, dinsos):
    token, key = ApiToken.issue(dinsos)
    assert token.last_used_at is None
    client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}")
    token.refresh_from_db()
    assert token.last_used_at == first
    # An hour later the next call records the new use.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(hours=1))
    client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}")
    token.refresh_from_db()
    assert token.last_used_at > first - datetime.timedelta(minutes=1)


def test_session_read_and_csrf_protected_write(dinsos, household_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dinsos)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 1

    before = Household.objects.count()
    response = post_json(client, URL, new_household_body())
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    assert Household.objects.count() == before

    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    response = post_json(client, URL, new_household_body(), HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201, response.content
    assert Household.objects.count() == before + 1


def test_session_waiting_for_2fa_is_refused_but_token_works(client, dinsos, household_a):
    policy = SecurityPolicy.current()
    policy.require_2fa_dinsos = True
    policy.save()
    client.force_login(dinsos)
    response = client.get(URL)
    assert response.status_code == 401
    assert "2FA" in response.json()["message"]
    assert household_a.address not in response.content.decode()
    assert client.get(URL, **bearer(dinsos)).json()["count"] == 1


def test_token_write_records_user_in_history(client, dinsos):
    headers = bearer(dinsos)
    response = post_json(client, URL, new_household_body(), **headers)
    assert response.status_code == 201, response.content
    household_id = response.json()["id"]
    events = Household.pgh_event_model.objects.filter(pgh_obj_id=household_id)
    insert = events.get(pgh_label="insert")
    assert insert.pgh_context.metadata["user"] == dinsos.pk
    assert insert.pgh_context.metadata["url"] == URL

    response = client.patch(
        f"{URL}/{household_id}",
        data=json.dumps({"address": "Jl. Anggrek No. 30"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    update = events.get(pgh_label="update")
    assert update.address == "Jl. Anggrek No. 30"
    assert update.pgh_context.metadata["user"] == dinsos.pk


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/households",
        "/api/v1/persons",
        "/api/v1/ppks/records",
    ],
)
def test_mitra_gets_403_on_people_data(client, mitra, household_a, url):
    response = client.get(url, **bearer(mitra))
    assert response.status_code == 403
    assert "individu dan keluarga" in response.json()["message"]
    assert household_a.address not in response.content.decode()


def test_mitra_refused_on_detail_and_write(client, mitra, household_a):
    headers = bearer(mitra)
    assert client.get(f"{URL}/{household_a.pk}", **headers).status_code == 403
    person = household_a.members.get()
    assert client.get(f"/api/v1/persons/{person.pk}", **headers).status_code == 403
    before = Household.objects.count()
    assert post_json(client, URL, new_household_body(), **headers).status_code == 403
    assert Household.objects.count() == before


def test_mitra_may_read_regions_and_ppks_types(client, mitra):
    headers = bearer(mitra)
    assert len(client.get("/api/v1/regions/districts", **headers).json()) == 13
    assert len(client.get("/api/v1/ppks/types", **headers).json()) == 26


def test_pimpinan_reads_masked_but_cannot_write(client, pimpinan, household_a):
    headers = bearer(pimpinan)
    item = client.get(URL, **headers).json()["items"][0]
    assert item["no_kk"] == household_a.masked_no_kk
    assert item["no_kk"] != household_a.no_kk

    before = Household.objects.count()
    response = post_json(client, URL, new_household_body(), **headers)
    assert response.status_code == 403
    assert "hanya dapat membaca" in response.json()["message"]
    assert Household.objects.count() == before

    response = client.patch(
        f"{URL}/{household_a.pk}",
        data=json.dumps({"address": "Jl. Dirubah"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Melati No. 5"


def test_pimpinan_refused_before_body_is_parsed(client, pimpinan):
    # The role check runs first: a refused role learns nothing from validation.
    response = client.post(
        URL, data="{bukan json", content_type="application/json", **bearer(pimpinan)
    )
    assert response.status_code == 403


def test_token_user_sees_own_area_only(client, psm_a, dinsos):
    make_household(dinsos, VILLAGE_A)
    make_household(dinsos, "36.71.02.1001", address="Jl. Kenanga")
    body = client.get(URL, **bearer(psm_a)).json()
    assert body["count"] == 1
    assert {item["kelurahan"] for item in body["items"]} == {VILLAGE_A}
