"""Merging a pair moves memberships and PPKS records to the kept person; undo puts
every row back exactly."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.dedup import actions
from pilar.dedup.actions import MEMBERSHIP_SNAPSHOT, PERSON_SNAPSHOT, PPKS_SNAPSHOT, _row
from pilar.dedup.models import CandidatePair, Merge, PairStatus
from pilar.dedup.tests.factories import add_member, make_pair, person_in_new_household
from pilar.ppks.actions import create_ppks_record
from pilar.ppks.models import PpksRecord
from pilar.registry.actions import update_person
from pilar.registry.models import Membership, Person
from pilar.web.timeline import person_timeline

pytestmark = pytest.mark.django_db

A_NIK, B_NIK = "3671014304501234", "3671014304509977"  # women born 03-04-1950


def state(*persons: Person) -> dict:
    """Every row of the persons that a merge may touch, as plain values."""
    ids = [p.pk for p in persons]
    return {
        "persons": {p.pk: _row(p, PERSON_SNAPSHOT) for p in Person.objects.filter(pk__in=ids)},
        "memberships": {
            m.pk: _row(m, MEMBERSHIP_SNAPSHOT) for m in Membership.objects.filter(person_id__in=ids)
        },
        "ppks": {
            r.pk: _row(r, PPKS_SNAPSHOT) for r in PpksRecord.objects.filter(person_id__in=ids)
        },
    }


@pytest.fixture
def twins(dinsos):
    """The same woman registered twice: once in kelurahan A (with an old NIK typo and an
    elderly PPKS record), once in A2 (correct NIK, same PPKS type plus disability)."""
    a = person_in_new_household(
        dinsos, VILLAGE_A, name="Siti Aminah", sex="P", birth="1950-04-03", occupation="", nik=A_NIK
    )
    b = person_in_new_household(
        dinsos,
        VILLAGE_A2,
        name="Siti Aminah",
        sex="P",
        birth="1950-04-03",
        nik=B_NIK,
        occupation="Pedagang",
        birth_place="Tangerang",
    )
    old = create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 8, "person": a, "household": a.household, "date_found": "2024-01-05"},
    )
    dup = create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 8, "person": b, "household": b.household, "date_found": "2024-06-01"},
    )
    dis = create_ppks_record(
        acting_user=dinsos,
        data={
            "ppks_type": 9,
            "person": b,
            "household": b.household,
            "date_found": "2024-06-01",
            "disability_subtypes": ["fisik"],
        },
    )
    pair = make_pair(a, b)
    return {"a": a, "b": b, "pair": pair, "old": old, "dup": dup, "dis": dis}


def test_merge_moves_rows_and_undo_restores_exactly(dinsos, twins):
    a, b, pair = twins["a"], twins["b"], twins["pair"]
    before = state(a, b)
    b_membership = Membership.objects.get(person=b)

    merge = actions.merge_pair(
        pair,
        acting_user=dinsos,
        survivor="a",
        chosen={"nik": "b", "occupation": "b", "birth_place": "b"},
        note="KTP dicek",
    )

    a.refresh_from_db()
    b.refresh_from_db()
    assert not b.is_active and a.is_active
    assert a.nik == B_NIK  # the NIK taken from B (freed by B's deactivation)
    assert (a.occupation, a.birth_place, a.name) == ("Pedagang", "Tangerang", "Siti Aminah")
    assert a.household_id == before["persons"][a.pk]["household_id"]
    # B's membership moved to A and closed: A keeps one current membership.
    b_membership.refresh_from_db()
    assert b_membership.person_id == a.pk and b_membership.end_date is not None
    assert b_membership.end_reason.startswith("digabung")
    assert Membership.objects.filter(person=a, end_date__isnull=True).count() == 1
    assert not Membership.objects.filter(person=b).exists()
    # PPKS: B's duplicate elderly record ended "digabung", the disability record moved.
    dup, dis = (PpksRecord.objects.get(pk=twins[k].pk) for k in ("dup", "dis"))
    assert dup.person_id == a.pk and dup.status == "selesai"
    assert dup.end_reason.startswith("digabung")
    assert dis.person_id == a.pk and dis.status == "aktif" and dis.household_id == a.household_id
    assert PpksRecord.objects.get(pk=twins["old"].pk).status == "aktif"
    pair.refresh_from_db()
    assert pair.status == PairStatus.SAME and pair.decided_by == dinsos
    assert merge.moved_ppks == sorted([dup.pk, dis.pk])
    assert merge.closed_ppks == [dup.pk]
    assert merge.closed_memberships == [b_membership.pk]
    assert merge.chosen["nik"]["from"] == "b"

    actions.undo_merge(merge, acting_user=dinsos)

    assert state(a, b) == before
    pair.refresh_from_db()
    merge.refresh_from_db()
    assert pair.status == PairStatus.OPEN and pair.decided_by is None
    assert merge.undone_by == dinsos and merge.undone_at is not None


def test_merge_into_the_other_household(dinsos, twins):
    """Choosing B's household: A's current membership closes, B's stays open under A."""
    a, b, pair = twins["a"], twins["b"], twins["pair"]
    before = state(a, b)
    a_current = Membership.objects.get(person=a, end_date__isnull=True)
    b_current = Membership.objects.get(person=b, end_date__isnull=True)

    merge = actions.merge_pair(pair, acting_user=dinsos, survivor="a", chosen={"household": "b"})

    a.refresh_from_db()
    assert a.household_id == b.household_id
    a_current.refresh_from_db()
    b_current.refresh_from_db()
    assert a_current.end_date is not None
    assert b_current.person_id == a.pk and b_current.end_date is None
    # A's own active elderly record follows A to the new household.
    assert PpksRecord.objects.get(pk=twins["old"].pk).household_id == b.household_id

    actions.undo_merge(merge, acting_user=dinsos)
    assert state(a, b) == before


