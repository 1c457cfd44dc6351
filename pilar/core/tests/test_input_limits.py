"""Input that used to crash (numbers beyond the database's range) or be accepted
although meaningless (a list as a PATCH body, 0 as a date, control and bidi characters,
text cut to its column): every one is a 4xx with an Indonesian reason, and nothing is
written."""

from __future__ import annotations

import json
import re
from typing import Annotated
from unittest import mock

import pytest
from django.db import DataError, transaction
from pydantic import BaseModel, ValidationError

from pilar.accounts.models import ApiToken
from pilar.api import api
from pilar.assessments.actions import create_poverty_assessment
from pilar.assessments.models import PovertyAssessment
from pilar.conftest import VILLAGE_A, make_household, make_kk, make_nik
from pilar.core.errors import ErrorCollector, InvalidInput
from pilar.core.numbers import OFFSET_MAX
from pilar.core.text import TextError, check_text, clean_text, text_rule
from pilar.imports.columns import map_headers
from pilar.imports.rows import RowChecker
from pilar.programs import actions
from pilar.programs.models import Program
from pilar.psks.actions import clean_worker
from pilar.registry.models import Household, Person

pytestmark = pytest.mark.django_db

BEYOND_BIGINT = [str(2**63), str(2**64), "99999999999999999999999"]


def bearer(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _operations(predicate):
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method, operation in operations.items():
            if predicate(path, method, operation):
                yield path, method, operation


def _call(client, method, url, headers, query=None):
    # A savepoint per request: one failed statement must not hide the next answers.
    sid = transaction.savepoint()
    try:
        if method == "get":
            return client.get(url, query or {}, **headers)
        return client.generic(method.upper(), url, "{}", content_type="application/json", **headers)
    finally:
        transaction.savepoint_rollback(sid)


# Numbers ------------------------------------------------------------------------------


def test_offset_beyond_bigint_is_422_on_every_list(client, dinsos, household_a):
    headers = bearer(dinsos)
    lists = list(
        _operations(
            lambda path, method, op: (
                method == "get" and any(p["name"] == "offset" for p in op.get("parameters", []))
            )
        )
    )
    assert len(lists) >= 15
    for path, _, _ in lists:
        url = re.sub(r"\{[^}]+\}", "1", path)
        for value in BEYOND_BIGINT:
            response = _call(client, "get", url, headers, {"limit": 10, "offset": value})
            assert response.status_code in (404, 422), (url, value, response.content)
            if response.status_code == 422:
                assert response.json()["errors"]["offset"][0].startswith("Nilai maksimal")


def test_household_list_offset_at_the_bound_answers_empty(client, dinsos, household_a):

    response = client.get("/api/v1/households", {"offset": OFFSET_MAX}, **bearer(dinsos))
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 1}


@pytest.mark.parametrize("user_name", ["dinsos", "psm_a"])
def test_path_ids_beyond_bigint_are_never_a_500(client, request, household_a, user_name):
    headers = bearer(request.getfixturevalue(user_name))
    with_ids = list(_operations(lambda path, method, op: "{" in path))
    assert len(with_ids) >= 40
    for path, method, _ in with_ids:
        for value in [*BEYOND_BIGINT, "-1", "0"]:
            url = re.sub(r"\{[^}]+\}", value, path)
            response = _call(client, method, url, headers)
            # Missing (404), or refused before the id is looked at (403 for the role,
            # 422 for the body): never a crash.
            assert response.status_code in (403, 404, 422), (method, url, response.content)
            assert response["Content-Type"].startswith("application/json")


def test_existing_id_beyond_bigint_is_404_like_missing(client, dinsos, household_a):
    for value in BEYOND_BIGINT:
        response = client.get(f"/api/v1/households/{value}", **bearer(dinsos))
        assert response.status_code == 404
        assert response.json() == {"message": "Data tidak ditemukan."}


