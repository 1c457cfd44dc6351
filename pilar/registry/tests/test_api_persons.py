"""API: person list, detail (logged), create, update and move."""

import json

import pytest

from pilar.accounts.models import ApiToken
from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, VILLAGE_B, make_household, make_nik
from pilar.ppks.actions import create_ppks_record
from pilar.ppks.models import PpksRecord
from pilar.registry.models import Person

pytestmark = pytest.mark.django_db

URL = "/api/v1/persons"


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def send(client, method, url, body, headers):
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **headers
    )


def member(name, sex="L", birth="2005-04-03", relation="anak", **extra):
    return {
        "nik": make_nik(sex, birth),
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "relation": relation,
        **extra,
    }


# List -------------------------------------------------------------------------------


def test_list_by_nik_and_scope(client, psm_a, psm_b, household_a, household_b):
    person_a = household_a.members.get()
    response = client.get(URL, {"nik": person_a.nik}, **bearer(psm_a))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["id"] == person_a.pk
    assert item["nik"] == person_a.nik
    assert item["name"] == "Budi Santoso"
    assert item["household_id"] == household_a.pk
    assert item["kelurahan"] == VILLAGE_A
    assert item["birth_date"] == "1975-03-12"
    assert isinstance(item["age"], int)
    # Another kelurahan's PSM: the same NIK finds nothing.
    # A NIK that is no number finds nothing rather than everything.
    response = client.get(URL, {"nik": "budi"}, **bearer(psm_a))
    assert response.status_code == 422
    assert response.json()["errors"] == {"nik": ["NIK hanya boleh berisi angka."]}
    data = client.get(URL, {"nik": person_a.nik}, **bearer(psm_b)).json()
    assert data == {"items": [], "count": 0}
    ids = {i["id"] for i in client.get(URL, **bearer(psm_b)).json()["items"]}
    assert ids == {household_b.members.get().pk}


def test_search_misspelt_name(client, dinsos):
    household = make_household(dinsos, members=[member("Muhammad Rizky", relation="kepala")])
    make_household(dinsos, members=[member("Dewi Lestari", sex="P", relation="kepala")])
    data = client.get(URL, {"search": "Muhamad Rizki"}, **bearer(dinsos)).json()
    assert [i["name"] for i in data["items"]] == ["Muhammad Rizky"]
    assert data["items"][0]["household_id"] == household.pk


def test_list_masked_for_pimpinan(client, pimpinan, household_a):
    nik = household_a.members.get().nik
    response = client.get(URL, **bearer(pimpinan))
    assert response.json()["items"][0]["nik"] == nik[:4] + "********" + nik[-4:]
    assert nik not in response.content.decode()


def test_list_filters_and_pagination(client, dinsos):
    household = make_household(
        dinsos,
        members=[
            member("Kepala Satu", birth="1960-01-01", relation="kepala"),
            member("Anak Satu"),
            member("Anak Dua", sex="P"),
        ],
    )
    make_household(dinsos, VILLAGE_B)
    old = household.members.get(name="Kepala Satu")
    create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 8, "person": old, "date_found": "2024-03-01"}
    )
    headers = bearer(dinsos)
    data = client.get(URL, {"kelurahan": "3671011001", "limit": 2}, **headers).json()
    assert data["count"] == 3
    assert len(data["items"]) == 2
    data = client.get(URL, {"ppks_type": 8}, **headers).json()
    assert [i["id"] for i in data["items"]] == [old.pk]
    data = client.get(URL, {"kecamatan": "36.71.02"}, **headers).json()
    assert data["count"] == 1


def test_list_query_count(client, dinsos, django_assert_max_num_queries):
    for _ in range(10):
        make_household(dinsos, members=[member("Ayah", relation="kepala"), member("Anak")])
    headers = bearer(dinsos)
    client.get(URL, **headers)
    with django_assert_max_num_queries(4):
        data = client.get(URL, **headers).json()
    assert len(data["items"]) == 20


# Detail -----------------------------------------------------------------------------


