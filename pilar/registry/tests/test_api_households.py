"""API: household list, detail, create and update, with scoping and bad input."""

import json

import pytest

from pilar.accounts.models import ApiToken
from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_household, make_kk, make_nik
from pilar.ppks.actions import create_ppks_record
from pilar.registry.actions import update_person
from pilar.registry.models import Household, Person

pytestmark = pytest.mark.django_db

URL = "/api/v1/households"


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def send(client, method, url, body, headers):
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **headers
    )


def head(name, sex="L", birth="1970-01-01", **extra):
    return {
        "nik": make_nik(sex, birth),
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "relation": "kepala",
        **extra,
    }


def body(**extra):
    return {
        "no_kk": make_kk(),
        "address": "Jl. Anggrek No. 3",
        "rt": "4",
        "rw": "1",
        "kelurahan": VILLAGE_A,
        **extra,
    }


# List -------------------------------------------------------------------------------


def test_list_item_fields(client, dinsos, household_a):
    response = client.get(URL, **bearer(dinsos))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["id"] == household_a.pk
    assert item["no_kk"] == household_a.no_kk  # dinsos may reveal
    assert item["kelurahan"] == "36.71.01.1001"
    assert item["kecamatan"] == "36.71.01"
    assert item["kelurahan_name"] == household_a.village.name
    assert item["rt"] == "001" and item["rw"] == "002"
    assert item["address"] == "Jl. Melati No. 5"
    assert item["member_count"] == 1
    assert item["latitude"] is None
    assert set(item) >= {
        "no_kk_missing_reason",
        "longitude",
        "house_ownership",
        "land_status",
    }


def test_member_count_excludes_deceased(client, dinsos):
    household = make_household(
        dinsos,
        members=[head("Ayah Satu"), head("Anak Satu", birth="2001-02-03", relation="anak")],
    )
    child = household.members.get(name="Anak Satu")
    update_person(
        child,
        acting_user=dinsos,
        data={"life_status": "meninggal", "life_status_date": "2024-01-01"},
    )
    item = client.get(URL, **bearer(dinsos)).json()["items"][0]
    assert item["member_count"] == 1


def test_scoping_per_role(client, psm_a, psm_b, tksk_a, dinsos):
    a = make_household(dinsos, VILLAGE_A, members=[head("Ahmad Fauzi")])
    a2 = make_household(dinsos, VILLAGE_A2, members=[head("Cecep Supriadi")])
    b = make_household(dinsos, VILLAGE_B, members=[head("Bambang Sutrisno")])

    def ids(user):
        data = client.get(URL, **bearer(user)).json()
        assert data["count"] == len(data["items"])
        return {item["id"] for item in data["items"]}

    assert ids(psm_a) == {a.pk}
    assert ids(psm_b) == {b.pk}
    assert ids(tksk_a) == {a.pk, a2.pk}
    assert ids(dinsos) == {a.pk, a2.pk, b.pk}
    response = client.get(URL, **bearer(psm_a))
    assert "Bambang" not in response.content.decode()


def test_pagination_shape_and_order(client, dinsos):
    created = [make_household(dinsos).pk for _ in range(5)]
    headers = bearer(dinsos)
    data = client.get(URL, {"limit": 2, "offset": 1}, **headers).json()
    assert data["count"] == 5
    newest_first = sorted(created, reverse=True)
    assert [item["id"] for item in data["items"]] == newest_first[1:3]
    data = client.get(URL, {"limit": 2, "offset": 4}, **headers).json()
    assert [item["id"] for item in data["items"]] == newest_first[4:]
    data = client.get(URL, {"offset": 10}, **headers).json()
    assert data == {"items": [], "count": 5}
    assert len(client.get(URL, **headers).json()["items"]) == 5  # default limit 25


@pytest.mark.parametrize("params", [{"limit": 201}, {"limit": 0}, {"offset": -1}])
def test_bad_pagination_is_422(client, dinsos, params):
    response = client.get(URL, params, **bearer(dinsos))
    assert response.status_code == 422
    data = response.json()
    assert data["message"]
    assert list(data["errors"]) == list(params)


