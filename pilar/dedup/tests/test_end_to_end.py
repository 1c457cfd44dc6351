"""The review side with the real linkage engine (Splink on DuckDB): persons registered
through the actions, scored by `run_dedup`, decided, scored again; and the create
form's look-alike check through the engine's `compare`."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from pilar.dedup import actions
from pilar.dedup.models import CandidatePair, PairStatus, RunStatus
from pilar.dedup.similar import find_lookalikes
from pilar.dedup.tests.factories import person_in_new_household
from pilar.dedup.types import PersonRecord

linkage = pytest.importorskip("pilar.dedup.linkage")

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(dinsos):
    """A small registry with two planted duplicates among distinct people."""
    people = {
        # Same woman: two NIK digits transposed, old spelling, another kelurahan.
        "siti": person_in_new_household(
            dinsos,
            VILLAGE_A,
            name="Siti Nurhayati",
            sex="P",
            birth="1968-04-09",
            nik="3671014904680003",
            birth_place="Tangerang",
        ),
        "siti2": person_in_new_household(
            dinsos,
            VILLAGE_A2,
            name="Siti Noerhajati",
            sex="P",
            birth="1968-04-09",
            nik="3671014904860003",  # year digits transposed when typed
            nik_mismatch_reason="salah ketik saat pendataan",
            birth_place="Tangerang",
        ),
        # Same man: no NIK on one record, day and month swapped.
        "joko": person_in_new_household(
            dinsos,
            VILLAGE_B,
            name="Joko Susanto",
            birth="1979-02-11",
            nik="3671021102790004",
            birth_place="Solo",
        ),
        "joko2": person_in_new_household(
            dinsos,
            VILLAGE_B,
            name="Joko Susanto",
            birth="1979-11-02",
            nik=None,
            birth_place="Solo",
        ),
    }
    others = [
        ("Ahmad Hidayat", "L", "1985-06-30"),
        ("Dewi Kartika", "P", "1992-01-17"),
        ("Bambang Irawan", "L", "1960-12-25"),
        ("Rina Marlina", "P", "1975-08-05"),
        ("Agus Setiawan", "L", "2001-03-14"),
        ("Lestari Wulandari", "P", "1988-10-21"),
        ("Hendra Kurniawan", "L", "1970-07-07"),
        ("Yuliani Safitri", "P", "1999-05-28"),
    ]
    for i, (name, sex, birth) in enumerate(others):
        people[name] = person_in_new_household(
            dinsos, (VILLAGE_A, VILLAGE_A2, VILLAGE_B)[i % 3], name=name, sex=sex, birth=birth
        )
    return people


def key(x, y):
    return tuple(sorted([x.pk, y.pk]))


def test_run_find_decide_run_again(dinsos, registry):
    run = actions.run_dedup(dinsos)
    assert run.status == RunStatus.DONE and run.persons_scored == 12
    found = {
        (p.person_a_id, p.person_b_id): p for p in CandidatePair.objects.filter(status="terbuka")
    }
    siti = key(registry["siti"], registry["siti2"])
    joko = key(registry["joko"], registry["joko2"])
    assert siti in found and joko in found, found
    assert found[siti].probability >= linkage.DEFAULT_THRESHOLD
    fields = {e["field"] for e in found[siti].evidence}
    assert {"nik", "name", "birth_date"} <= fields
    assert all(e["level"] and e["label"] for e in found[siti].evidence)

    actions.decide_different(found[joko], acting_user=dinsos, note="Kembar")
    merge = actions.merge_pair(found[siti], acting_user=dinsos, survivor="a")
    again = actions.run_dedup(dinsos)
    open_now = set(
        CandidatePair.objects.filter(status=PairStatus.OPEN).values_list(
            "person_a_id", "person_b_id"
        )
    )
    assert joko not in open_now and siti not in open_now
    assert again.persons_scored == 11  # the merged record is inactive
    assert CandidatePair.objects.get(pk=found[joko].pk).status == PairStatus.DIFFERENT

    actions.undo_merge(merge, acting_user=dinsos)
    actions.run_dedup(dinsos)
    assert CandidatePair.objects.get(pk=found[siti].pk).status == PairStatus.OPEN


def test_lookalikes_with_real_compare(registry):
    new = PersonRecord(
        id=0,
        name="Siti Nurhayati",
        sex="P",
        birth_date=datetime.date(1968, 9, 4),
        village_id=VILLAGE_A,
    )
    pairs = find_lookalikes(new)
    ids = {p.id_a if p.id_b == 0 else p.id_b for p in pairs}
    assert registry["siti"].pk in ids
    assert registry["Dewi Kartika"].pk not in ids
    stranger = PersonRecord(
        id=0, name="Yohanes Situmorang", sex="L", birth_date=datetime.date(1950, 1, 1)
    )
    assert find_lookalikes(stranger) == []


def test_form_flag_with_real_engine(client, dinsos, registry):
    client.force_login(dinsos)
    household = registry["Bambang Irawan"].household  # Joko's kelurahan
    url = reverse("web:member_create", args=[household.pk])
    post = {
        "name": "Joko Susanto",
        "sex": "L",
        "relation": "famili_lain",
        "birth_date": "1979-02-11",
        "nik": "",
        "nik_missing_reason": "belum_rekam",
        "birth_place": "Solo",
    }
    response = client.post(url, post)
    assert response.status_code == 200 and 'id="lookalikes"' in response.content.decode()
    response = client.post(url, {**post, "dedup-confirm_different": "on"})
    assert response.status_code == 302
    assert household.members.filter(name="Joko Susanto").count() == 1