def test_detail_logged(client, tksk_a, household_a):
    person = household_a.members.get()
    response = client.get(f"{URL}/{person.pk}", **bearer(tksk_a))
    assert response.status_code == 200
    data = response.json()
    assert data["nik"] == person.nik
    assert data["memberships"][0]["household_id"] == household_a.pk
    assert data["memberships"][0]["end_date"] is None
    assert data["ppks_records"] == []
    log = AccessLog.objects.get()
    assert log.user == tksk_a
    assert log.action == "lihat_individu"
    assert log.object_id == str(person.pk)
    assert log.path == f"{URL}/{person.pk}"


def test_detail_out_of_area_404_not_logged(client, psm_b, household_a):
    person = household_a.members.get()
    response = client.get(f"{URL}/{person.pk}", **bearer(psm_b))
    assert response.status_code == 404
    assert response.json() == {"message": "Data tidak ditemukan."}
    assert person.name not in response.content.decode()
    assert not AccessLog.objects.exists()


# Create -----------------------------------------------------------------------------


def test_create_person(client, dinsos, household_a):
    payload = {**member("Sari Ayu", sex="P"), "household_id": household_a.pk}
    response = send(client, "post", URL, payload, bearer(dinsos))
    assert response.status_code == 201, response.content
    person = Person.objects.get(pk=response.json()["id"])
    assert person.household == household_a
    assert person.nik == payload["nik"]
    assert person.memberships.get().household == household_a
    assert response.json()["name"] == "Sari Ayu"


@pytest.mark.parametrize(
    ("extra", "field", "fragment"),
    [
        ({"nik": "367101170580000"}, "nik", "16 digit"),
        ({"nik": "3671011705800000"}, "nik", "0000"),
        ({"nik": "36710117058x0001"}, "nik", "angka"),
        ({"birth_date": "2023-02-30"}, "birth_date", "Tanggal tidak valid"),
        (
            {"birth_date": "2099-01-01", "nik": None, "nik_missing_reason": "belum_rekam"},
            "birth_date",
            "masa depan",
        ),
        ({"sex": "X"}, "sex", "tidak dikenal"),
        ({"name": ""}, "name", "wajib"),
        ({"relation": "kepala"}, "relation", "sudah memiliki kepala"),
        ({"disabilities": ["fisik", "terbang"]}, "disabilities", "tidak dikenal"),
        ({"disabilities": "fisik"}, "disabilities", "daftar"),
        ({"household_id": "satu"}, "household_id", "bilangan bulat"),
    ],
)
def test_create_bad_input_writes_nothing(client, dinsos, household_a, extra, field, fragment):
    payload = {**member("Anak Baru"), "household_id": household_a.pk, **extra}
    before = Person.objects.count()
    response = send(client, "post", URL, payload, bearer(dinsos))
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["message"]
    assert any(fragment.lower() in m.lower() for m in data["errors"][field]), data
    assert Person.objects.count() == before


def test_create_nik_mismatch_needs_reason(client, dinsos, household_a):
    payload = {
        **member("Anak Baru", sex="L"),
        "nik": make_nik("P", "2005-04-03"),
        "household_id": household_a.pk,
    }
    headers = bearer(dinsos)
    response = send(client, "post", URL, payload, headers)
    assert response.status_code == 422
    data = response.json()
    assert data["codes"] == {"nik": "nik_mismatch", "nik_mismatch_reason": "nik_mismatch"}
    assert "perempuan" in data["errors"]["nik"][0]
    payload["nik_mismatch_reason"] = "Sesuai KTP asli"
    response = send(client, "post", URL, payload, headers)
    assert response.status_code == 201
    assert Person.objects.get(pk=response.json()["id"]).nik_mismatch_reason == "Sesuai KTP asli"


def test_create_duplicate_active_nik(client, dinsos, household_a, household_b):
    nik = household_a.members.get().nik
    payload = {**member("Kembar"), "nik": nik, "household_id": household_b.pk}
    response = send(client, "post", URL, payload, bearer(dinsos))
    assert response.status_code == 422
    assert "sudah terdaftar" in response.json()["errors"]["nik"][0]
    assert Person.objects.filter(nik=nik).count() == 1


def test_create_in_out_of_area_household_refused(client, psm_b, household_a):
    payload = {**member("Penyusup"), "household_id": household_a.pk}
    before = Person.objects.count()
    response = send(client, "post", URL, payload, bearer(psm_b))
    assert response.status_code == 422
    assert response.json()["errors"] == {"household_id": ["Keluarga tidak ditemukan."]}
    assert Person.objects.count() == before