def test_body_integer_beyond_bigint_is_422_with_its_field(client, dinsos, household_a):
    before = Person.objects.count()
    response = client.post(
        "/api/v1/ppks/records",
        f'{{"ppks_type": 8, "household_id": {2**64}}}',
        content_type="application/json",
        **bearer(dinsos),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "household_id": ["Angka di luar batas yang dapat disimpan."]
    }
    assert Person.objects.count() == before


def test_value_a_column_cannot_hold_is_422_not_500(client, dinsos, monkeypatch):
    def overflow(*args, **kwargs):
        raise DataError("smallint out of range")

    monkeypatch.setattr("pilar.web.api.households_for", overflow)
    response = client.get("/api/v1/households", **bearer(dinsos))
    assert response.status_code == 422
    assert response.json()["errors"] == {"__all__": ["Angka di luar batas yang dapat disimpan."]}


def test_program_year_is_bounded(client, dinsos):
    program = Program.objects.get(code="tangerang-terang")
    response = client.patch(
        f"/api/v1/programs/{program.pk}",
        json.dumps({"year": 40000}),
        content_type="application/json",
        **bearer(dinsos),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"year": ["Nilai maksimal 2100."]}


# Bodies that are not objects ----------------------------------------------------------


@pytest.mark.parametrize("body", ["[null, null]", "[]", "5", '"teks"', "null"])
def test_patch_program_with_a_non_object_body_is_422(client, dinsos, body):
    program = Program.objects.get(code="tangerang-terang")
    before = (program.name, program.updated_at)
    response = client.patch(
        f"/api/v1/programs/{program.pk}", body, content_type="application/json", **bearer(dinsos)
    )
    assert response.status_code == 422, body
    assert response.json()["errors"] == {"__all__": ["Harus berupa objek JSON."]}
    program.refresh_from_db()
    assert (program.name, program.updated_at) == before


# Dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "Tanggal tidak valid"),
        (1700000000, "Tanggal tidak valid"),
        ("0", "Tanggal tidak valid"),
        ("1900-01-01", "Tanggal tidak boleh sebelum 2000-01-01."),
        ("1999-12-31", "Tanggal tidak boleh sebelum 2000-01-01."),
        ("2999-01-01", "Tanggal tidak boleh di masa depan."),
        ("2026-1-5", "Tanggal tidak valid"),
    ],
)
def test_poverty_assessment_date_must_be_iso_and_sane(client, dinsos, household_a, value, message):

    response = client.post(
        f"/api/v1/assessments/households/{household_a.pk}/poverty",
        json.dumps({"criteria": {}, "assessed_on": value}),
        content_type="application/json",
        **bearer(dinsos),
    )
    assert response.status_code == 422
    assert response.json()["errors"]["assessed_on"][0].startswith(message)
    assert not PovertyAssessment.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (19750101, "Tanggal tidak valid"),
        ("1899-12-31", "Tanggal tidak boleh sebelum 1900-01-01."),
    ],
)
def test_birth_dates_from_1900_only(client, dinsos, household_a, value, message):
    before = Person.objects.count()
    response = client.post(
        "/api/v1/persons",
        json.dumps(
            {
                "household_id": household_a.pk,
                "name": "Siti Aminah",
                "sex": "P",
                "relation": "anak",
                "birth_date": value,
                "nik_missing_reason": "belum_rekam",
            }
        ),
        content_type="application/json",
        **bearer(dinsos),
    )
    assert response.status_code == 422
    assert response.json()["errors"]["birth_date"][0].startswith(message)
    assert Person.objects.count() == before


@pytest.mark.parametrize("start", ["0", "1900-01-01", "kemarin"])
def test_turnaround_start_must_be_a_real_date(client, dinsos, start):
    response = client.get("/api/v1/verivali/turnaround", {"start": start}, **bearer(dinsos))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["start"]


def test_turnaround_with_a_good_start_still_works(client, dinsos):
    response = client.get("/api/v1/verivali/turnaround", {"start": "2026-01-01"}, **bearer(dinsos))
    assert response.status_code == 200
    assert response.json()["start"] == "2026-01-01"


