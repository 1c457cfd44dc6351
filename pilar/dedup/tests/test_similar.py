"""Flag on create: the SQL prefilter, find_lookalikes and the registry forms' warning."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from pilar.conftest import VILLAGE_A, VILLAGE_B
from pilar.dedup.similar import (
    LookalikeGuard,
    birth_dates,
    candidates,
    find_lookalikes,
    nik_variants,
)
from pilar.dedup.tests.factories import person_in_new_household
from pilar.dedup.types import PersonRecord
from pilar.registry.models import Household, Person

pytestmark = pytest.mark.django_db

NIK = "3671011203900001"  # male, born 12-03-1990


def test_nik_variants():
    variants = nik_variants(NIK)
    assert len(variants) == 1 + 16 * 9 + 120 * 81
    assert NIK in variants and "3671011203900002" in variants  # one digit
    assert "3671011230900001" in variants  # two swapped digits
    assert "3671011230900002" not in variants  # three digits


def test_birth_dates():
    assert birth_dates(datetime.date(1975, 3, 12)) == [
        datetime.date(1975, 3, 12),
        datetime.date(1975, 12, 3),
    ]
    assert birth_dates(datetime.date(1975, 3, 25)) == [datetime.date(1975, 3, 25)]
    assert birth_dates(None) == []


@pytest.fixture
def registered(dinsos):
    return {
        "same": person_in_new_household(
            dinsos, VILLAGE_A, name="Muhammad Rizky", birth="1990-03-12", nik=NIK
        ),
        "swapped": person_in_new_household(
            dinsos, VILLAGE_B, name="Muhamad Rizki", birth="1990-12-03"
        ),
        "other_date": person_in_new_household(
            dinsos, VILLAGE_A, name="Muhammad Rizky", birth="1985-07-21"
        ),
        "nik_typo": person_in_new_household(
            dinsos, VILLAGE_A, name="Ahmad Subarjo", birth="1990-03-12", nik="3671011203900091"
        ),
        "stranger": person_in_new_household(dinsos, VILLAGE_A, name="Sri Wahyuni", sex="P"),
    }


def test_prefilter(registered):
    new = PersonRecord(
        id=0, name="Muhammad Rizki", birth_date=datetime.date(1990, 3, 12), nik=NIK[:-2] + "99"
    )
    found = {p.pk for p in candidates(new)}
    r = registered
    # name+date (same or swapped) or NIK within two digits; not a same name born elsewhen.
    assert found == {r["same"].pk, r["swapped"].pk, r["nik_typo"].pk}
    assert r["same"].pk not in {p.pk for p in candidates(new, exclude_ids=[r["same"].pk])}
    Person.objects.filter(pk=r["swapped"].pk).update(is_active=False)
    assert r["swapped"].pk not in {p.pk for p in candidates(new)}


def test_find_lookalikes_uses_engine_threshold(registered, fake_engine):
    new = PersonRecord(id=0, name="Muhammad Rizky", birth_date=datetime.date(1990, 3, 12))
    pairs = find_lookalikes(new)
    assert {p.id_b for p in pairs} == {registered["same"].pk, registered["swapped"].pk}
    fake_engine.compare_probability = 0.1
    assert find_lookalikes(new) == []


def head(prefix="kepala", **values):
    data = {
        "no_kk": "",
        "no_kk_missing_reason": "tidak_punya_dokumen",
        "address": "Jl. Baru No. 3",
        "village": VILLAGE_A,
    }
    data.update({f"{prefix}-{k}": v for k, v in values.items()})
    return data


def test_household_form_warns_then_allows(client, dinsos, registered, fake_engine):
    # The create form is Dinas Sosial's (PSM/TKSK report new households instead).
    client.force_login(dinsos)
    url = reverse("web:household_create")
    post = head(
        name="Muhammad Rizky",
        sex="L",
        birth_date="1990-03-12",
        nik="",
        nik_missing_reason="belum_rekam",
    )
    before = Household.objects.count()
    response = client.post(url, post)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="lookalikes"' in body and "Saya sudah memeriksa; ini orang yang berbeda" in body
    assert "3671********0001" in body and NIK not in body  # masked
    assert reverse("web:person_detail", args=[registered["same"].pk]) in body
    assert reverse("web:person_detail", args=[registered["swapped"].pk]) in body
    assert Household.objects.count() == before

    response = client.post(url, {**post, "dedup-confirm_different": "on"})
    assert response.status_code == 302
    assert Household.objects.count() == before + 1
    assert Person.objects.filter(name="Muhammad Rizky", birth_date="1990-03-12").count() == 2


def test_guard_hides_lookalikes_outside_the_users_area(tksk_a, registered, fake_engine):
    # The look-alike in kecamatan 36.71.02 is outside the TKSK's area: the warning
    # names only its kecamatan (the template shows no name and no link).
    guard = LookalikeGuard(None, user=tksk_a)
    values = {"name": "Muhammad Rizky", "sex": "L", "birth_date": "1990-03-12"}
    assert not guard.passes(values, village_id=VILLAGE_A)
    visible = {item.person.pk: item.visible for item in guard.lookalikes}
    assert visible == {registered["same"].pk: True, registered["swapped"].pk: False}


def test_member_form_warns_then_allows(client, dinsos, registered, fake_engine):
    household = registered["stranger"].household
    client.force_login(dinsos)
    url = reverse("web:member_create", args=[household.pk])
    post = {
        "name": "Ahmad Subardjo",
        "sex": "L",
        "relation": "anak",
        "birth_date": "1990-12-03",  # day and month swapped
        "nik": "",
        "nik_missing_reason": "belum_rekam",
    }
    response = client.post(url, post)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="lookalikes"' in body
    assert "Ahmad Subarjo" in body
    assert fake_engine.compared == [[registered["nik_typo"].pk]]
    assert not household.members.filter(name="Ahmad Subardjo").exists()
    response = client.post(url, {**post, "dedup-confirm_different": "on"})
    assert response.status_code == 302
    assert household.members.filter(name="Ahmad Subardjo").exists()


def test_no_lookalike_no_warning(client, dinsos, registered, fake_engine):
    client.force_login(dinsos)
    post = head(
        name="Yohanes Situmorang",
        sex="L",
        birth_date="1960-01-01",
        nik="",
        nik_missing_reason="belum_rekam",
    )
    response = client.post(reverse("web:household_create"), post)
    assert response.status_code == 302
    assert fake_engine.compared == []  # nothing prefiltered: the engine is not even asked