def test_limit_200_allowed(client, dinsos, household_a):
    assert client.get(URL, {"limit": 200}, **bearer(dinsos)).status_code == 200


def test_search_nik_kk_and_misspelt_name(client, dinsos):
    rizky = make_household(dinsos, members=[head("Muhammad Rizky")])
    other = make_household(dinsos, members=[head("Siti Aminah", sex="P")])
    headers = bearer(dinsos)

    def found(search):
        return [i["id"] for i in client.get(URL, {"search": search}, **headers).json()["items"]]

    assert found("Muhamad Rizki") == [rizky.pk]
    assert found(rizky.members.get().nik) == [rizky.pk]
    assert found(other.no_kk) == [other.pk]
    assert found("Siti") == [other.pk]


def test_search_stays_inside_area(client, psm_a, dinsos):
    make_household(dinsos, VILLAGE_B, members=[head("Muhammad Rizky")])
    data = client.get(URL, {"search": "Muhammad Rizky"}, **bearer(psm_a)).json()
    assert data == {"items": [], "count": 0}


def test_filters(client, dinsos):
    a = make_household(dinsos, VILLAGE_A)
    a2 = make_household(dinsos, VILLAGE_A2)
    b = make_household(dinsos, VILLAGE_B)
    create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 24, "household": a2, "date_found": "2024-01-05"}
    )
    headers = bearer(dinsos)

    def found(params):
        response = client.get(URL, params, **headers)
        assert response.status_code == 200, response.content
        return {i["id"] for i in response.json()["items"]}

    assert found({"kelurahan": VILLAGE_A}) == {a.pk}
    assert found({"kelurahan": "3671011001"}) == {a.pk}  # without dots
    assert found({"kecamatan": "36.71.01"}) == {a.pk, a2.pk}
    assert found({"kecamatan": "367102"}) == {b.pk}
    assert found({"ppks_type": 24}) == {a2.pk}
    assert found({"life_status": "hidup"}) == {a.pk, a2.pk, b.pk}
    assert found({"life_status": "meninggal"}) == set()


def test_bad_filter_values_are_422(client, dinsos):
    headers = bearer(dinsos)
    response = client.get(URL, {"ppks_type": "abc"}, **headers)
    assert response.status_code == 422
    assert response.json()["errors"]["ppks_type"] == ["Harus berupa bilangan bulat."]
    response = client.get(URL, {"kelurahan": "Karawaci"}, **headers)
    assert response.status_code == 422
    assert "angka" in response.json()["errors"]["kelurahan"][0]
    response = client.get(URL, {"life_status": "hilang"}, **headers)
    assert response.status_code == 422
    assert "Pilihan" in response.json()["errors"]["life_status"][0]


def test_list_query_count_does_not_grow(client, dinsos, django_assert_max_num_queries):
    for _ in range(30):
        make_household(dinsos)
    headers = bearer(dinsos)
    client.get(URL, **headers)  # token's last_used_at written once
    with django_assert_max_num_queries(4):
        data = client.get(URL, {"limit": 30}, **headers).json()
    assert len(data["items"]) == 30
    assert all(item["member_count"] == 1 for item in data["items"])


# Detail -----------------------------------------------------------------------------


def test_detail_with_members_and_ppks(client, tksk_a, dinsos):
    household = make_household(
        dinsos,
        members=[
            head("Ayah Dua"),
            head("Nenek Dua", sex="P", birth="1950-06-07", relation="orang_tua"),
        ],
    )
    grandma = household.members.get(name="Nenek Dua")
    create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 8, "person": grandma, "date_found": "2024-01-02"}
    )
    response = client.get(f"{URL}/{household.pk}", **bearer(tksk_a))
    assert response.status_code == 200
    data = response.json()
    assert data["kelurahan"] == VILLAGE_A
    assert [m["name"] for m in data["members"]] == ["Ayah Dua", "Nenek Dua"]
    nenek = data["members"][1]
    assert nenek["nik"] == grandma.nik
    assert nenek["birth_date"] == "1950-06-07"
    assert nenek["relation"] == "orang_tua"
    assert nenek["household_id"] == household.pk
    assert data["member_count"] == 2
    [record] = data["ppks_records"]
    assert record["ppks_type"] == 8
    assert record["person_id"] == grandma.pk
    log = AccessLog.objects.get(user=tksk_a)
    assert (log.action, log.object_id) == ("lihat_keluarga", str(household.pk))