def test_survivor_b_keeps_b(dinsos, twins):
    a, b, pair = twins["a"], twins["b"], twins["pair"]
    merge = actions.merge_pair(pair, acting_user=dinsos, survivor="b")
    a.refresh_from_db()
    b.refresh_from_db()
    assert merge.survivor_id == b.pk and merge.merged_id == a.pk
    assert b.is_active and not a.is_active
    assert b.nik == B_NIK
    # A's elderly record was the duplicate this time.
    assert PpksRecord.objects.get(pk=twins["old"].pk).status == "selesai"
    assert PpksRecord.objects.filter(person=b, status="aktif").count() == 2


def test_merge_validates_before_writing(dinsos, twins):
    a, b, pair = twins["a"], twins["b"], twins["pair"]
    before = state(a, b)
    with pytest.raises(InvalidInput) as exc:
        actions.merge_pair(pair, acting_user=dinsos, survivor="x", chosen={"name": "c"})
    assert set(exc.value.errors) == {"survivor", "name"}
    assert state(a, b) == before
    assert not Merge.objects.exists()


def test_inconsistent_choice_rolls_back(dinsos, twins):
    """A NIK of a woman with the male sex of... nobody: here A's NIK with a sex that
    disagrees is refused by the registry's rules, and nothing is written."""
    a, b, pair = twins["a"], twins["b"], twins["pair"]
    update_person(b, acting_user=dinsos, data={"sex": "L", "nik_mismatch_reason": "sesuai KTP"})
    b.refresh_from_db()
    before = state(a, b)
    with pytest.raises(InvalidInput) as exc:
        actions.merge_pair(pair, acting_user=dinsos, survivor="a", chosen={"sex": "b"})
    assert "nik" in exc.value.errors
    assert state(a, b) == before
    assert Person.objects.get(pk=b.pk).is_active