# Text: the shared cleaner --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Budi\u202eSantoso",
        "Budi\u2066x\u2069",
        "a\u200fb",
        "nul\x00",
        "esc\x1b[31m",
        "c1\x85",
        "\ufeffx",
    ],
)
def test_cleaner_refuses_control_and_bidi(text):
    with pytest.raises(TextError):
        clean_text(text, multiline=True)


def test_cleaner_allows_tab_and_newline_only_in_multiline_text():
    assert clean_text("  baris 1\r\nbaris\t2 ", multiline=True) == "baris 1\r\nbaris\t2"
    with pytest.raises(TextError, match="baris baru"):
        clean_text("Jl. Melati\n5")


def test_cleaner_refuses_instead_of_cutting():
    assert clean_text(" " + "x" * 255 + " ", max_length=255) == "x" * 255
    with pytest.raises(TextError, match=r"^Paling banyak 255 karakter\.$"):
        clean_text("x" * 256, max_length=255)


def test_check_text_reports_into_the_collector():

    errors = ErrorCollector()
    assert check_text(errors, "address", "Jl.\u202e 5", max_length=255) == ""
    assert errors.errors == {
        "address": ["Tidak boleh berisi karakter pengatur arah teks (misalnya U+202E)."]
    }


# Text: API, pages, imports ----------------------------------------------------------


def _household_body(**extra):
    return {
        "no_kk": make_kk(),
        "address": "Jl. Anggrek No. 3",
        "rt": "4",
        "rw": "1",
        "kelurahan": VILLAGE_A,
        "members": [
            {
                "nik": make_nik("L", "1970-01-01"),
                "name": "Budi",
                "sex": "L",
                "birth_date": "1970-01-01",
                "relation": "kepala",
            }
        ],
        **extra,
    }


def test_api_refuses_a_100000_character_address(client, dinsos):
    before = Household.objects.count()
    response = client.post(
        "/api/v1/households",
        json.dumps(_household_body(address="Jl. " + "x" * 100_000)),
        content_type="application/json",
        **bearer(dinsos),
    )
    assert response.status_code == 422
    assert response.json()["errors"]["address"] == ["Paling banyak 255 karakter."]
    assert Household.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("address", "Jl. Melati\u202e 5", "pengatur arah teks"),
        ("address", "Jl. Melati\x00", "karakter kontrol"),
        ("members[0].name", "Budi\u2067Santoso", "pengatur arah teks"),
        ("members[0].name", "Budi\x1b", "karakter kontrol"),
    ],
)
def test_api_refuses_control_and_bidi_characters(client, dinsos, field, value, message):
    body = _household_body()
    if field == "address":
        body["address"] = value
    else:
        body["members"][0]["name"] = value
    before = Household.objects.count()
    response = client.post(
        "/api/v1/households", json.dumps(body), content_type="application/json", **bearer(dinsos)
    )
    assert response.status_code == 422
    [reason] = response.json()["errors"][field]
    assert message in reason
    assert Household.objects.count() == before


def test_api_refuses_control_characters_in_query_strings(client, dinsos):
    response = client.get("/api/v1/households", {"search": "Budi\x00"}, **bearer(dinsos))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "search": ["Tidak boleh berisi karakter kontrol (tak terlihat)."]
    }


def test_registry_refuses_long_text_instead_of_cutting_it(dinsos):

    with pytest.raises(InvalidInput) as exc:
        make_household(dinsos, VILLAGE_A, address="x" * 300)
    assert exc.value.errors["address"] == ["Paling banyak 255 karakter."]
    with pytest.raises(InvalidInput) as exc:
        make_household(
            dinsos,
            VILLAGE_A,
            members=[
                {
                    "name": "Budi",
                    "sex": "L",
                    "birth_date": "1975-03-12",
                    "relation": "kepala",
                    "nik": make_nik("L", "1975-03-12"),
                    "occupation": "p" * 101,
                }
            ],
        )
    assert "Paling banyak 100 karakter." in json.dumps(exc.value.errors)
    assert not Household.objects.exists()


