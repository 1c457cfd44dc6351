import datetime

import pytest

from pilar.conftest import VILLAGE_A, VILLAGE_B, make_household, make_nik
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.registry.actions import create_person, move_person, update_household
from pilar.registry.models import Household, Membership, Person
from pilar.registry.validation import HOUSEHOLD_FIELDS, clean_household

pytestmark = pytest.mark.django_db


def test_household_with_member_is_created(dinsos):
    household = make_household(dinsos)
    assert household.members.count() == 1
    member = household.members.get()
    assert member.memberships.get().end_date is None
    assert household.rt == "001"


def test_nik_sex_mismatch_blocks_until_confirmed(dinsos, household_a):
    data = {
        "nik": make_nik("P", "1990-01-02"),
        "name": "Ahmad",
        "sex": "L",
        "birth_date": "1990-01-02",
        "relation": "anak",
    }
    with pytest.raises(InvalidInput) as exc:
        create_person(acting_user=dinsos, household=household_a, data=data)
    assert "perempuan" in exc.value.errors["nik"][0]
    assert exc.value.codes["nik"] == "nik_mismatch"
    assert household_a.members.count() == 1
    person = create_person(
        acting_user=dinsos,
        household=household_a,
        data={**data, "nik_mismatch_reason": "Sesuai KTP asli"},
    )
    assert person.nik_mismatch_reason == "Sesuai KTP asli"


def test_duplicate_active_nik_refused(dinsos, household_a, household_b):
    nik = household_a.members.get().nik
    with pytest.raises(InvalidInput) as exc:
        create_person(
            acting_user=dinsos,
            household=household_b,
            data={
                "nik": nik,
                "name": "Orang Lain",
                "sex": "L",
                "birth_date": "1975-03-12",
                "relation": "famili_lain",
            },
        )
    assert "sudah terdaftar" in exc.value.errors["nik"][0]


def test_missing_nik_needs_reason(dinsos, household_a):
    with pytest.raises(InvalidInput) as exc:
        create_person(
            acting_user=dinsos,
            household=household_a,
            data={"name": "Tanpa NIK", "sex": "L", "relation": "anak"},
        )
    assert "nik_missing_reason" in exc.value.errors
    person = create_person(
        acting_user=dinsos,
        household=household_a,
        data={
            "name": "Tanpa NIK",
            "sex": "L",
            "relation": "anak",
            "nik_missing_reason": "tidak_punya_dokumen",
        },
    )
    assert person.nik is None


def test_kelurahan_outside_the_users_area_is_refused(psm_a, dinsos):
    # The PSM no longer writes directly, but the same validation checks a field
    # report's kelurahan (pilar.submissions.checks).
    household = make_household(dinsos, VILLAGE_A)
    data = {f: getattr(household, f) for f in HOUSEHOLD_FIELDS}
    with pytest.raises(InvalidInput) as exc:
        clean_household({**data, "village": VILLAGE_B}, user=psm_a, instance=household)
    assert "di luar wilayah" in exc.value.errors["village"][0]
    assert clean_household({**data, "village": VILLAGE_A}, user=psm_a, instance=household)


def test_psm_cannot_edit_other_area(psm_b, household_a):
    # Outside the area the record is invisible: NotAllowed (404), not PermissionDenied.
    with pytest.raises(NotAllowed):
        update_household(household_a, acting_user=psm_b, data={"address": "x"})
    household_a.refresh_from_db()
    assert household_a.address == "Jl. Melati No. 5"


def test_move_keeps_membership_trail(dinsos, household_a, household_b):
    person = household_a.members.get()
    move_person(
        person,
        acting_user=dinsos,
        to_household=household_b,
        relation="famili_lain",
        moved_on=datetime.date.today(),
        reason="Ikut saudara",
    )
    trail = list(Membership.objects.filter(person=person).order_by("id"))
    assert [m.household_id for m in trail] == [household_a.pk, household_b.pk]
    assert trail[0].end_date is not None and trail[0].end_reason == "Ikut saudara"
    assert Person.objects.get(pk=person.pk).household_id == household_b.pk


def test_invalid_household_writes_nothing(dinsos):
    before = Household.objects.count()
    with pytest.raises(InvalidInput) as exc:
        make_household(dinsos, "36.71.99.9999", no_kk="123")
    assert set(exc.value.errors) >= {"no_kk", "village"}
    assert Household.objects.count() == before


def test_household_and_member_errors_reported_together(dinsos):
    with pytest.raises(InvalidInput) as exc:
        make_household(dinsos, "36.71.99.9999", members=[{"name": "", "sex": "X"}])
    assert "village" in exc.value.errors
    assert "members[0].name" in exc.value.errors
    assert "members[0].sex" in exc.value.errors