def test_merge_within_one_household(dinsos):
    """A child entered twice in the same family card."""
    head = person_in_new_household(dinsos, VILLAGE_A, name="Ahmad Fauzi")
    household = head.household
    one = add_member(dinsos, household, name="Rizky Ramadhan", birth_date="2010-09-01")
    two = add_member(dinsos, household, name="Rizki Ramadan", birth_date="2010-01-09")
    before = state(one, two)
    merge = actions.merge_pair(make_pair(one, two), acting_user=dinsos, survivor="a")
    survivor = Person.objects.get(pk=merge.survivor_id)
    assert survivor.household_id == household.pk
    assert household.members.filter(is_active=True).count() == 2
    assert Membership.objects.filter(person=survivor, end_date__isnull=True).count() == 1
    actions.undo_merge(merge, acting_user=dinsos)
    assert state(one, two) == before


def test_undo_refused_after_later_change(dinsos, twins):
    a, b, pair = twins["a"], twins["b"], twins["pair"]
    merge = actions.merge_pair(pair, acting_user=dinsos, survivor="a")
    a.refresh_from_db()
    update_person(a, acting_user=dinsos, data={"occupation": "Buruh"})
    with pytest.raises(InvalidInput) as exc:
        actions.undo_merge(merge, acting_user=dinsos)
    assert "pekerjaan" in exc.value.errors["__all__"][0]
    assert Merge.objects.get(pk=merge.pk).undone_at is None
    assert not Person.objects.get(pk=b.pk).is_active


def test_scope_is_checked_for_both_persons(dinsos, tksk_a, psm_a):
    a = person_in_new_household(dinsos, VILLAGE_A, name="Joko Susilo")
    b = person_in_new_household(dinsos, VILLAGE_B, name="Joko Susila")
    pair = make_pair(a, b)
    for user in (tksk_a, psm_a):  # B is outside kecamatan A; PSM may not review at all
        with pytest.raises(NotAllowed):
            actions.merge_pair(pair, acting_user=user, survivor="a")
        with pytest.raises(NotAllowed):
            actions.decide_different(pair, acting_user=user)
    assert Person.objects.get(pk=b.pk).is_active
    assert pair.__class__.objects.get(pk=pair.pk).status == PairStatus.OPEN


def test_tksk_sees_but_may_not_decide_inside_kecamatan(tksk_a, dinsos):
    # A merge, its undo and "different people" are Dinas Sosial's (decisions.md).
    a = person_in_new_household(dinsos, VILLAGE_A, name="Dewi Lestari", sex="P")
    b = person_in_new_household(dinsos, VILLAGE_A2, name="Dewi Lestari", sex="P")
    pair = make_pair(a, b)
    assert CandidatePair.objects.restrict(tksk_a, "view").filter(pk=pair.pk).exists()
    before = state(a, b)
    with pytest.raises(PermissionDenied):
        actions.merge_pair(pair, acting_user=tksk_a, survivor="a")
    with pytest.raises(PermissionDenied):
        actions.decide_different(pair, acting_user=tksk_a)
    assert state(a, b) == before
    assert CandidatePair.objects.get(pk=pair.pk).status == PairStatus.OPEN
    merge = actions.merge_pair(pair, acting_user=dinsos, survivor="a")
    with pytest.raises(PermissionDenied):
        actions.undo_merge(merge, acting_user=tksk_a)
    assert Merge.objects.get(pk=merge.pk).undone_at is None
    assert not Person.objects.get(pk=b.pk).is_active


def test_decided_pair_cannot_be_decided_again(dinsos, twins):
    pair = twins["pair"]
    actions.decide_different(pair, acting_user=dinsos, note="Beda ibu kandung")
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT and pair.note == "Beda ibu kandung"
    with pytest.raises(InvalidInput):
        actions.merge_pair(pair, acting_user=dinsos, survivor="a")
    assert Person.objects.get(pk=twins["b"].pk).is_active


def test_merge_and_undo_in_person_timeline(dinsos, twins):

    merge = actions.merge_pair(twins["pair"], acting_user=dinsos, survivor="a")
    actions.undo_merge(merge, acting_user=dinsos)
    titles = [e.title for e in person_timeline(twins["b"], dinsos)]
    assert any("digabungkan" in t for t in titles), titles
    assert any("dibatalkan" in t for t in titles), titles
    titles_a = [e.title for e in person_timeline(twins["a"], dinsos)]
    assert any("digabungkan" in t for t in titles_a), titles_a
