"""The one parser each for amounts and dates that every app uses (issue 12)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from pilar.core.dates import date_or_invalid, parse_date, today
from pilar.core.errors import ErrorCollector, InvalidInput
from pilar.core.numbers import column_max, parse_amount


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.500.000", "1500000"),
        ("Rp 1.500.000", "1500000"),
        ("Rp1.500.000,50", "1500000.50"),
        ("rp. 65.000", "65000"),
        ("1500000", "1500000"),
        ("1500000,50", "1500000.50"),
        ("2,5", "2.5"),
        ("2.5", "2.5"),
        ("1.500", "1500"),  # a dot followed by three digits groups thousands
        (" 12 500 ", "12500"),
        (Decimal("2.125"), None),  # three decimals: refused below
        (Decimal("2.25"), "2.25"),
        (2.5, "2.5"),
        (1500, "1500"),
    ],
)
def test_amounts_as_typed_in_indonesia(typed, expected):
    errors = ErrorCollector()
    value = parse_amount(errors, "x", typed, "Nilai")
    if expected is None:
        assert value is None and errors.errors
    else:
        assert value == Decimal(expected)
        assert not errors.errors


@pytest.mark.parametrize("typed", ["1,500", "1,500,000", "1,500.50", "12,345"])
def test_an_amount_that_reads_two_ways_is_refused_with_the_reason(typed):
    errors = ErrorCollector()
    assert parse_amount(errors, "x", typed, "Nilai") is None
    (message,) = errors.errors["x"]
    assert "dapat dibaca dua cara" in message and typed in message


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("abc", "harus berupa angka"),
        ("-5", "tidak boleh negatif"),
        (True, "harus berupa angka"),
        ("2,1255", "paling banyak dua angka di belakang koma"),
        ("1.500,125", "paling banyak dua angka"),
        ("1.000.000.000.000", "terlalu besar"),
        ("NaN", "harus berupa angka"),
    ],
)
def test_bad_amounts(typed, fragment):
    errors = ErrorCollector()
    assert parse_amount(errors, "x", typed, "Nilai") is None
    assert fragment in errors.errors["x"][0]


def test_empty_amount_is_none_and_the_column_limit_holds():
    errors = ErrorCollector()
    assert parse_amount(errors, "x", "", "Nilai") is None
    assert parse_amount(errors, "x", None, "Nilai") is None
    assert not errors.errors
    assert parse_amount(errors, "x", "99999999", "Volume", maximum=column_max(10, 2))
    assert parse_amount(errors, "x", "100000000", "Volume", maximum=column_max(10, 2)) is None


@pytest.mark.parametrize("typed", ["2026-03-05", "05-03-2026", "05/03/2026"])
def test_dates_as_typed(typed):
    errors = ErrorCollector()
    assert parse_date(errors, "d", typed, "Tanggal") == datetime.date(2026, 3, 5)
    assert not errors.errors


def test_date_rules():
    errors = ErrorCollector()
    tomorrow = today() + datetime.timedelta(days=1)
    assert parse_date(errors, "a", "", "Tanggal", required=True) is None
    assert errors.errors["a"] == ["Tanggal wajib diisi."]
    assert parse_date(errors, "b", tomorrow, "Tanggal", past=True) == tomorrow
    assert errors.errors["b"] == ["Tanggal tidak boleh di masa depan."]
    parse_date(errors, "c", "2020-01-01", "Tanggal", not_before=datetime.date(2021, 1, 1))
    assert errors.errors["c"] == ["Tanggal tidak boleh sebelum 01-01-2021."]
    assert parse_date(errors, "d", "", "Tanggal", required=True, default=today()) == today()
    assert "d" not in errors.errors
    assert parse_date(errors, "e", "31-02-2026", "Tanggal") is None
    assert "bukan tanggal yang valid" in errors.errors["e"][0]


def test_date_or_invalid_raises_at_once():
    assert date_or_invalid("held_on", "") is None
    with pytest.raises(InvalidInput) as exc:
        date_or_invalid("held_on", "kemarin")
    assert list(exc.value.errors) == ["held_on"]