def test_detail_masked_for_pimpinan(client, pimpinan, household_a):
    data = client.get(f"{URL}/{household_a.pk}", **bearer(pimpinan)).json()
    nik = household_a.members.get().nik
    assert data["members"][0]["nik"] == nik[:4] + "********" + nik[-4:]
    assert nik not in json.dumps(data)
    assert household_a.no_kk not in json.dumps(data)


def test_detail_out_of_area_is_404_like_missing(client, psm_b, household_a):
    headers = bearer(psm_b)
    response = client.get(f"{URL}/{household_a.pk}", **headers)
    assert response.status_code == 404
    assert response.json() == {"message": "Data tidak ditemukan."}
    missing = client.get(f"{URL}/{household_a.pk + 1000}", **headers)
    assert missing.status_code == 404
    assert missing.json() == response.json()
    assert not AccessLog.objects.exists()


# Create -----------------------------------------------------------------------------


def test_create_with_members(client, dinsos):
    members = [
        head("Joko Widodo", birth="1971-06-21"),
        head("Iriana", sex="P", birth="1973-10-01", relation="istri"),
    ]
    payload = body(kelurahan="3671011001", members=members, latitude=-6.178, longitude=106.63)
    response = send(client, "post", URL, payload, bearer(dinsos))
    assert response.status_code == 201, response.content
    data = response.json()
    household = Household.objects.get(pk=data["id"])
    assert household.village_id == VILLAGE_A
    assert household.no_kk == payload["no_kk"]
    assert household.rt == "004"
    assert str(household.latitude) == "-6.178000"
    assert data["kelurahan"] == VILLAGE_A
    assert data["latitude"] == pytest.approx(-6.178)
    assert sorted(household.members.values_list("name", flat=True)) == ["Iriana", "Joko Widodo"]
    assert household.memberships.filter(end_date__isnull=True).count() == 2
    assert [m["name"] for m in data["members"]] == ["Joko Widodo", "Iriana"]


def test_create_without_kk_needs_reason(client, dinsos):
    headers = bearer(dinsos)
    before = Household.objects.count()
    response = send(client, "post", URL, body(no_kk=None), headers)
    assert response.status_code == 422
    assert "no_kk_missing_reason" in response.json()["errors"]
    assert Household.objects.count() == before
    response = send(
        client, "post", URL, body(no_kk=None, no_kk_missing_reason="tidak_punya_dokumen"), headers
    )
    assert response.status_code == 201
    assert response.json()["no_kk"] is None
    assert response.json()["no_kk_missing_reason"] == "tidak_punya_dokumen"


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        (body(no_kk="12345"), "no_kk", "16 digit"),
        (body(no_kk="9971010000000001"), "no_kk", "provinsi"),
        (body(kelurahan="36.71.99.9999"), "kelurahan", "tidak dikenal"),
        (body(kelurahan="32.73.01.1001"), "kelurahan", "tidak dikenal"),
        (body(address=""), "address", "wajib"),
        (body(rt="abc"), "rt", "angka"),
        (body(house_ownership="istana"), "house_ownership", "tidak dikenal"),
        (body(members=[head("Budi", nik="3671011705801")]), "members[0].nik", "16 digit"),
        (
            body(members=[head("Budi", birth="2023-02-30")]),
            "members[0].birth_date",
            "Tanggal tidak valid",
        ),
        (body(members=[head("Budi"), head("Badu")]), "members", "satu kepala"),
        (body(adress="Jl. Salah Ketik"), "adress", "tidak dikenal"),
        (body(latitude="utara"), "latitude", "angka"),
    ],
)
def test_create_bad_input_writes_nothing(client, dinsos, payload, field, fragment):
    before = (Household.objects.count(), Person.objects.count())
    response = send(client, "post", URL, payload, bearer(dinsos))
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["message"]
    assert field in data["errors"], data
    assert any(fragment.lower() in m.lower() for m in data["errors"][field]), data
    assert (Household.objects.count(), Person.objects.count()) == before


