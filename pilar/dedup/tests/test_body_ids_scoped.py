"""Pattern 9 for duplicate review: a pair (view, "different people", merge) and a
merge (undo) are fetched through the reviewer's scope, where BOTH persons must be
inside the area. A pair outside (for Dinas Sosial: outside the deployment region; for
a TKSK: another kecamatan), a pair with one person outside, and a missing id read
alike and nothing is decided. The merge form names the survivor as "a"/"b" of the
pair fetched, never by id."""

from __future__ import annotations

import pytest

from pilar.conftest import (
    MISSING_ID,
    VILLAGE_A,
    VILLAGE_B,
    assert_same_answer,
    move_outside_region,
    row_counts,
)
from pilar.dedup.models import CandidatePair, Merge

from .factories import make_pair, person_in_new_household

pytestmark = pytest.mark.django_db


def _pair(dinsos, village_a, village_b, out: tuple[bool, bool] = (False, False)):
    a = person_in_new_household(dinsos, village_a, name="Siti Aminah")
    b = person_in_new_household(dinsos, village_b, name="Siti Aminah")
    for person, away in zip((a, b), out, strict=True):
        if away:
            move_outside_region(person.household)
    return make_pair(a, b)


def _answers(client, user, pair_ids):
    client.force_login(user)
    out = []
    for pk in pair_ids:
        out.append(client.get(f"/duplikat/pasangan/{pk}/"))
        out.append(client.post(f"/duplikat/pasangan/{pk}/berbeda/", {"note": "beda"}))
        out.append(client.get(f"/duplikat/pasangan/{pk}/gabung/"))
        out.append(client.post(f"/duplikat/pasangan/{pk}/gabung/", {"survivor": "a"}))
        out.append(client.post(f"/duplikat/penggabungan/{pk}/batal/", {"note": "x"}))
    return out


def test_pair_outside_or_half_outside_reads_like_missing(client, dinsos, tksk_a):
    beyond = _pair(dinsos, VILLAGE_A, VILLAGE_A, out=(True, True))
    half = _pair(dinsos, VILLAGE_A, VILLAGE_A, out=(False, True))
    other_kecamatan = _pair(dinsos, VILLAGE_B, VILLAGE_B)
    straddling = _pair(dinsos, VILLAGE_A, VILLAGE_B)
    before = row_counts(CandidatePair, Merge)
    statuses = set(CandidatePair.objects.values_list("status", flat=True))
    answers = _answers(client, dinsos, [beyond.pk, half.pk, MISSING_ID])
    answers += _answers(client, tksk_a, [other_kecamatan.pk, straddling.pk, MISSING_ID])
    assert answers[0].status_code == 404
    assert_same_answer(*answers)
    assert row_counts(CandidatePair, Merge) == before
    assert set(CandidatePair.objects.values_list("status", flat=True)) == statuses
