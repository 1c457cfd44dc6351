"""The programs API end to end with a bearer token: create and edit a program (rule,
quotas), generate and list candidates (ranked, masked, scoped), add one by hand,
propose, approve within quota, reject (reason required), deliver, complete, and
the quota/budget figures; role and area refusals; the OpenAPI document."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pilar.accounts.models import ApiToken
from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from pilar.core.dates import today
from pilar.programs.models import Candidate, Enrollment, Program
from pilar.programs.tests.factories import household

pytestmark = pytest.mark.django_db

URL = "/api/v1/programs"
DISTRICT_A = VILLAGE_A.rsplit(".", 1)[0]
DESIL_4 = {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": 4}]}


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def send(client, method, url, body, user):
    return getattr(client, method)(
        url, data=json.dumps(body), content_type="application/json", **bearer(user)
    )


def get(client, url, user):
    return client.get(url, **bearer(user))


def program_body(**extra) -> dict:
    return {
        "name": "Bantuan Uji API",
        "agency": "Dinas Sosial",
        "level": "keluarga",
        "benefit_type": "tunai",
        "amount": 1000000,
        "frequency": "sekali",
        "year": today().year,
        "budget": "10000000",
        "rule": DESIL_4,
        "quotas": [{"area_code": DISTRICT_A, "quota": 2}],
        **extra,
    }


@pytest.fixture
def homes(dinsos):
    return {
        "a1": household(dinsos, VILLAGE_A, desil=1),
        "a2": household(dinsos, VILLAGE_A, desil=2),
        "a3": household(dinsos, VILLAGE_A2, desil=3),
        "b1": household(dinsos, VILLAGE_B, desil=4),
        "rich": household(dinsos, VILLAGE_A, desil=9),
    }


def _created(client, dinsos, **extra) -> dict:
    response = send(client, "post", URL, program_body(**extra), dinsos)
    assert response.status_code == 201, response.content
    return response.json()


def test_whole_chain_over_the_api(client, dinsos, homes):
    program = _created(client, dinsos)
    pid = program["id"]
    assert program["rule"] == DESIL_4 and "Desil" in program["rule_text"]
    assert program["quotas"] == [{"area_code": DISTRICT_A, "quota": 2}]
    assert Program.objects.get(pk=pid).updated_by == dinsos

    # Generate and list the candidates: ranked, with parts, ids masked.
    response = send(client, "post", f"{URL}/{pid}/candidates", {}, dinsos)
    assert response.status_code == 200, response.content
    assert response.json() == {"count": 4, "removed": 0, "period": today().year}
    body = get(client, f"{URL}/{pid}/candidates", dinsos).json()
    assert body["count"] == 4
    by_household = {row["household_id"]: row for row in body["items"]}
    assert set(by_household) == {homes[k].pk for k in ("a1", "a2", "a3", "b1")}
    totals = [row["priority_total"] for row in body["items"]]
    assert totals == sorted(totals, reverse=True) and totals[0] > totals[-1]
    assert body["items"][0]["household_id"] == homes["a1"].pk  # desil 1 ranks first
    row = by_household[homes["a1"].pk]
    kk = homes["a1"].no_kk
    assert row["no_kk"] == kk[:4] + "********" + kk[-4:]
    assert row["nik"] and "*" in row["nik"] and row["name"] == "Budi Santoso"
    desil_part = next(p for p in row["priority_parts"] if p["key"] == "desil")
    assert desil_part["value"] == 1 and desil_part["points"] > 0
    page = get(client, f"{URL}/{pid}/candidates?limit=2&offset=3", dinsos).json()
    assert page["count"] == 4 and len(page["items"]) == 1

    # One added by hand (outside the rule), not twice.
    manual = {"household_id": homes["rich"].pk}
    response = send(client, "post", f"{URL}/{pid}/candidates/manual", manual, dinsos)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "kandidat"
    response = send(client, "post", f"{URL}/{pid}/candidates/manual", manual, dinsos)
    assert response.status_code == 422
    response = send(client, "post", f"{URL}/{pid}/candidates/manual", {}, dinsos)
    assert response.status_code == 422 and "household_id" in response.json()["errors"]

    # Propose the rule's four; the hand-added one stays a candidate.
    ids = {k: by_household[homes[k].pk]["id"] for k in ("a1", "a2", "a3", "b1")}
    action = f"{URL}/{pid}/enrollments"
    response = send(client, "post", f"{action}/propose", {"ids": list(ids.values())}, dinsos)
    assert response.status_code == 200, response.content
    assert response.json() == {"count": 4}
    assert get(client, f"{URL}/{pid}/candidates", dinsos).json()["count"] == 1
    proposed = get(client, f"{action}?status=diusulkan", dinsos).json()
    assert proposed["count"] == 4 and {r["id"] for r in proposed["items"]} == set(ids.values())

    # Approve within the kecamatan quota of 2; the third needs a larger quota.
    response = send(client, "post", f"{action}/approve", {"ids": [ids["a1"], ids["a2"]]}, dinsos)
    assert response.json() == {"count": 2}
    response = send(client, "post", f"{action}/approve", {"ids": [ids["a3"]]}, dinsos)
    assert response.status_code == 422 and "Kuota" in response.json()["message"]
    assert Enrollment.objects.get(pk=ids["a3"]).status == "diusulkan"
    quotas = {"quotas": [{"area_code": DISTRICT_A, "quota": 3}], "name": "Bantuan Uji API 2"}
    response = send(client, "patch", f"{URL}/{pid}", quotas, dinsos)
    assert response.status_code == 200, response.content
    assert response.json()["quotas"] == [{"area_code": DISTRICT_A, "quota": 3}]
    assert response.json()["name"] == "Bantuan Uji API 2"
    assert response.json()["rule"] == DESIL_4  # not sent: kept
    response = send(client, "post", f"{action}/approve", {"ids": [ids["a3"]]}, dinsos)
    assert response.json() == {"count": 1}

    # Reject: the reason is required.
    response = send(client, "post", f"{action}/reject", {"ids": [ids["b1"]]}, dinsos)
    assert response.status_code == 422
    assert response.json()["errors"]["reason"] == ["Alasan penolakan wajib diisi."]
    assert Enrollment.objects.get(pk=ids["b1"]).status == "diusulkan"
    body = {"ids": [ids["b1"]], "reason": "Sudah pindah domisili"}
    assert send(client, "post", f"{action}/reject", body, dinsos).json() == {"count": 1}
    rejected = get(client, f"{action}?status=ditolak", dinsos).json()["items"]
    assert [(r["id"], r["reject_reason"]) for r in rejected] == [
        (ids["b1"], "Sudah pindah domisili")
    ]

    # Deliver one (deliveries endpoint), then complete it; an undelivered one cannot be.
    delivery = {"delivered_on": today().isoformat(), "amount": "1000000", "note": "BAST 1"}
    response = send(client, "post", f"{URL}/enrollments/{ids['a1']}/deliveries", delivery, dinsos)
    assert response.status_code == 201, response.content
    response = send(client, "post", f"{action}/complete", {"ids": [ids["a2"]]}, dinsos)
    assert response.status_code == 422
    response = send(client, "post", f"{action}/complete", {"ids": [ids["a1"]]}, dinsos)
    assert response.json() == {"count": 1}
    done = get(client, f"{action}?status=selesai", dinsos).json()["items"]
    assert [r["id"] for r in done] == [ids["a1"]] and done[0]["delivered_on"]
    assert get(client, action, dinsos).json()["count"] == 4

    usage = get(client, f"{URL}/{pid}/usage", dinsos).json()
    assert usage["period"] == today().year
    assert usage["quotas"] == [{"area_code": DISTRICT_A, "quota": 3, "used": 3, "left": 0}]
    budget = {k: Decimal(v) for k, v in usage["budget"].items()}
    assert budget == {
        "budget": Decimal(10_000_000),
        "paid": Decimal(1_000_000),
        "committed": Decimal(2_000_000),
        "used": Decimal(3_000_000),
        "left": Decimal(7_000_000),
    }


def test_bad_input_is_422_and_writes_nothing(client, dinsos):
    before = Program.objects.count()
    response = send(client, "post", URL, program_body(name="", level="rt"), dinsos)
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"name", "level"}
    bad_quota = program_body(quotas=[{"area_code": "99.99.99", "quota": 1}])
    response = send(client, "post", URL, bad_quota, dinsos)
    assert response.status_code == 422 and "quotas" in response.json()["errors"]
    bad_rule = {"op": "and", "rules": [{"field": "gaji", "operator": "eq", "value": 1}]}
    response = send(client, "post", URL, program_body(rule=bad_rule), dinsos)
    assert response.status_code == 422 and "rule" in response.json()["errors"]
    assert Program.objects.count() == before

    pid = _created(client, dinsos)["id"]
    patch = {"start_date": "2026-05-01", "end_date": "2026-01-01", "name": "Berubah"}
    response = send(client, "patch", f"{URL}/{pid}", patch, dinsos)
    assert response.status_code == 422 and "end_date" in response.json()["errors"]
    assert Program.objects.get(pk=pid).name == "Bantuan Uji API"
    response = get(client, f"{URL}/{pid}/enrollments?status=entah", dinsos)
    assert response.status_code == 422 and "status" in response.json()["errors"]
    response = send(client, "post", f"{URL}/{pid}/enrollments/approve", {"ids": []}, dinsos)
    assert response.status_code == 422
    response = send(client, "post", f"{URL}/{pid}/enrollments/hapus", {"ids": [1]}, dinsos)
    assert response.status_code == 404
    no_rule = _created(client, dinsos, rule=None, name="Tanpa aturan")["id"]
    response = send(client, "post", f"{URL}/{no_rule}/candidates", {}, dinsos)
    assert response.status_code == 422 and "rule" in response.json()["errors"]


def test_roles_and_areas(client, dinsos, tksk_a, psm_a, psm_b, pimpinan, mitra, homes):
    pid = _created(client, dinsos)["id"]
    assert send(client, "post", f"{URL}/{pid}/candidates", {}, dinsos).status_code == 200
    candidates = f"{URL}/{pid}/candidates"
    cand_ids = list(Candidate.objects.filter(program_id=pid).values_list("pk", flat=True))

    # Writes: Dinas Sosial/admin only.
    for user in (tksk_a, psm_a, pimpinan, mitra):
        assert send(client, "post", URL, program_body(), user).status_code == 403
        assert send(client, "patch", f"{URL}/{pid}", {"name": "X"}, user).status_code == 403
        assert send(client, "post", candidates, {}, user).status_code == 403
        body = {"ids": cand_ids}
        response = send(client, "post", f"{URL}/{pid}/enrollments/propose", body, user)
        assert response.status_code == 403
    in_area = {"household_id": homes["rich"].pk}
    assert send(client, "post", f"{candidates}/manual", in_area, tksk_a).status_code == 403
    assert Candidate.objects.filter(program_id=pid).count() == 4
    assert Program.objects.get(pk=pid).name == "Bantuan Uji API"

    # Out of the user's area: 404 (as if missing), before any role check of the action.
    out_of_area = {"household_id": homes["b1"].pk}
    assert send(client, "post", f"{candidates}/manual", out_of_area, tksk_a).status_code == 404
    person_b = homes["b1"].members.first()
    body = {"person_id": person_b.pk}
    assert send(client, "post", f"{candidates}/manual", body, psm_a).status_code == 404
    missing = {"household_id": 10**9}
    assert send(client, "post", f"{candidates}/manual", missing, dinsos).status_code == 404

    # Reads: scoped to the area; partners refused.
    def households(user, path="candidates") -> set[int]:
        response = get(client, f"{URL}/{pid}/{path}", user)
        assert response.status_code == 200, response.content
        return {row["household_id"] for row in response.json()["items"]}

    assert households(tksk_a) == {homes[k].pk for k in ("a1", "a2", "a3")}
    assert households(psm_a) == {homes[k].pk for k in ("a1", "a2")}
    assert households(psm_b) == {homes["b1"].pk}
    assert len(households(pimpinan)) == 4
    for path in ("candidates", "enrollments", "usage"):
        assert get(client, f"{URL}/{pid}/{path}", mitra).status_code == 403
    send(client, "post", f"{URL}/{pid}/enrollments/propose", {"ids": cand_ids}, dinsos)
    assert households(psm_b, "enrollments") == {homes["b1"].pk}
    assert get(client, f"{URL}/{pid}/usage", tksk_a).status_code == 200


def test_openapi_documents_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    paths = doc["paths"]
    assert {"get", "post"} <= set(paths[URL])
    assert {"get", "patch"} <= set(paths[f"{URL}/{{program_id}}"])
    assert {"get", "post"} <= set(paths[f"{URL}/{{program_id}}/candidates"])
    for path in (
        f"{URL}/{{program_id}}/candidates/manual",
        f"{URL}/{{program_id}}/enrollments",
        f"{URL}/{{program_id}}/enrollments/{{action}}",
        f"{URL}/{{program_id}}/usage",
    ):
        assert path in paths, path
    schemas = doc["components"]["schemas"]
    assert {"ProgramCreateIn", "ProgramPatchIn", "CandidateOut", "EnrollmentOut"} <= set(schemas)
    assert "reject_reason" in schemas["EnrollmentOut"]["properties"]
    assert "reason" in schemas["EnrollmentActionIn"]["properties"]
