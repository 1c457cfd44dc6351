"""Pages and API of programs: roles, scoping of the preview, saving rules (nothing
saved when invalid), the seeded programs, export and OpenAPI."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.programs.forms import ProgramForm
from pilar.programs.models import Program
from pilar.programs.seed import BEDAH_RUMAH_RULE
from pilar.programs.tests.factories import household

PREVIEW = "/api/v1/programs/preview"
DESIL_4 = {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": 4}]}


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def desil_households(dinsos):
    return {
        "a": household(dinsos, VILLAGE_A, desil=2),
        "a_rich": household(dinsos, VILLAGE_A, desil=9),
        "b": household(dinsos, VILLAGE_B, desil=1),
    }


def post_preview(client, rule, level="keluarga"):
    return client.post(
        PREVIEW, data=json.dumps({"level": level, "rule": rule}), content_type="application/json"
    )


def test_seeded_programs(db):
    codes = set(Program.objects.values_list("code", flat=True))
    assert {
        "bedah-rumah",
        "tangerang-cerdas",
        "tangerang-terang",
        "pkh",
        "bpnt-sembako",
        "pbi-jk",
        "pip",
    } <= codes
    bedah = Program.objects.get(code="bedah-rumah")
    assert bedah.rule == BEDAH_RUMAH_RULE and bedah.amount == 15_000_000
    cerdas = Program.objects.get(code="tangerang-cerdas")
    assert cerdas.level == "individu"
    assert cerdas.amount_by_level == {"SD": 80000, "SMP": 100000, "SMA": 200000}
    assert Program.objects.get(code="pkh").is_national


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("dinsos", {"a", "b"}),
        ("pimpinan", {"a", "b"}),
        ("tksk_a", {"a"}),
        ("psm_a", {"a"}),
        ("psm_b", {"b"}),
    ],
)
def test_preview_is_scoped_to_area(client, request, desil_households, persona, expected):
    user = request.getfixturevalue(persona)
    body = post_preview(login(client, user), DESIL_4).json()
    assert body["count"] == len(expected)
    assert {row["id"] for row in body["items"]} == {desil_households[k].pk for k in expected}


def test_preview_masks_ids_and_refuses_partner(client, dinsos, mitra, desil_households):
    body = post_preview(login(client, dinsos), DESIL_4).json()
    hh = desil_households["a"]
    row = next(r for r in body["items"] if r["id"] == hh.pk)
    assert row["id_number"] == hh.no_kk[:4] + "********" + hh.no_kk[-4:]
    client.logout()
    response = post_preview(login(client, mitra), DESIL_4)
    assert response.status_code == 403


def test_preview_reports_errors(client, dinsos):
    rule = {"op": "and", "rules": [{"field": "gaji", "operator": "eq", "value": 1}]}
    response = post_preview(login(client, dinsos), rule)
    assert response.status_code == 422
    assert response.json()["errors"]["rule"] == ["Syarat 1: kolom 'gaji' tidak dikenal."]


def test_preview_needs_csrf_for_session(dinsos):

    client = Client(enforce_csrf_checks=True)
    client.force_login(dinsos)
    assert post_preview(client, DESIL_4).status_code == 403


def test_save_rule_api_roles_and_refusal(client, dinsos, tksk_a, pimpinan):
    program = Program.objects.get(code="tangerang-terang")
    before = program.rule
    url = f"/api/v1/programs/{program.pk}/rule"
    for user in (tksk_a, pimpinan):
        login(client, user)
        response = client.put(
            url, data=json.dumps({"rule": DESIL_4}), content_type="application/json"
        )
        assert response.status_code == 403
        client.logout()
    login(client, dinsos)
    bad = {"op": "and", "rules": [{"field": "desil", "operator": "contains", "value": "4"}]}
    response = client.put(url, data=json.dumps({"rule": bad}), content_type="application/json")
    assert response.status_code == 422
    program.refresh_from_db()
    assert program.rule == before
    response = client.put(url, data=json.dumps({"rule": DESIL_4}), content_type="application/json")
    assert response.status_code == 200
    program.refresh_from_db()
    assert program.rule == DESIL_4
    assert program.updated_by == dinsos
    assert program.events.count() >= 2  # row history (insert + update)


def test_national_program_refuses_a_rule(client, dinsos):
    program = Program.objects.get(code="pkh")
    response = login(client, dinsos).put(
        f"/api/v1/programs/{program.pk}/rule",
        data=json.dumps({"rule": DESIL_4}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "Program nasional" in response.json()["errors"]["rule"][0]


def test_api_list_read_fields_and_openapi(client, mitra):
    login(client, mitra)
    body = client.get("/api/v1/programs?q=terang").json()
    assert {p["code"] for p in body["items"]} == {"tangerang-terang"}
    program = Program.objects.get(code="bedah-rumah")
    detail = client.get(f"/api/v1/programs/{program.pk}").json()
    assert detail["rule"] == BEDAH_RUMAH_RULE and "RTLH" in detail["rule_text"]
    fields = client.get("/api/v1/programs/fields?level=keluarga").json()
    assert "desil" in {f["key"] for f in fields} and "age" not in {f["key"] for f in fields}
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/programs/preview" in schema["paths"]
    assert "/api/v1/programs/{program_id}/rule" in schema["paths"]


def test_rule_save_page(client, dinsos, psm_a):
    program = Program.objects.get(code="bedah-rumah")
    url = f"/program/{program.pk}/aturan/"
    login(client, psm_a)
    assert client.post(url, {"rule": json.dumps(DESIL_4)}).status_code == 403
    client.logout()
    login(client, dinsos)
    bad = {"op": "and", "rules": [{"field": "desil", "operator": "lte", "value": "empat"}]}
    response = client.post(url, {"rule": json.dumps(bad)})
    assert response.status_code == 422
    assert "Syarat 1: nilai untuk &#x27;Desil" in response.content.decode()
    program.refresh_from_db()
    assert program.rule == BEDAH_RUMAH_RULE
    response = client.post(url, {"rule": json.dumps(DESIL_4)})
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.rule == DESIL_4


def test_list_detail_export_pages(client, pimpinan, psm_a, mitra):
    login(client, pimpinan)
    page = client.get("/program/?q=bedah").content.decode()
    assert "Bedah Rumah" in page and "Tangerang Cerdas" not in page
    assert "program-create" not in page  # leaders read only
    detail = client.get(f"/program/{Program.objects.get(code='bedah-rumah').pk}/").content.decode()
    assert 'id="rule-builder"' in detail and 'id="rule-save"' not in detail
    assert client.get("/program/baru/").status_code == 403
    export = client.get("/program/daftar.csv?national=ya")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "PKH" in text and "Bedah Rumah" not in text
    client.logout()
    login(client, psm_a)
    assert client.get("/program/").status_code == 200
    client.logout()
    login(client, mitra)
    assert client.get("/program/").status_code == 403


def test_create_and_edit_program_with_quotas(client, dinsos):
    login(client, dinsos)
    data = {
        "name": "Bantuan Lansia",
        "agency": "Dinas Sosial",
        "level": "individu",
        "benefit_type": "tunai",
        "frequency": "bulanan",
        "amount": "300000",
        "year": "2026",
        "budget": "120000000",
        "is_active": "on",
        "quotas": "36.71.01 = 50\n36.71.02.1001 = 5",
    }
    response = client.post("/program/baru/", data)
    assert response.status_code == 302
    program = Program.objects.get(name="Bantuan Lansia")
    assert program.code == "bantuan-lansia" and program.amount == 300000
    assert {(q.area_code, q.quota) for q in program.quotas.all()} == {
        ("36.71.01", 50),
        ("36.71.02.1001", 5),
    }
    # A bad quota line refuses the whole edit.
    response = client.post(
        f"/program/{program.pk}/ubah/", {**data, "name": "Baru", "quotas": "99.99 = 3"}
    )
    assert response.status_code == 422
    program.refresh_from_db()
    assert program.name == "Bantuan Lansia" and program.quotas.count() == 2
    response = client.post(f"/program/{program.pk}/ubah/", {**data, "quotas": "36.71.01 = 70"})
    assert response.status_code == 302
    assert list(program.quotas.values_list("area_code", "quota")) == [("36.71.01", 70)]


def test_level_change_revalidates_rule(client, dinsos):
    program = Program.objects.get(code="tangerang-cerdas")
    login(client, dinsos)

    initial = ProgramForm.initial_for(program)
    data = {k: ("" if v is None else v) for k, v in initial.items()}
    data.update({"level": "keluarga", "is_active": "on"})
    data.pop("is_national")
    response = client.post(f"/program/{program.pk}/ubah/", data)
    assert response.status_code == 422
    assert "hanya untuk program sasaran individu" in response.content.decode()
    program.refresh_from_db()
    assert program.level == "individu"
