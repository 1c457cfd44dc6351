"""API: PPKS types and records (rules, scoping, ending a record)."""

import json

import pytest

from pilar.accounts.models import ApiToken
from pilar.conftest import VILLAGE_B, make_household, make_nik
from pilar.ppks.actions import create_ppks_record
from pilar.ppks.models import PpksRecord

pytestmark = pytest.mark.django_db

URL = "/api/v1/ppks/records"


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, url, body, headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def family(user, village="36.71.01.1001"):
    """A household with a 45-year-old father, a 70-year-old grandmother and a 3-year-old."""
    return make_household(
        user,
        village,
        members=[
            {"nik": make_nik("L", "1979-02-03"), "name": "Ayah", "sex": "L",
             "birth_date": "1979-02-03", "relation": "kepala"},
            {"nik": make_nik("P", "1954-05-06"), "name": "Nenek", "sex": "P",
             "birth_date": "1954-05-06", "relation": "orang_tua"},
            {"nik": make_nik("P", "2021-07-08"), "name": "Balita", "sex": "P",
             "birth_date": "2021-07-08", "relation": "anak"},
        ],
    )  # fmt: skip


def test_types_with_rules(client, psm_a):
    response = client.get("/api/v1/ppks/types", **bearer(psm_a))
    assert response.status_code == 200
    types = {t["number"]: t for t in response.json()}
    assert sorted(types) == list(range(1, 27))
    assert (types[1]["min_age"], types[1]["max_age"]) == (0, 5)
    assert types[1]["rule"] == "usia 0–5 tahun"
    assert types[8]["min_age"] == 60
    assert types[9]["has_disability_subtypes"] is True
    assert types[16]["is_restricted"] is True
    assert types[23]["sex"] == "P"
    assert types[24]["level"] == "keluarga"


def test_create_person_record(client, psm_a, dinsos):
    household = family(dinsos)
    grandma = household.members.get(name="Nenek")
    payload = {"ppks_type": 8, "person_id": grandma.pk, "date_found": "2024-02-01", "notes": "x"}
    # A PSM reports a PPKS through /api/v1/reports: refused here, nothing written.
    response = post(client, URL, payload, bearer(psm_a))
    assert response.status_code == 403
    assert "laporan lapangan" in response.json()["message"]
    assert not PpksRecord.objects.exists()
    response = post(client, URL, payload, bearer(dinsos))
    assert response.status_code == 201, response.content
    data = response.json()
    record = PpksRecord.objects.get(pk=data["id"])
    assert (record.ppks_type.number, record.person, record.household) == (8, grandma, household)
    assert record.reporter == dinsos and record.validated_by == dinsos
    assert str(record.date_found) == "2024-02-01"
    assert data["ppks_type_name"] == "Lanjut Usia Terlantar"
    assert data["person_name"] == "Nenek"
    assert data["kelurahan"] == "36.71.01.1001"
    event = PpksRecord.pgh_event_model.objects.get(pgh_obj_id=record.pk)
    assert event.pgh_context.metadata["user"] == dinsos.pk


def test_create_household_record_and_disability(client, dinsos):
    household = family(dinsos)
    headers = bearer(dinsos)
    response = post(client, URL, {"ppks_type": 24, "household_id": household.pk}, headers)
    assert response.status_code == 201, response.content
    assert response.json()["person_id"] is None
    father = household.members.get(name="Ayah")
    response = post(
        client,
        URL,
        {"ppks_type": 9, "person_id": father.pk, "disability_subtypes": ["fisik", "sensorik"]},
        headers,
    )
    assert response.status_code == 201, response.content
    assert PpksRecord.objects.get(pk=response.json()["id"]).disability_subtypes == [
        "fisik",
        "sensorik",
    ]


@pytest.mark.parametrize(
    ("name", "payload", "field", "fragment"),
    [
        ("Ayah", {"ppks_type": 8}, "ppks_type", "60 tahun ke atas"),  # too young for LUT
        ("Nenek", {"ppks_type": 1}, "ppks_type", "usia 0–5"),  # too old for ABT
        ("Ayah", {"ppks_type": 23}, "ppks_type", "perempuan"),  # PRSE is for women
        ("Ayah", {"ppks_type": 9}, "disability_subtypes", "minimal satu"),
        ("Ayah", {"ppks_type": 24}, "person_id", "bukan per individu"),
        ("Ayah", {"ppks_type": 99}, "ppks_type", "tidak dikenal"),
        ("Ayah", {"ppks_type": 11, "date_found": "2023-02-30"}, "date_found", "Tanggal"),
        ("Ayah", {"ppks_type": 11, "date_found": "2999-01-01"}, "date_found", "masa depan"),
        ("Ayah", {"ppks_type": 11, "disability_subtypes": ["x"]}, "disability_subtypes", "x"),
    ],
)
def test_rules_enforced_nothing_written(client, dinsos, name, payload, field, fragment):
    person = family(dinsos).members.get(name=name)
    response = post(client, URL, {"person_id": person.pk, **payload}, bearer(dinsos))
    assert response.status_code == 422, response.content
    data = response.json()
    assert data["message"]
    assert any(fragment in m for m in data["errors"][field]), data
    assert not PpksRecord.objects.exists()


def test_create_needs_a_subject(client, dinsos):
    response = post(client, URL, {"ppks_type": 11}, bearer(dinsos))
    assert response.status_code == 422
    assert "person_id" in response.json()["errors"]