def test_page_refuses_bidi_in_the_address(client, dinsos):
    client.force_login(dinsos)
    response = client.post(
        "/keluarga/baru/",
        {
            "no_kk": make_kk(),
            "address": "Jl. Flamboyan\u202e No. 3",
            "rt": "4",
            "rw": "5",
            "village": VILLAGE_A,
            "kepala-name": "Darmawan",
            "kepala-sex": "L",
            "kepala-birth_date": "1980-05-17",
            "kepala-nik": make_nik("L", "1980-05-17"),
        },
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "karakter pengatur arah teks" in response.content.decode()
    assert not Household.objects.exists()


def test_import_reports_control_characters_as_row_problems():
    headers = ["nama", "kode_kelurahan", "alamat", "jenis_kelamin", "tanggal_lahir"]
    checker = RowChecker(map_headers(headers), region="36.71")
    line, problems = checker.check_line(
        "1", 5, ["Budi\u202eSantoso", VILLAGE_A, "Jl.\x00Melati", "L", "1980-01-01"]
    )
    assert line is None
    assert ("alamat", "Tidak boleh berisi karakter kontrol (tak terlihat).") in problems
    assert ("nama", "Tidak boleh berisi karakter pengatur arah teks (misalnya U+202E).") in problems


def test_data_error_handler_is_not_hit_by_valid_requests(client, dinsos, household_a):
    with mock.patch("pilar.core.api.logger") as log:
        response = client.get("/api/v1/households", **bearer(dinsos))
    assert response.status_code == 200
    log.warning.assert_not_called()


def test_pydantic_text_rule():

    class Note(BaseModel):
        title: Annotated[str, text_rule(10)]
        body: Annotated[str, text_rule(100, multiline=True)] = ""

    assert Note(title="  Judul ", body="a\nb").model_dump() == {"title": "Judul", "body": "a\nb"}
    with pytest.raises(ValidationError) as exc:
        Note(title="x" * 11)
    assert exc.value.errors()[0]["msg"] == "Paling banyak 10 karakter."
    with pytest.raises(ValidationError) as exc:
        Note(title="a\nb")
    assert exc.value.errors()[0]["type"] == "pilar_text"


def test_psks_worker_name_and_address_are_cleaned():

    with pytest.raises(InvalidInput) as exc:
        clean_worker({"name": "Ani\u202eYani", "address": "x" * 256, "notes": "ok\x07"})
    errors = exc.value.errors
    assert errors["name"] == ["Tidak boleh berisi karakter pengatur arah teks (misalnya U+202E)."]
    assert errors["address"] == ["Paling banyak 255 karakter."]
    assert errors["notes"] == ["Tidak boleh berisi karakter kontrol (tak terlihat)."]


def test_program_name_refuses_bidi(dinsos):

    program = Program.objects.get(code="tangerang-terang")
    with pytest.raises(InvalidInput) as exc:
        actions.update_program(program, acting_user=dinsos, data={"name": "Terang\u202e"})
    assert "pengatur arah teks" in exc.value.errors["name"][0]


@pytest.mark.parametrize("day", ["1900-01-01", "01-01-1999"])
def test_assessment_action_refuses_dates_before_2000_for_pages_too(dinsos, household_a, day):

    with pytest.raises(InvalidInput) as exc:
        create_poverty_assessment(
            household_a, acting_user=dinsos, assessed_on=day, criteria={}, notes="ok"
        )
    assert exc.value.errors["assessed_on"] == ["Tanggal asesmen tidak boleh sebelum 01-01-2000."]
    assert not PovertyAssessment.objects.exists()


def test_assessment_notes_refuse_control_characters(dinsos, household_a):

    with pytest.raises(InvalidInput) as exc:
        create_poverty_assessment(household_a, acting_user=dinsos, criteria={}, notes="baris\x00")
    assert exc.value.errors["notes"] == ["Tidak boleh berisi karakter kontrol (tak terlihat)."]
