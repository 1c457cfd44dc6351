"""The field app's API: device token (session + CSRF only) and the scoped package."""

from __future__ import annotations

import gzip
import json

import pytest
from django.test import Client

from pilar.accounts.models import ApiToken
from pilar.conftest import (
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    make_household,
    make_kk,
    make_nik,
)
from pilar.core.identity import mask
from pilar.ppks.models import PpksRecord, PpksType
from pilar.registry.models import Household, Person

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/field/token"
PACKAGE_URL = "/api/v1/field/package"


def bearer(user) -> dict:
    _, key = ApiToken.issue(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def package(user, **params) -> tuple[int, dict]:
    response = Client().get(PACKAGE_URL, params, **bearer(user))
    return response.status_code, response.json()


def csrf_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get("/lapangan/")
    assert page.status_code == 200
    return client, client.cookies["csrftoken"].value


# Token -------------------------------------------------------------------------------


def test_token_issued_for_session_with_csrf(psm_a):
    client, csrf = csrf_client(psm_a)
    response = client.post(
        TOKEN_URL, data="{}", content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token"].startswith("plr_")
    assert body["user"]["username"] == "psm-a"
    assert body["user"]["role"] == "psm"
    assert body["user"]["kelurahan"] == VILLAGE_A
    assert body["user"]["kecamatan"] == VILLAGE_A[:8]
    assert body["user"]["kelurahan_name"]
    token = ApiToken.objects.get(key_hash=ApiToken.hash_key(body["token"]))
    assert token.user == psm_a and token.name == "Aplikasi lapangan"
    # The token works for the package.
    response = Client().get(PACKAGE_URL, HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert response.status_code == 200


def test_token_refused_without_csrf(psm_a):
    client, _ = csrf_client(psm_a)
    response = client.post(TOKEN_URL, data="{}", content_type="application/json")
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=psm_a).exists()


def test_token_refused_without_session(psm_a):
    assert Client().post(TOKEN_URL, data="{}", content_type="application/json").status_code == 401
    # A bearer token cannot mint more tokens.
    headers = bearer(psm_a)
    response = Client().post(TOKEN_URL, data="{}", content_type="application/json", **headers)
    assert response.status_code == 401
    assert ApiToken.objects.filter(user=psm_a).count() == 1


def test_token_replaces_previous_device_token(psm_a):
    client, csrf = csrf_client(psm_a)
    first = client.post(
        TOKEN_URL, data="{}", content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    ).json()["token"]
    second = client.post(
        TOKEN_URL,
        data=json.dumps({"previous_token": first}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    ).json()["token"]
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(first)).revoked_at is not None
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(second)).revoked_at is None


def test_revoke_token(psm_a):
    headers = bearer(psm_a)
    assert Client().post(TOKEN_URL + "/revoke", **headers).status_code == 204
    assert Client().get(PACKAGE_URL, **headers).status_code == 401


@pytest.mark.parametrize("persona", ["mitra", "pimpinan"])
def test_token_and_package_refused_for_read_only_roles(persona, request):
    user = request.getfixturevalue(persona)
    client = Client()  # CSRF not enforced: the role alone must refuse
    client.force_login(user)
    response = client.post(TOKEN_URL, data="{}", content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" not in response.json()["message"]
    assert not ApiToken.objects.filter(user=user, name="Aplikasi lapangan").exists()
    status, _ = package(user, kelurahan=VILLAGE_A)
    assert status == 403


# Package -----------------------------------------------------------------------------


def test_psm_package_holds_only_their_kelurahan(psm_a, dinsos):
    mine = make_household(
        dinsos,
        VILLAGE_A,
        members=[
            {
                "nik": make_nik("L", "1970-01-02"),
                "name": "Ahmad Kepala",
                "sex": "L",
                "birth_date": "1970-01-02",
                "relation": "kepala",
            },
            {
                "nik": make_nik("P", "2020-06-01"),
                "name": "Siti Anak",
                "sex": "P",
                "birth_date": "2020-06-01",
                "relation": "anak",
            },
        ],
    )
    other_kel = make_household(dinsos, VILLAGE_A2, address="Jl. Lain 1")
    other_kec = make_household(dinsos, VILLAGE_B, address="Jl. Jauh 2")
    status, body = package(psm_a)
    assert status == 200
    ids = [h["id"] for h in body["households"]]
    assert ids == [mine.pk]
    assert other_kel.pk not in ids and other_kec.pk not in ids
    hh = body["households"][0]
    assert [m["name"] for m in hh["members"]] == ["Ahmad Kepala", "Siti Anak"]
    assert body["area"]["kelurahan"] == [
        {
            "code": VILLAGE_A,
            "name": body["area"]["kelurahan"][0]["name"],
            "kecamatan": VILLAGE_A[:8],
            "kecamatan_name": body["area"]["kelurahan"][0]["kecamatan_name"],
        }
    ]
    # PSM may not widen their area with the parameter.
    status, body = package(psm_a, kelurahan=VILLAGE_B)
    assert status == 422
    assert "kelurahan" in body["errors"]


def test_package_masks_nik_and_kk(psm_a, dinsos):
    nik = make_nik("L", "1975-03-12")
    kk = make_kk()
    make_household(
        dinsos,
        VILLAGE_A,
        no_kk=kk,
        members=[
            {
                "nik": nik,
                "name": "Budi",
                "sex": "L",
                "birth_date": "1975-03-12",
                "relation": "kepala",
            }
        ],
    )
    status, body = package(psm_a)
    assert status == 200
    hh = body["households"][0]
    assert hh["no_kk"] == mask(kk) and "*" in hh["no_kk"]
    assert hh["members"][0]["nik"] == mask(nik)
    text = json.dumps(body)
    assert nik not in text and kk not in text


def test_tksk_gets_kecamatan_and_may_narrow(tksk_a, dinsos):
    a = make_household(dinsos, VILLAGE_A)
    a2 = make_household(dinsos, VILLAGE_A2)
    b = make_household(dinsos, VILLAGE_B)
    status, body = package(tksk_a)
    assert status == 200
    ids = {h["id"] for h in body["households"]}
    assert ids == {a.pk, a2.pk}
    assert b.pk not in ids
    status, body = package(tksk_a, kelurahan=VILLAGE_A2)
    assert {h["id"] for h in body["households"]} == {a2.pk}
    status, body = package(tksk_a, kelurahan=VILLAGE_B)
    assert status == 422


def test_dinsos_must_name_a_kelurahan(dinsos):
    a = make_household(dinsos, VILLAGE_A)
    b = make_household(dinsos, VILLAGE_B)
    status, body = package(dinsos)
    assert status == 422
    assert "kelurahan" in body["errors"]
    status, body = package(dinsos, kelurahan=VILLAGE_B.replace(".", ""))
    assert status == 200
    assert [h["id"] for h in body["households"]] == [b.pk]
    assert a.pk not in [h["id"] for h in body["households"]]
    assert len(body["area"]["kelurahan"]) == 1


def test_inactive_households_and_persons_left_out(psm_a, dinsos):
    kept = make_household(dinsos, VILLAGE_A)
    gone = make_household(dinsos, VILLAGE_A)
    Household.objects.filter(pk=gone.pk).update(is_active=False)
    extra = Person.objects.filter(household=kept).first()
    Person.objects.filter(pk=extra.pk).update(is_active=False)
    status, body = package(psm_a)
    assert [h["id"] for h in body["households"]] == [kept.pk]
    assert body["households"][0]["members"] == []


def _ppks(household, person, number, actor):
    ppks_type = PpksType.objects.get(number=number)
    return PpksRecord.objects.create(
        ppks_type=ppks_type,
        person=person,
        household=household,
        date_found="2024-01-10",
        reporter=actor,
    )


def test_package_ppks_records_hide_restricted_types(psm_a, dinsos):
    household = make_household(dinsos, VILLAGE_A)
    person = household.members.first()
    visible = _ppks(household, None, 24, dinsos)  # Fakir Miskin, household level
    restricted = _ppks(household, person, 16, dinsos)  # ODHA: health data
    ended = _ppks(household, person, 11, dinsos)
    PpksRecord.objects.filter(pk=ended.pk).update(status="selesai")

    status, body = package(psm_a)
    records = body["households"][0]["ppks"]
    assert [r["id"] for r in records] == [visible.pk]
    assert records[0]["ppks_type"] == 24 and records[0]["person_id"] is None
    numbers = [t["number"] for t in body["reference"]["ppks_types"]]
    assert 16 not in numbers and 24 in numbers

    status, body = package(dinsos, kelurahan=VILLAGE_A)
    assert {r["id"] for r in body["households"][0]["ppks"]} == {visible.pk, restricted.pk}
    assert 16 in [t["number"] for t in body["reference"]["ppks_types"]]


def test_package_reference_lists(psm_a):
    status, body = package(psm_a)
    ref = body["reference"]
    assert "36" in ref["province_codes"] and "11" in ref["province_codes"]
    assert {"value": "L", "label": "Laki-laki"} in ref["choices"]["sex"]
    for name in ("floor_material", "wall_material", "roof_material", "condition", "toilet"):
        assert ref["choices"][name], name
    assert [c["value"] for c in ref["choices"]["person_change"]] == [
        "koreksi",
        "meninggal",
        "pindah",
    ]
    toddler = next(t for t in ref["ppks_types"] if t["number"] == 1)
    assert toddler["level"] == "individu" and toddler["max_age"] is not None
    prse = next(t for t in ref["ppks_types"] if t["number"] == 23)
    assert prse["sex"] == "P"
    assert body["user"]["username"] == "psm-a"


def test_package_is_gzipped_when_accepted(psm_a, dinsos):
    for _ in range(5):
        make_household(dinsos, VILLAGE_A)
    headers = bearer(psm_a)
    response = Client().get(PACKAGE_URL, HTTP_ACCEPT_ENCODING="gzip, deflate", **headers)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(response.content))
    assert len(body["households"]) == 5
    plain = Client().get(PACKAGE_URL, **headers)
    assert "Content-Encoding" not in plain
    assert len(plain.json()["households"]) == 5


def test_package_query_count_does_not_grow(psm_a, dinsos, django_assert_max_num_queries):
    for _ in range(12):
        make_household(dinsos, VILLAGE_A)
    headers = bearer(psm_a)
    with django_assert_max_num_queries(12):
        response = Client().get(PACKAGE_URL, **headers)
    assert len(response.json()["households"]) == 12


# Pages ---------------------------------------------------------------------------------


def test_app_page_requires_login():
    response = Client().get("/lapangan/")
    assert response.status_code == 302
    assert "/akun/masuk/" in response["Location"]


def test_app_page_and_service_worker(psm_a):
    client = Client()
    client.force_login(psm_a)
    page = client.get("/lapangan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "fieldapp/app.js" in html and "pilar-config" in html
    sw = client.get("/lapangan/sw.js")
    assert sw.status_code == 200
    assert sw["Service-Worker-Allowed"] == "/lapangan/"
    assert sw["Content-Type"].startswith("application/javascript")
    text = sw.content.decode()
    assert "__VERSION__" not in text and "/static/fieldapp/app.js" in text
    manifest = client.get("/lapangan/manifest.webmanifest").json()
    assert manifest["scope"] == "/lapangan/" and manifest["start_url"] == "/lapangan/"
    assert any(icon["sizes"] == "512x512" for icon in manifest["icons"])


def test_app_page_refused_for_read_only_roles(pimpinan):
    client = Client()
    client.force_login(pimpinan)
    assert client.get("/lapangan/").status_code == 403
