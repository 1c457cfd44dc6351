"""The field package's households are built once per area and data version
(pilar.fieldapp.package): the cache must never serve old data, never cross areas or
the health-data rule, and its gzip must be a valid stream."""

from __future__ import annotations

import gzip
import json
import threading
import time
import zlib

import pytest
from django.db import connection
from django.test import Client

from pilar.accounts.choices import Role
from pilar.accounts.models import ApiToken
from pilar.conftest import VILLAGE_A, VILLAGE_A2, make_household, make_user
from pilar.fieldapp import package as cache
from pilar.ppks.models import PpksRecord, PpksType
from pilar.registry.models import Household, Person

PACKAGE_URL = "/api/v1/field/package"


@pytest.fixture
def builds(monkeypatch):
    """Counts the packages actually built (not served from the cache)."""
    calls: list[tuple] = []
    real = cache._build

    def counting(codes, sql, soon):
        calls.append((tuple(codes), sql))
        return real(codes, sql, soon)

    monkeypatch.setattr(cache, "_build", counting)
    return calls


def fetch(user, gzip_ok: bool = True, **params) -> dict:
    _, key = ApiToken.issue(user, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if gzip_ok:
        headers["HTTP_ACCEPT_ENCODING"] = "gzip, deflate, br"
    response = Client().get(PACKAGE_URL, params, **headers)
    assert response.status_code == 200, response.content
    assert int(response["Content-Length"]) == len(response.content)
    if gzip_ok:
        assert response["Content-Encoding"] == "gzip"
        # Decoded as a browser does: one streaming gzip decoder, no trailing data.
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        text = decoder.decompress(response.content) + decoder.flush()
        assert decoder.eof and not decoder.unused_data
        assert text == gzip.decompress(response.content)
        return json.loads(text)
    assert "Content-Encoding" not in response
    return response.json()


def names(body: dict) -> list[str]:
    return sorted(m["name"] for h in body["households"] for m in h["members"])


pytestmark = pytest.mark.django_db


def test_gzip_body_is_one_valid_member():
    part = cache._part(b'{"households":[1,2,3]' * 200)
    body = cache.gzip_body(part, b',"x":"\xc3\xa9"}')
    assert gzip.decompress(body) == b'{"households":[1,2,3]' * 200 + b',"x":"\xc3\xa9"}'
    assert part.text() == b'{"households":[1,2,3]' * 200


def test_second_psm_of_the_kelurahan_gets_the_cached_households(psm_a, dinsos, builds):
    make_household(dinsos, VILLAGE_A)
    other_psm = make_user("psm-a-2", Role.PSM, village=VILLAGE_A)
    first = fetch(psm_a)
    second = fetch(other_psm)
    plain = fetch(psm_a, gzip_ok=False)
    assert len(builds) == 1
    assert first["households"] == second["households"] == plain["households"]
    # The per-user part is each user's own.
    assert first["user"]["username"] == "psm-a"
    assert second["user"]["username"] == "psm-a-2"


@pytest.mark.parametrize(
    "change",
    [
        "rename_by_bulk_update",
        "rename_twice_in_one_transaction",
        "new_household",
        "household_deactivated",
        "household_moved_out",
        "member_deactivated",
        "ppks_record_added",
        "freshness_due_changed",
        "ppks_type_restricted",
    ],
)
def test_any_change_to_the_data_rebuilds_the_package(change, psm_a, dinsos, builds):
    household = make_household(dinsos, VILLAGE_A)
    person = household.members.first()
    before = fetch(psm_a)
    assert len(before["households"]) == 1
    if change == "rename_by_bulk_update":
        Person.objects.filter(pk=person.pk).update(name="Nama Baru")
    elif change == "rename_twice_in_one_transaction":
        # Same transaction, same xmin: only the row's new place (ctid) tells.
        Person.objects.filter(pk=person.pk).update(name="Nama Sementara")
        fetch(psm_a)
        Person.objects.filter(pk=person.pk).update(name="Nama Baru")
    elif change == "new_household":
        make_household(dinsos, VILLAGE_A, address="Jl. Baru 2")
    elif change == "household_deactivated":
        Household.objects.filter(pk=household.pk).update(is_active=False)
    elif change == "household_moved_out":
        Household.objects.filter(pk=household.pk).update(village_id=VILLAGE_A2)
    elif change == "member_deactivated":
        Person.objects.filter(pk=person.pk).update(is_active=False)
    elif change == "ppks_record_added":
        PpksRecord.objects.create(
            household=household,
            ppks_type=PpksType.objects.get(number=24),
            date_found="2026-01-05",
            reporter=dinsos,
        )
    elif change == "freshness_due_changed":
        # Written by SQL, as the set-based recount does: no model, no signal.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO freshness_householdfreshness (household_id, village_id, "
                "event_kind, due_on, due_reason, computed_at) VALUES "
                "(%s, %s, '', '2020-01-01', 'belum_pernah', now())",
                [household.pk, VILLAGE_A],
            )
    elif change == "ppks_type_restricted":
        PpksRecord.objects.create(
            household=household,
            ppks_type=PpksType.objects.get(number=24),
            date_found="2026-01-05",
            reporter=dinsos,
        )
        fetch(psm_a)
        PpksType.objects.filter(number=24).update(is_restricted=True)
    builds_before = len(builds)
    after = fetch(psm_a)
    assert len(builds) == builds_before + 1, "stale package served from the cache"
    assert after["households"] != before["households"] or change == "ppks_type_restricted"
    if change.startswith("rename"):
        assert names(after) == ["Nama Baru"]
    if change == "household_deactivated" or change == "household_moved_out":
        assert after["households"] == []
    if change == "member_deactivated":
        assert after["households"][0]["members"] == []
    if change == "ppks_record_added":
        assert [r["ppks_type"] for r in after["households"][0]["ppks"]] == [24]
    if change == "freshness_due_changed":
        assert after["households"][0]["visit_due"] == "2020-01-01"
    if change == "ppks_type_restricted":
        assert after["households"][0]["ppks"] == []