def test_duplicate_active_record_refused(client, dinsos):
    person = family(dinsos).members.get(name="Nenek")
    headers = bearer(dinsos)
    assert post(client, URL, {"ppks_type": 8, "person_id": person.pk}, headers).status_code == 201
    response = post(client, URL, {"ppks_type": 8, "person_id": person.pk}, headers)
    assert response.status_code == 422
    assert "masih aktif" in response.json()["errors"]["ppks_type"][0]
    assert PpksRecord.objects.count() == 1


def test_create_out_of_area_refused(client, psm_b, dinsos):
    household = family(dinsos)
    person = household.members.get(name="Nenek")
    headers = bearer(psm_b)
    response = post(client, URL, {"ppks_type": 8, "person_id": person.pk}, headers)
    assert response.status_code == 422
    assert response.json()["errors"] == {"person_id": ["Individu tidak ditemukan."]}
    response = post(client, URL, {"ppks_type": 24, "household_id": household.pk}, headers)
    assert response.json()["errors"] == {"household_id": ["Keluarga tidak ditemukan."]}
    assert not PpksRecord.objects.exists()


def test_create_refused_for_pimpinan_and_mitra(client, pimpinan, mitra, dinsos):
    person = family(dinsos).members.get(name="Nenek")
    for user in (pimpinan, mitra):
        response = post(client, URL, {"ppks_type": 8, "person_id": person.pk}, bearer(user))
        assert response.status_code == 403
    assert not PpksRecord.objects.exists()


def test_list_scoped_and_filtered(client, psm_a, psm_b, pimpinan, mitra, dinsos):
    household_a = family(dinsos)
    household_b = family(dinsos, VILLAGE_B)
    nenek_a = household_a.members.get(name="Nenek")
    rec_a = create_ppks_record(acting_user=dinsos, data={"ppks_type": 8, "person": nenek_a})
    rec_a2 = create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 24, "household": household_a}
    )
    rec_b = create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 8, "person": household_b.members.get(name="Nenek")}
    )

    def ids(user, **params):
        response = client.get(URL, params, **bearer(user))
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["count"] == len(data["items"])
        return {item["id"] for item in data["items"]}

    assert ids(psm_a) == {rec_a.pk, rec_a2.pk}
    assert ids(psm_b) == {rec_b.pk}
    assert ids(pimpinan) == {rec_a.pk, rec_a2.pk, rec_b.pk}
    assert ids(dinsos, ppks_type=8) == {rec_a.pk, rec_b.pk}
    assert ids(dinsos, kelurahan="3671021001") == {rec_b.pk}
    assert ids(dinsos, person_id=nenek_a.pk) == {rec_a.pk}
    assert ids(dinsos, household_id=household_a.pk) == {rec_a.pk, rec_a2.pk}
    assert ids(dinsos, status="selesai") == set()
    assert ids(psm_b, household_id=household_a.pk) == set()
    assert client.get(URL, **bearer(mitra)).status_code == 403


def test_list_query_count(client, dinsos, django_assert_max_num_queries):
    for _ in range(8):
        household = family(dinsos)
        create_ppks_record(
            acting_user=dinsos, data={"ppks_type": 8, "person": household.members.get(name="Nenek")}
        )
        create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": household})
    headers = bearer(dinsos)
    client.get(URL, **headers)
    with django_assert_max_num_queries(4):
        data = client.get(URL, **headers).json()
    assert data["count"] == 16


def test_detail_and_out_of_area(client, psm_a, psm_b, dinsos):
    household = family(dinsos)
    record = create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": household})
    response = client.get(f"{URL}/{record.pk}", **bearer(psm_a))
    assert response.status_code == 200
    assert response.json()["household_id"] == household.pk
    response = client.get(f"{URL}/{record.pk}", **bearer(psm_b))
    assert response.status_code == 404
    assert response.json() == {"message": "Data tidak ditemukan."}


def test_end_record(client, psm_a, psm_b, pimpinan, dinsos):
    household = family(dinsos)
    record = create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 24, "household": household, "date_found": "2024-01-10"},
    )
    url = f"{URL}/{record.pk}/end"
    assert post(client, url, {"end_reason": "x"}, bearer(pimpinan)).status_code == 403
    assert post(client, url, {"end_reason": "x"}, bearer(psm_b)).status_code == 404
    response = post(client, url, {"end_reason": "Sudah mandiri"}, bearer(psm_a))
    assert response.status_code == 403
    assert "laporan lapangan" in response.json()["message"]
    response = post(client, url, {}, bearer(dinsos))
    assert response.status_code == 422
    assert "end_reason" in response.json()["errors"]
    response = post(client, url, {"ended_on": "2023-12-31", "end_reason": "x"}, bearer(dinsos))
    assert response.status_code == 422
    assert "sebelum tanggal ditemukan" in response.json()["errors"]["ended_on"][0]
    record.refresh_from_db()
    assert record.status == "aktif"

    response = post(
        client, url, {"ended_on": "2024-06-01", "end_reason": "Sudah mandiri"}, bearer(dinsos)
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "selesai"
    record.refresh_from_db()
    assert (record.status, str(record.ended_on), record.end_reason) == (
        "selesai",
        "2024-06-01",
        "Sudah mandiri",
    )
    response = post(client, url, {"end_reason": "lagi"}, bearer(dinsos))
    assert response.status_code == 422
    assert "sudah selesai" in response.json()["errors"]["__all__"][0]
