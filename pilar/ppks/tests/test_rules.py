import datetime

import pytest

from pilar.conftest import make_household, make_nik
from pilar.core.errors import InvalidInput, NotAllowed
from pilar.ppks.actions import create_ppks_record, end_ppks_record
from pilar.ppks.models import PpksRecord, PpksType
from pilar.registry.actions import create_person

pytestmark = pytest.mark.django_db


def years_ago(years: int, days: int = 0) -> str:
    today = datetime.date.today()
    try:
        date = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        date = today.replace(year=today.year - years, day=28)
    return (date - datetime.timedelta(days=days)).isoformat()


def person(user, household, *, sex="L", birth=None, relation="anak", name="Anak Uji"):
    birth = birth or years_ago(10)
    return create_person(
        acting_user=user,
        household=household,
        data={
            "nik": make_nik(sex, birth),
            "name": name,
            "sex": sex,
            "birth_date": birth,
            "relation": relation,
        },
    )


def test_26_types_seeded_with_rules():
    assert PpksType.objects.count() == 26
    at = PpksType.objects.get(number=2)
    assert (at.min_age, at.max_age) == (6, 18)
    assert PpksType.objects.get(number=23).sex == "P"
    assert PpksType.objects.get(number=24).level == "keluarga"
    assert PpksType.objects.get(number=26).level == "komunitas"


@pytest.mark.parametrize(
    "number, sex, age, ok",
    [
        (1, "L", 5, True),
        (1, "L", 6, False),
        (2, "P", 6, True),
        (2, "P", 19, False),
        (3, "L", 11, False),
        (3, "L", 17, True),
        (3, "L", 18, False),
        (8, "P", 59, False),
        (8, "P", 60, True),
        (23, "L", 30, False),
        (23, "P", 30, True),
        (23, "P", 60, False),
    ],
)
def test_age_and_sex_rules(dinsos, household_a, number, sex, age, ok):
    member = person(dinsos, household_a, sex=sex, birth=years_ago(age, days=1))
    data = {"ppks_type": number, "person": member}
    if ok:
        record = create_ppks_record(acting_user=dinsos, data=data)
        assert record.household_id == household_a.pk
    else:
        with pytest.raises(InvalidInput) as exc:
            create_ppks_record(acting_user=dinsos, data=data)
        assert "hanya untuk" in exc.value.errors["ppks_type"][0]
        assert not PpksRecord.objects.filter(person=member).exists()


def test_disability_needs_subtype(dinsos, household_a):
    member = household_a.members.get()
    with pytest.raises(InvalidInput) as exc:
        create_ppks_record(acting_user=dinsos, data={"ppks_type": 9, "person": member})
    assert "disability_subtypes" in exc.value.errors
    record = create_ppks_record(
        acting_user=dinsos,
        data={"ppks_type": 9, "person": member, "disability_subtypes": ["fisik", "sensorik"]},
    )
    assert record.disability_subtypes == ["fisik", "sensorik"]


def test_household_level_type_and_duplicates(dinsos, household_a):
    create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": household_a})
    with pytest.raises(InvalidInput) as exc:
        create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": household_a})
    assert "masih aktif" in exc.value.errors["ppks_type"][0]
    with pytest.raises(InvalidInput):
        create_ppks_record(
            acting_user=dinsos, data={"ppks_type": 24, "person": household_a.members.get()}
        )


def test_end_record_needs_reason_and_psm_scope(dinsos, psm_b, household_a):
    record = create_ppks_record(
        acting_user=dinsos, data={"ppks_type": 24, "household": household_a}
    )
    with pytest.raises(InvalidInput):
        end_ppks_record(record, acting_user=dinsos, reason="")
    with pytest.raises(NotAllowed):
        end_ppks_record(record, acting_user=psm_b, reason="salah input")
    end_ppks_record(record, acting_user=dinsos, reason="Terentaskan")
    record.refresh_from_db()
    assert record.status == "selesai" and record.end_reason == "Terentaskan"


def test_psm_cannot_register_out_of_area(psm_b, dinsos):
    household = make_household(dinsos)
    with pytest.raises(NotAllowed):
        create_ppks_record(acting_user=psm_b, data={"ppks_type": 24, "household": household})