def test_health_data_package_is_never_served_to_a_psm(psm_a, dinsos, builds):
    household = make_household(dinsos, VILLAGE_A)
    PpksRecord.objects.create(
        household=household,
        person=household.members.first(),
        ppks_type=PpksType.objects.get(number=16),  # ODHA: health data
        date_found="2026-01-05",
        reporter=dinsos,
    )
    # Dinas Sosial (may see health data) fetches first and fills the cache...
    office = fetch(dinsos, kelurahan=VILLAGE_A)
    assert [r["ppks_type"] for r in office["households"][0]["ppks"]] == [16]
    # ... the PSM of the same kelurahan gets their own build, without it.
    field = fetch(psm_a)
    assert field["households"][0]["ppks"] == []
    assert len(builds) == 2


def test_one_build_per_area_at_a_time(monkeypatch, settings, tmp_path):
    """Eight phones of one kelurahan asking at once cause one build; the others wait
    for it and read what it wrote."""
    settings.PILAR_CACHE_DIR = tmp_path
    built = []

    def slow_build(codes, sql, soon):
        built.append(codes)
        time.sleep(0.3)
        return b"[]"

    monkeypatch.setattr(cache, "_build", slow_build)
    monkeypatch.setattr(cache, "_fingerprint", lambda codes: "0:0")
    results = []

    def ask():
        results.append(cache.households([VILLAGE_A], False))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert sorted(cached for _, cached in results) == [False] + [True] * 7
    assert {part.text() for part, _ in results} == {b'{"households":[]'}
    # A new data version replaces the area's old file.
    monkeypatch.setattr(cache, "_fingerprint", lambda codes: "1:5")
    cache.households([VILLAGE_A], False)
    assert len(list((tmp_path / "field-packages").glob("*.pkg"))) == 1
