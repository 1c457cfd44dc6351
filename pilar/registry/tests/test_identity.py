import datetime

import pytest

from pilar.core.identity import mask
from pilar.registry.identity import (
    IdentityError,
    nik_facts,
    nik_mismatches,
    validate_nik,
    validate_no_kk,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw, message",
    [
        ("367101170875000", "16 digit"),
        ("36710117087500011", "16 digit"),
        ("3671A11708750001", "hanya boleh berisi angka"),
        ("3671011708750000", "0000"),
        ("9971011708750001", "provinsi 99"),
        ("3671013208750001", "tidak valid"),  # day 32
        ("3671011713750001", "tidak valid"),  # month 13
        ("3671017202750001", "tidak valid"),  # 32 Feb (women: 72 - 40)
    ],
)
def test_invalid_nik(raw, message):
    with pytest.raises(IdentityError) as exc:
        validate_nik(raw)
    assert message in str(exc.value)


def test_valid_nik_with_separators():
    assert validate_nik("3671 0157 0875 0001") == "3671015708750001"
    assert validate_nik("3671.0117.0875.0001") == "3671011708750001"


def test_nik_facts_for_women_add_40():
    facts = nik_facts("3671015708750001")
    assert (facts.sex, facts.day, facts.month, facts.year2) == ("P", 17, 8, 75)


def test_nik_mismatch_messages():
    nik = "3671015708750001"
    assert nik_mismatches(nik, "P", datetime.date(1975, 8, 17)) == []
    problems = nik_mismatches(nik, "L", datetime.date(1975, 8, 18))
    assert len(problems) == 2
    assert "perempuan" in problems[0]
    assert "17-08-xx75" in problems[1]


@pytest.mark.parametrize(
    "raw, message",
    [
        ("3671011234", "16 digit"),
        ("36710112345600x1", "hanya boleh berisi angka"),
        ("0071011234560001", "provinsi 00"),
    ],
)
def test_invalid_no_kk(raw, message):
    with pytest.raises(IdentityError) as exc:
        validate_no_kk(raw)
    assert message in str(exc.value)


def test_no_kk_has_no_birth_date_rule():
    # KK numbers carry an issue date/serial, not a birth date: day 99 is fine.
    assert validate_no_kk("3671019999990001") == "3671019999990001"


def test_mask():
    assert mask("3671011708750001") == "3671********0001"
    assert mask(None) == ""
