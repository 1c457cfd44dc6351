"""Queue and pair pages: who may see and act, what they show, and the export."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilar.accounts.choices import Role
from pilar.audit.models import AccessAction, AccessLog
from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_user
from pilar.dedup import actions
from pilar.dedup.exports import pair_columns
from pilar.dedup.models import Merge, PairStatus
from pilar.dedup.tests.factories import make_pair, person_in_new_household
from pilar.registry.models import Membership, Person

pytestmark = pytest.mark.django_db

NIK_A = "3671011203750001"


@pytest.fixture
def world(dinsos):
    """An in-kecamatan pair (A and A2 of kecamatan 36.71.01) and a cross-kecamatan pair."""
    a = person_in_new_household(
        dinsos, VILLAGE_A, name="Wiryawan Kusumadewa", birth="1975-03-12", nik=NIK_A
    )
    a2 = person_in_new_household(
        dinsos, VILLAGE_A2, name="Wiryawan Kusumadewo", birth="1975-03-12", occupation="Ojek"
    )
    b = person_in_new_household(dinsos, VILLAGE_B, name="Bambang Pamungkas")
    inside = make_pair(a, a2, 0.98)
    across = make_pair(a2, b, 0.83)
    users = {
        "admin": make_user("v-admin", Role.ADMIN),
        "dinsos": dinsos,
        "pimpinan": make_user("v-pimpinan", Role.PIMPINAN),
        "tksk_a": make_user("v-tksk-a", Role.TKSK, district="36.71.01"),
        "tksk_b": make_user("v-tksk-b", Role.TKSK, district="36.71.02"),
        "psm_a": make_user("v-psm-a", Role.PSM, village=VILLAGE_A),
        "mitra": make_user("v-mitra", Role.MITRA),
    }
    return {"a": a, "a2": a2, "b": b, "inside": inside, "across": across, "users": users}


def login(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


ROLES = ["anonymous", "admin", "dinsos", "pimpinan", "tksk_a", "tksk_b", "psm_a", "mitra"]
REVIEWERS = {"admin", "dinsos", "tksk_a", "tksk_b"}


@pytest.mark.parametrize("role", ROLES)
def test_queue_access(client, world, role):
    response = login(client, world, role).get(reverse("dedup:queue"))
    body = response.content.decode()
    if role == "anonymous":
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"]
    elif role not in REVIEWERS:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
    # TKSK of A sees only the pair with both persons in kecamatan A; TKSK of B none.
    sees_inside = role in {"admin", "dinsos", "tksk_a"}
    sees_across = role in {"admin", "dinsos"}
    assert ("Wiryawan Kusumadewo" in body) == (sees_inside or sees_across)
    assert ("Bambang Pamungkas" in body) == sees_across
    if sees_inside:
        assert reverse("dedup:pair", args=[world["inside"].pk]) in body
        assert NIK_A not in body  # masked in the list


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["inside", "across"])
def test_pair_page_access(client, world, role, which):
    pair = world[which]
    response = login(client, world, role).get(reverse("dedup:pair", args=[pair.pk]))
    allowed = role in {"admin", "dinsos"} or (role == "tksk_a" and which == "inside")
    if role == "anonymous":
        expected = 302
    elif role not in REVIEWERS:
        expected = 403
    else:
        expected = 200 if allowed else 404
    assert response.status_code == expected
    body = response.content.decode()
    assert ("Kusumadewo" in body) == allowed
    logged = AccessLog.objects.filter(action=AccessAction.VIEW_PERSON, extra__dedup_pair=pair.pk)
    assert logged.count() == (2 if allowed else 0)
    if allowed:
        assert {int(x) for x in logged.values_list("object_id", flat=True)} == {
            pair.person_a_id,
            pair.person_b_id,
        }


@pytest.mark.parametrize("role", ["tksk_b", "psm_a", "pimpinan", "mitra"])
def test_outsiders_cannot_act(client, world, role):
    pair = world["inside"]
    c = login(client, world, role)
    r1 = c.post(reverse("dedup:pair_different", args=[pair.pk]))
    r2 = c.post(
        reverse("dedup:merge", args=[pair.pk]),
        {"survivor": "a", **{k: "a" for k in ("name", "nik", "household")}},
    )
    expected = 404 if role == "tksk_b" else 403
    assert (r1.status_code, r2.status_code) == (expected, expected)
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN
    assert Person.objects.filter(is_active=True).count() == 3


def test_pair_page_shows_evidence_in_words(client, world):
    client.force_login(world["users"]["dinsos"])
    body = client.get(reverse("dedup:pair", args=[world["inside"].pk])).content.decode()
    assert "<strong>NIK</strong> beda 1-2 digit" in body
    assert "<strong>Tanggal lahir</strong> hari dan bulan tertukar" in body
    assert "sangat menguatkan" in body and "91× lebih mungkin orang yang sama" in body
    assert "melemahkan" in body and "2,5× lebih mungkin orang berbeda" in body
    assert "3671********0001" in body and NIK_A not in body
    assert "peluang 98%" in body


def test_different_decision_from_page(client, world):
    pair = world["inside"]
    url = reverse("dedup:pair_different", args=[pair.pk])
    # The TKSK of the kecamatan sees the pair but does not decide: 403, still open.
    client.force_login(world["users"]["tksk_a"])
    page = client.get(reverse("dedup:pair", args=[pair.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="different-button"' not in body and 'id="merge-link"' not in body
    assert 'id="decide-message"' in body and "diambil oleh Dinas Sosial" in body
    assert client.post(url, {"note": "Beda nama ibu"}).status_code == 403
    assert client.get(reverse("dedup:merge", args=[pair.pk])).status_code == 403
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN and pair.decided_by is None
    client.force_login(world["users"]["dinsos"])
    response = client.post(url, {"note": "Beda nama ibu"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT and pair.note == "Beda nama ibu"
    assert pair.decided_by == world["users"]["dinsos"]


def test_merge_and_undo_from_pages(client, world):
    pair, a, a2 = world["inside"], world["a"], world["a2"]
    client.force_login(world["users"]["dinsos"])
    form = client.get(reverse("dedup:merge", args=[pair.pk]))
    body = form.content.decode()
    assert form.status_code == 200 and "Wiryawan Kusumadewo" in body and "Ojek" in body
    choices = {
        "survivor": "a",
        "name": "a",
        "nik": "a",
        "sex": "a",
        "birth_place": "a",
        "birth_date": "a",
        "marital_status": "a",
        "education": "a",
        "occupation": "b",
        "disabilities": "a",
        "chronic_illness": "a",
        "life_status": "a",
        "household": "a",
        "note": "KTP dan KK dicek",
    }
    response = client.post(reverse("dedup:merge", args=[pair.pk]), choices)
    assert response.status_code == 302, response.content.decode()[:2000]
    a.refresh_from_db()
    a2.refresh_from_db()
    assert a.occupation == "Ojek" and a.nik == NIK_A and not a2.is_active
    merge = Merge.objects.get()
    assert merge.note == "KTP dan KK dicek"
    page = client.get(reverse("dedup:pair", args=[pair.pk])).content.decode()
    assert "undo-button" in page

    response = client.post(reverse("dedup:undo", args=[merge.pk]))
    assert response.status_code == 302
    a.refresh_from_db()
    a2.refresh_from_db()
    assert a.occupation == "" and a2.is_active and a2.occupation == "Ojek"
    assert Membership.objects.filter(person=a2, end_date__isnull=True).count() == 1
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_undo_out_of_area_is_404(client, world):

    merge = actions.merge_pair(world["across"], acting_user=world["users"]["dinsos"], survivor="a")
    client.force_login(world["users"]["tksk_a"])
    response = client.post(reverse("dedup:undo", args=[merge.pk]))
    assert response.status_code == 404
    assert Merge.objects.get().undone_at is None


def test_queue_search_filter_and_status(client, world):
    client.force_login(world["users"]["dinsos"])
    url = reverse("dedup:queue")
    body = client.get(url, {"q": "Bambang Pamungkas"}).content.decode()
    assert "Bambang" in body and "1 pasangan" in body
    body = client.get(url, {"kelurahan": VILLAGE_A}).content.decode()
    assert "Kusumadewa" in body and "Bambang" not in body
    body = client.get(url, {"kecamatan": "36.71.02"}).content.decode()
    assert "Bambang" in body and "1 pasangan" in body

    actions.decide_different(world["inside"], acting_user=world["users"]["dinsos"])
    body = client.get(url).content.decode()
    assert "Kusumadewa" not in body
    body = client.get(url, {"status": "berbeda"}).content.decode()
    assert "Kusumadewa" in body and "Orang berbeda" in body


def test_queue_is_paginated(client, dinsos):
    people = [
        person_in_new_household(
            dinsos, VILLAGE_A, name=f"Orang Ke {chr(65 + i // 5)}{chr(97 + i % 26)}"
        )
        for i in range(27)
    ]
    for x, y in zip(people, people[1:], strict=False):
        make_pair(x, y, 0.9)
    client.force_login(dinsos)
    first = client.get(reverse("dedup:queue")).content.decode()
    assert "26 pasangan" in first and "halaman 1 dari 2" in first
    second = client.get(reverse("dedup:queue"), {"page": 2}).content.decode()
    assert second.count('href="/duplikat/pasangan/') == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_masks_nik_and_is_logged(client, world, fmt):
    client.force_login(world["users"]["pimpinan"])
    assert client.get(reverse("dedup:export", args=[fmt])).status_code == 403
    client.force_login(world["users"]["tksk_a"])
    response = client.get(reverse("dedup:export", args=[fmt]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content if fmt == "csv" else [response.getvalue()])
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][:4] == ["ID pasangan", "Peluang sama (%)", "ID A", "NIK A"]
        assert len(rows) == 2  # the TKSK's one pair
        # TKSK may reveal NIK, so the export carries it in full (same rule as exports app).
        assert NIK_A in rows[1]
    else:
        assert data[:2] == b"PK"
    log = AccessLog.objects.get(action=AccessAction.EXPORT, object_type="dedup_pairs")
    assert log.extra["rows"] == 1 and log.extra["format"] == fmt


def test_export_masks_for_roles_without_reveal(world):

    class Viewer:
        can_reveal_ids = False

    nik_col = next(c for c in pair_columns(Viewer()) if c.header == "NIK A")
    assert nik_col.value(world["inside"]) == "3671********0001"


def test_queue_queries_do_not_grow_with_rows(client, dinsos):

    people = [
        person_in_new_household(dinsos, VILLAGE_A, name=f"Warga Ke {chr(65 + i)}")
        for i in range(12)
    ]
    client.force_login(dinsos)
    client.get(reverse("dedup:queue"))  # the first request also loads session state
    counts = []
    done = 0
    for n in (2, 11):
        for x, y in zip(people[done:n], people[done + 1 : n + 1], strict=False):
            make_pair(x, y, 0.9)
        done = n
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(reverse("dedup:queue")).content.decode()
        assert f"{n} pasangan" in body
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