def test_create_duplicate_active_nik_refused(client, dinsos, household_a):
    nik = household_a.members.get().nik
    payload = body(members=[head("Orang Lain", birth="1975-03-12", nik=nik)])
    before = Household.objects.count()
    response = send(client, "post", URL, payload, bearer(dinsos))
    assert response.status_code == 422
    assert "sudah terdaftar" in response.json()["errors"]["members[0].nik"][0]
    assert Household.objects.count() == before


def test_create_nik_mismatch_reports_code(client, dinsos):
    payload = body(members=[head("Budi", birth="1980-01-01", nik=make_nik("P", "1980-01-01"))])
    response = send(client, "post", URL, payload, bearer(dinsos))
    assert response.status_code == 422
    assert response.json()["codes"]["members[0].nik"] == "nik_mismatch"


def test_create_refused_for_field_workers(client, psm_a, tksk_a):
    # PSM and TKSK report a new household through /api/v1/reports instead.
    before = (Household.objects.count(), Person.objects.count())
    for user in (psm_a, tksk_a):
        payload = body(members=[head("Joko Widodo", birth="1971-06-21")])
        response = send(client, "post", URL, payload, bearer(user))
        assert response.status_code == 403, response.content
        assert "laporan lapangan" in response.json()["message"]
    assert (Household.objects.count(), Person.objects.count()) == before


# Update -----------------------------------------------------------------------------


def test_patch_changes_only_sent_fields(client, dinsos, household_a):
    no_kk = household_a.no_kk
    response = send(
        client,
        "patch",
        f"{URL}/{household_a.pk}",
        {"address": "Jl. Mawar No. 1", "rt": 7, "land_status": "milik_sendiri"},
        bearer(dinsos),
    )
    assert response.status_code == 200, response.content
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Mawar No. 1"
    assert household_a.rt == "007"
    assert household_a.rw == "002"
    assert household_a.land_status == "milik_sendiri"
    assert household_a.no_kk == no_kk
    assert response.json()["address"] == "Jl. Mawar No. 1"


def test_patch_out_of_area_is_404_and_unchanged(client, psm_b, household_a):
    response = send(
        client, "patch", f"{URL}/{household_a.pk}", {"address": "Jl. Lain"}, bearer(psm_b)
    )
    assert response.status_code == 404
    assert response.json()["message"] == "Data tidak ditemukan."
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Melati No. 5"


def test_patch_refused_for_field_workers_in_their_area(client, psm_a, tksk_a, household_a):
    for user in (psm_a, tksk_a):
        response = send(
            client, "patch", f"{URL}/{household_a.pk}", {"address": "Jl. Lain"}, bearer(user)
        )
        assert response.status_code == 403, response.content
        assert "diverifikasi TKSK" in response.json()["message"]
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Melati No. 5"


def test_patch_cannot_move_household_outside_the_region(client, dinsos, household_a):
    response = send(
        client, "patch", f"{URL}/{household_a.pk}", {"kelurahan": "32.73.01.1001"}, bearer(dinsos)
    )
    assert response.status_code == 422
    assert "kelurahan" in response.json()["errors"]
    household_a.refresh_from_db()
    assert household_a.village_id == VILLAGE_A


def test_patch_bad_input(client, dinsos, household_a, household_b):
    headers = bearer(dinsos)
    url = f"{URL}/{household_a.pk}"
    response = send(client, "patch", url, {"no_kk": household_b.no_kk}, headers)
    assert response.status_code == 422
    assert "sudah terdaftar" in response.json()["errors"]["no_kk"][0]
    response = send(client, "patch", url, {"alamat": "x"}, headers)
    assert response.status_code == 422
    assert response.json()["errors"] == {"alamat": ["Kolom ini tidak dikenal."]}
    household_a.refresh_from_db()
    assert household_a.no_kk != household_b.no_kk
