"""API of Bedah Rumah: the whole flow over HTTP (JSON and multipart), input errors
that write nothing, role and area refusals, the target table and the lists."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilar.accounts.models import ApiToken
from pilar.conftest import VILLAGE_A, VILLAGE_B, make_household, make_nik
from pilar.core.dates import today
from pilar.core.errors import ErrorCollector
from pilar.core.numbers import parse_amount
from pilar.programs import enrollment as enrollment_actions
from pilar.programs.choices import EnrollmentStatus
from pilar.programs.models import Enrollment
from pilar.programs.tests.factories import rtlh
from pilar.registry.models import HousingSurvey
from pilar.renovations import actions
from pilar.renovations.choices import Status
from pilar.renovations.models import CostItem, ProgressReport, Renovation, RenovationPhoto
from pilar.renovations.target import target_year
from pilar.renovations.tests.helpers import (
    ITEMS,
    PLAN,
    RENOVATED,
    SURVEYED,
    approved_enrollment,
    bedah_rumah,
    finished,
    jpeg,
    opened,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/renovations"
DISTRICT_A = VILLAGE_A.rsplit(".", 1)[0]

HANDOVER = {
    "handed_over_on": "2026-04-20",
    "handover_number": "BAST/027/DINSOS/2026",
    "final_cost": "13.600.000",
    "cost_reason": "Sisa bahan dikembalikan",
}


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def send(client, method, url, body, user):
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **bearer(user)
    )


def form(client, url, data, user):
    """A multipart POST; list values (several files) are sent as repeated fields."""
    return client.post(url, data=data, **bearer(user))


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _remaining(client, user) -> int:
    response = client.get(f"{URL}/target?tahun_target=2030", **bearer(user))
    assert response.status_code == 200, response.content
    rows = {r["code"]: r for r in response.json()["rows"]}
    return rows[DISTRICT_A]["remaining"]


def test_whole_flow_over_the_api(client, dinsos, psm_a):
    enrollment = approved_enrollment(dinsos)
    ready = client.get(f"{URL}/ready", **bearer(dinsos)).json()
    assert [e["enrollment_id"] for e in ready["items"]] == [enrollment.pk]
    assert ready["items"][0]["is_rtlh"] is True and ready["items"][0]["surveyed_on"]
    before = _remaining(client, dinsos)
    assert before >= 1

    body = {
        "enrollment_id": enrollment.pk,
        "mode": "swakelola",
        "contractor": "Pokmas Melati",
        "planned_start": "2026-03-01",
        "planned_finish": "2026-05-30",
        "note": "Tahap 1",
    }
    response = send(client, "post", URL, body, dinsos)
    assert response.status_code == 201, response.content
    detail = response.json()
    rid = detail["id"]
    assert detail["status"] == "perencanaan" and detail["enrollment_id"] == enrollment.pk
    assert detail["before_assessment"]["is_rtlh"] is True
    assert detail["before_assessment"]["failed"]
    assert client.get(f"{URL}/ready", **bearer(dinsos)).json()["count"] == 0

    # JSON numbers next to Indonesian-typed strings ("1.000" is a thousand).
    items = [
        *ITEMS,
        {
            "category": "lain",
            "description": "Cat",
            "quantity": 2.5,
            "unit": "galon",
            "unit_price": 80000,
        },
    ]
    response = send(client, "put", f"{URL}/{rid}/plan", {**PLAN, "items": items}, dinsos)
    assert response.status_code == 200, response.content
    plan = response.json()
    assert [i["description"] for i in plan["cost_items"]] == [
        "Bata merah",
        "Semen",
        "Tukang",
        "Cat",
    ]
    assert Decimal(plan["cost_items"][0]["unit_price"]) == 1000
    assert Decimal(plan["cost_items"][3]["quantity"]) == Decimal("2.5")
    assert Decimal(plan["planned_cost"]) == Decimal("13800000")

    response = form(
        client,
        f"{URL}/{rid}/photos",
        {
            "kind": "sebelum",
            "taken_on": "2026-02-20",
            "caption": "Tampak depan",
            "latitude": "-6.17",
            "longitude": "106.63",
            "photos": [jpeg("a.jpg"), jpeg("b.jpg")],
        },
        dinsos,
    )
    assert response.status_code == 201, response.content
    photos = response.json()["photos"]
    assert [p["kind"] for p in photos] == ["sebelum", "sebelum"]
    assert photos[0]["url"] == f"/bedah-rumah/{rid}/foto/{photos[0]['id']}/"
    assert photos[0]["latitude"] == -6.17 and photos[0]["caption"] == "Tampak depan"

    response = send(client, "post", f"{URL}/{rid}/start", {"started_on": "2026-03-02"}, dinsos)
    assert response.status_code == 200 and response.json()["status"] == "pelaksanaan"

    for day, percent in (("2026-03-20", "40"), ("2026-04-15", "100")):
        response = form(
            client,
            f"{URL}/{rid}/progress",
            {"reported_on": day, "percent": percent, "note": "Dinding naik", "photos": jpeg()},
            dinsos,
        )
        assert response.status_code == 201, response.content
    detail = response.json()
    assert detail["progress"] == 100
    assert [r["percent"] for r in detail["reports"]] == [40, 100]
    assert len(detail["reports"][1]["photo_ids"]) == 1 and detail["reports"][1]["reporter"]

    # The PSM of the kelurahan reads it all but may not write.
    assert client.get(f"{URL}/{rid}", **bearer(psm_a)).json()["progress"] == 100
    response = form(client, f"{URL}/{rid}/handover", {**HANDOVER, **RENOVATED}, psm_a)
    assert response.status_code == 403

    response = form(
        client,
        f"{URL}/{rid}/handover",
        {
            **HANDOVER,
            **RENOVATED,
            "after_photos": [jpeg("s1.jpg"), jpeg("s2.jpg")],
            "handover_document": jpeg("bast.jpg"),
        },
        dinsos,
    )
    assert response.status_code == 200, response.content
    done = response.json()
    assert done["status"] == "serah_terima" and done["handed_over_on"] == "2026-04-20"
    assert Decimal(done["final_cost"]) == Decimal("13600000")
    assert done["cost_reason"] == "Sisa bahan dikembalikan" and done["has_handover_document"]
    assert done["after_assessment"]["is_rtlh"] is False and done["after_assessment"]["failed"] == []
    assert done["after_survey_id"] and done["after_survey_id"] != done["before_survey_id"]
    assert sorted(p["kind"] for p in done["photos"]).count("sesudah") == 2
    assert [s["action"] for s in done["steps"]] == [
        "buka",
        "rab",
        "foto",
        "mulai",
        "progres",
        "progres",
        "serah_terima",
    ]
    assert not _keys(done) & {"nik", "no_kk"}

    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.delivered_amount == Decimal("13600000")
    assert _remaining(client, dinsos) == before - 1
    target = client.get(f"{URL}/target?tahun_target=2030", **bearer(dinsos)).json()
    assert target["target_year"] == 2030
    assert target["total"]["by_year"]["2026"] == 1 and target["total"]["in_progress"] == 0

    listed = client.get(f"{URL}?status=serah_terima&year=2026", **bearer(dinsos)).json()
    assert [r["id"] for r in listed["items"]] == [rid] and listed["count"] == 1
    assert Decimal(listed["items"][0]["planned_cost"]) == Decimal("13800000")
    assert listed["items"][0]["head_name"] == "Budi Santoso"


def test_bad_input_is_422_and_writes_nothing(client, dinsos):
    renovation = opened(dinsos)
    rid = renovation.pk
    bad = [
        {
            "category": "bahan",
            "description": "Pasir",
            "quantity": "x",
            "unit": "",
            "unit_price": "1",
        }
    ]
    response = send(client, "put", f"{URL}/{rid}/plan", {**PLAN, "items": bad}, dinsos)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["items.0.quantity"] == ["Volume harus berupa angka."]
    assert "items.0.unit" in errors
    over = [{**ITEMS[0], "quantity": "20000"}]  # Rp20.000.000 > Rp15.000.000
    response = send(client, "put", f"{URL}/{rid}/plan", {**PLAN, "items": over}, dinsos)
    assert response.status_code == 422 and "melebihi" in response.json()["errors"]["items"][0]
    response = send(client, "put", f"{URL}/{rid}/plan", {**PLAN, "items": [], "colour": 1}, dinsos)
    assert response.status_code == 422 and "colour" in response.json()["errors"]
    assert not CostItem.objects.exists()

    renovation = finished(dinsos)
    rid = renovation.pk
    reports = ProgressReport.objects.filter(renovation=renovation).count()
    response = form(
        client,
        f"{URL}/{rid}/progress",
        {"reported_on": "2026-04-16", "percent": "60", "photos": jpeg()},
        dinsos,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["codes"]["percent"] == "backwards"
    assert body["errors"]["percent"] == ["Progres tidak boleh turun dari 100%."]
    assert ProgressReport.objects.filter(renovation=renovation).count() == reports

    surveys, photos = HousingSurvey.objects.count(), RenovationPhoto.objects.count()
    response = form(client, f"{URL}/{rid}/handover", {**HANDOVER, **RENOVATED}, dinsos)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "after_photos": ["Unggah paling sedikit satu foto rumah sesudah dikerjakan."]
    }
    survey = {**RENOVATED, "roof_material": ""}
    response = form(
        client, f"{URL}/{rid}/handover", {**HANDOVER, **survey, "after_photos": jpeg()}, dinsos
    )
    assert response.status_code == 422 and "survey.roof_material" in response.json()["errors"]
    renovation.refresh_from_db()
    assert renovation.status == Status.WORKING
    assert (HousingSurvey.objects.count(), RenovationPhoto.objects.count()) == (surveys, photos)
    renovation.enrollment.refresh_from_db()
    assert renovation.enrollment.status == EnrollmentStatus.APPROVED

    response = send(client, "post", f"{URL}/{rid}/cancel", {"reason": " "}, dinsos)
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = send(client, "post", f"{URL}/{rid}/start", {"started_on": "kemarin"}, dinsos)
    assert response.status_code == 422 and "started_on" in response.json()["errors"]


def test_roles_and_areas(client, dinsos, tksk_a, psm_b, pimpinan, mitra):
    renovation = opened(dinsos)
    rid = renovation.pk
    other = opened(dinsos, VILLAGE_B)
    enrollment = approved_enrollment(dinsos)

    # Reads: every people role in its area; the TKSK of A's kecamatan not in B's.
    assert client.get(f"{URL}/{rid}", **bearer(tksk_a)).status_code == 200
    assert client.get(f"{URL}/{rid}", **bearer(pimpinan)).status_code == 200
    assert client.get(f"{URL}/{other.pk}", **bearer(tksk_a)).status_code == 404
    assert client.get(f"{URL}/{rid}", **bearer(psm_b)).status_code == 404
    listed = client.get(URL, **bearer(tksk_a)).json()
    assert [r["id"] for r in listed["items"]] == [rid]
    ready = client.get(f"{URL}/ready", **bearer(psm_b)).json()
    assert ready["count"] == 0
    for path in ("", f"/{rid}", "/ready", "/target"):
        assert client.get(f"{URL}{path}", **bearer(mitra)).status_code == 403

    # Writes: Dinas Sosial and admins only.
    body = {"enrollment_id": enrollment.pk, **PLAN}
    response = send(client, "post", URL, body, tksk_a)
    assert response.status_code == 403 and "Dinas Sosial" in response.json()["message"]
    assert send(client, "post", URL, body, pimpinan).status_code == 403
    assert send(client, "post", URL, body, psm_b).status_code == 404  # out of area
    assert send(client, "post", URL, body, mitra).status_code == 403
    response = send(client, "put", f"{URL}/{rid}/plan", {**PLAN, "items": ITEMS}, tksk_a)
    assert response.status_code == 403
    response = send(client, "post", f"{URL}/{rid}/cancel", {"reason": "x"}, pimpinan)
    assert response.status_code == 403
    response = form(
        client,
        f"{URL}/{rid}/photos",
        {"kind": "sebelum", "taken_on": "2026-02-20", "photos": jpeg()},
        tksk_a,
    )
    assert response.status_code == 403
    response = send(client, "post", f"{URL}/{other.pk}/cancel", {"reason": "x"}, tksk_a)
    assert response.status_code == 404
    assert Renovation.objects.count() == 2 and not RenovationPhoto.objects.exists()
    assert not CostItem.objects.exists()
    assert Renovation.objects.filter(status=Status.CANCELLED).count() == 0


def test_list_filters(client, dinsos):
    siti = make_household(
        dinsos,
        VILLAGE_A,
        address="Jl. Kenari Gg. Haji 3",
        members=[
            {
                "nik": make_nik("P", "1980-07-01"),
                "name": "Siti Rahmawati",
                "sex": "P",
                "birth_date": "1980-07-01",
                "relation": "kepala",
            }
        ],
    )

    rtlh(dinsos, siti, on=SURVEYED)
    listed = enrollment_actions.enroll(bedah_rumah(), acting_user=dinsos, household=siti)
    enrollment_actions.propose(bedah_rumah(), [listed.pk], acting_user=dinsos)
    enrollment_actions.approve(bedah_rumah(), [listed.pk], acting_user=dinsos)
    first = actions.open_renovation(
        Enrollment.objects.get(pk=listed.pk), acting_user=dinsos, data={"mode": "kontraktor"}
    )
    second = opened(dinsos, VILLAGE_B)

    def ids(query: str) -> list[int]:
        response = client.get(f"{URL}?{query}", **bearer(dinsos))
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["items"]]

    assert ids("") == [second.pk, first.pk]
    assert ids("q=Siti Rahmawati") == [first.pk]
    assert ids(f"q={siti.no_kk}") == [first.pk]
    assert ids("q=Kenari") == [first.pk]
    assert ids("mode=kontraktor") == [first.pk]
    assert ids(f"kelurahan={VILLAGE_B}") == [second.pk]
    assert ids(f"kecamatan={DISTRICT_A}") == [first.pk]
    assert ids("status=berjalan") == [second.pk, first.pk]
    assert ids("status=serah_terima") == []
    assert ids(f"program={first.enrollment.program_id}&limit=1") == [second.pk]
    assert ids("year=2026") == []
    for query in ("status=selesai", "mode=sulap", "kelurahan=abc", "year=99"):
        response = client.get(f"{URL}?{query}", **bearer(dinsos))
        assert response.status_code == 422, query
        assert response.json()["errors"], query


def test_target_year_limits(client, dinsos):
    this_year = today().year
    response = client.get(f"{URL}/target", **bearer(dinsos))
    assert response.status_code == 200 and response.json()["target_year"] == target_year()
    for year in (this_year - 1, this_year + 51):
        response = client.get(f"{URL}/target?tahun_target={year}", **bearer(dinsos))
        assert response.status_code == 422 and "tahun_target" in response.json()["errors"]
    response = client.get(f"{URL}/target?tahun_target={this_year}", **bearer(dinsos))
    assert response.status_code == 200 and response.json()["total"]["name"] == "Jumlah"


def test_openapi_documents_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        URL,
        f"{URL}/ready",
        f"{URL}/target",
        f"{URL}/{{renovation_id}}",
        f"{URL}/{{renovation_id}}/plan",
        f"{URL}/{{renovation_id}}/handover",
    ):
        assert path in paths, path
    handover = paths[f"{URL}/{{renovation_id}}/handover"]["post"]
    assert handover["tags"] == ["Bedah Rumah"]
    fields = handover["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert {"after_photos", "handover_document", *actions.SURVEY_FIELDS} <= set(fields)


def test_json_numbers_reach_the_actions_unambiguously():
    """A JSON number (a Decimal after the schema) is a number, never re-read as text:
    2.125 stays two and a bit, not Indonesian thousands (2125)."""
    errors = ErrorCollector()
    assert parse_amount(errors, "x", Decimal("2.25"), "V") == Decimal("2.25")
    assert parse_amount(errors, "x", Decimal("65000"), "V") == Decimal("65000")
    assert parse_amount(errors, "x", "1.500.000", "V") == Decimal("1500000")
    assert not errors.errors


def test_list_queries_do_not_grow_with_rows(client, dinsos):
    headers = bearer(dinsos)
    client.get(URL, **headers)  # the token's first use is recorded once
    opened(dinsos)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL, **headers).json()["count"] == 1
    for _ in range(3):
        actions.save_plan(opened(dinsos), acting_user=dinsos, data=PLAN, items=ITEMS)
    with CaptureQueriesContext(connection) as four:
        data = client.get(URL, **headers).json()
    assert data["count"] == 4
    assert [Decimal(r["planned_cost"]) for r in data["items"][:3]] == [Decimal("13600000")] * 3
    assert data["items"][3]["planned_cost"] is None
    assert len(four) == len(one)