def test_create_refused_for_field_workers_in_their_area(client, psm_a, tksk_a, household_a):
    before = Person.objects.count()
    for user in (psm_a, tksk_a):
        payload = {**member("Anak Baru"), "household_id": household_a.pk}
        response = send(client, "post", URL, payload, bearer(user))
        assert response.status_code == 403, response.content
        assert "laporan lapangan" in response.json()["message"]
    assert Person.objects.count() == before


def test_create_refused_for_pimpinan_and_mitra(client, pimpinan, mitra, household_a):
    payload = {**member("Anak Baru"), "household_id": household_a.pk}
    before = Person.objects.count()
    assert send(client, "post", URL, payload, bearer(pimpinan)).status_code == 403
    assert send(client, "post", URL, payload, bearer(mitra)).status_code == 403
    assert Person.objects.count() == before


# Update and move --------------------------------------------------------------------


def test_patch_records_death_with_history(client, dinsos, household_a):
    person = household_a.members.get()
    response = send(
        client,
        "patch",
        f"{URL}/{person.pk}",
        {"life_status": "meninggal", "life_status_date": "2024-05-06"},
        bearer(dinsos),
    )
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.life_status == "meninggal"
    assert str(person.life_status_date) == "2024-05-06"
    assert person.name == "Budi Santoso"
    event = Person.pgh_event_model.objects.get(pgh_obj_id=person.pk, pgh_label="update")
    assert event.life_status == "meninggal"
    assert event.pgh_context.metadata["user"] == dinsos.pk


def test_patch_bad_and_out_of_area(client, dinsos, psm_a, psm_b, household_a):
    person = household_a.members.get()
    url = f"{URL}/{person.pk}"
    response = send(client, "patch", url, {"birth_date": "1975-02-30"}, bearer(dinsos))
    assert response.status_code == 422
    assert "birth_date" in response.json()["errors"]
    # Outside the area: invisible (404); inside it, a PSM is refused (403).
    response = send(client, "patch", url, {"name": "Diganti"}, bearer(psm_b))
    assert response.status_code == 404
    response = send(client, "patch", url, {"name": "Diganti"}, bearer(psm_a))
    assert response.status_code == 403
    assert "laporan lapangan" in response.json()["message"]
    person.refresh_from_db()
    assert person.name == "Budi Santoso"
    assert str(person.birth_date) == "1975-03-12"


def test_move_person_with_ppks(client, dinsos, psm_a):
    # PSM gets 403 and nothing moves; Dinas Sosial moves the person and their PPKS.
    source = make_household(
        dinsos,
        members=[member("Ayah", birth="1970-01-01", relation="kepala"), member("Anak Pindah")],
    )
    target = make_household(dinsos, address="Jl. Tujuan")
    child = source.members.get(name="Anak Pindah")
    record = create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 2, "person": child, "date_found": "2024-01-01"}
    )
    move = {"household_id": target.pk, "relation": "famili_lain", "reason": "Ikut paman"}
    response = send(client, "post", f"{URL}/{child.pk}/move", move, bearer(psm_a))
    assert response.status_code == 403, response.content
    child.refresh_from_db()
    assert child.household == source
    assert child.memberships.count() == 1
    response = send(client, "post", f"{URL}/{child.pk}/move", move, bearer(dinsos))
    assert response.status_code == 200, response.content
    child.refresh_from_db()
    assert child.household == target
    assert [m["household_id"] for m in response.json()["memberships"]] == [target.pk, source.pk]
    assert PpksRecord.objects.get(pk=record.pk).household == target


def test_move_bad_input(client, dinsos, psm_a, household_a, household_b):
    person = household_a.members.get()
    url = f"{URL}/{person.pk}/move"
    response = send(
        client, "post", url, {"household_id": household_a.pk, "relation": "anak"}, bearer(dinsos)
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "household_id" in errors and "reason" in errors
    # Into another area: the target is "not found" for this PSM.
    response = send(
        client,
        "post",
        url,
        {"household_id": household_b.pk, "relation": "anak", "reason": "x"},
        bearer(psm_a),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"household_id": ["Keluarga tidak ditemukan."]}
    person.refresh_from_db()
    assert person.household == household_a
