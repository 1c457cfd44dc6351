"""The read interface: scoped as the lists are, restricted health types hidden with
their count said, bad filters refused in Indonesian."""

from __future__ import annotations

import datetime

import pytest

from pilar.conftest import DISTRICT_A, VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_household
from pilar.core.dates import today
from pilar.figures import read, refresh
from pilar.ppks.actions import create_ppks_record

pytestmark = pytest.mark.django_db


def _ppks(dinsos, village, number, n=1):
    for _ in range(n):
        hh = make_household(dinsos, village)
        create_ppks_record(
            acting_user=dinsos,
            data={
                "ppks_type": number,
                "person": hh.members.get(),
                "date_found": today().isoformat(),
            },
        )


@pytest.fixture
def data(dinsos):
    _ppks(dinsos, VILLAGE_A, 11, 2)  # Gelandangan
    _ppks(dinsos, VILLAGE_A2, 12, 1)  # Pengemis
    _ppks(dinsos, VILLAGE_B, 11, 3)
    _ppks(dinsos, VILLAGE_A, 16, 6)  # ODHA: restricted
    refresh.rebuild()


def _figures(user, **params):
    flt, problems = read.parse_filters(user, params)
    src = read.source(flt.month)
    return flt, problems, src


def test_city_role_sees_all_and_restricted(data, dinsos):
    flt, problems, src = _figures(dinsos)
    assert not problems and src.kind == "berjalan"
    result = read.ppks(dinsos, flt, src)
    assert result.total == 12 and result.hidden.n == 0
    assert {r.number: r.n for r in result.by_type}[16] == 6
    level, rows, hidden = read.ppks_by_area(dinsos, flt, src)
    assert level == "kecamatan"
    by = {r.code: r.n for r in rows}
    assert by[DISTRICT_A] == 9 and by["36.71.02"] == 3 and len(rows) == 13


def test_leader_gets_restricted_hidden_with_count(data, pimpinan):
    flt, _, src = _figures(pimpinan)
    result = read.ppks(pimpinan, flt, src)
    assert result.total == 6 and result.hidden.n == 6
    assert "tidak termasuk 6 data kesehatan terbatas" == result.hidden.text
    assert {r.number: r.n for r in result.by_type}[16] is None
    _, rows, hidden = read.ppks_by_area(pimpinan, flt, src)
    assert sum(r.n for r in rows) == 6 and hidden.n == 6
    # A restricted type cannot be chosen as a filter by this role.
    flt, problems, _ = _figures(pimpinan, ppks_type="16")
    assert flt.ppks_type is None and "terbatas" in problems["ppks_type"]


def test_small_hidden_counts_are_not_exact(data, tksk_a):
    assert read.Hidden(3).text == "tidak termasuk kurang dari 5 data kesehatan terbatas"
    assert read.Hidden(3).shown is None and read.Hidden(0).text == ""


def test_tksk_sees_their_kecamatan_by_kelurahan(data, tksk_a):
    flt, _, src = _figures(tksk_a)
    level, rows, hidden = read.ppks_by_area(tksk_a, flt, src)
    assert level == "kelurahan"
    assert all(r.code.startswith(DISTRICT_A + ".") for r in rows)
    by = {r.code: r.n for r in rows}
    assert by[VILLAGE_A] == 2 and by[VILLAGE_A2] == 1 and hidden.n == 6
    assert read.ppks(tksk_a, flt, src).total == 3
    # Another kecamatan is refused, not silently shown.
    flt, problems, _ = _figures(tksk_a, kecamatan="36.71.02")
    assert flt.kecamatan == "" and "di luar wilayah" in problems["kecamatan"]


def test_psm_sees_only_their_kelurahan(data, psm_b):
    flt, _, src = _figures(psm_b)
    assert read.ppks(psm_b, flt, src).total == 3
    _, rows, _ = read.ppks_by_area(psm_b, flt, src)
    assert [r.code for r in rows] == [VILLAGE_B]
    totals = read.area_totals(psm_b, flt, src)
    assert totals.values["households"] == 3


def test_partner_reads_nothing(data, mitra):
    flt, _, src = _figures(mitra)
    assert not read.may_read(mitra)
    assert read.ppks(mitra, flt, src).total == 0


def test_filters_sex_age_and_type(data, dinsos):
    flt, problems, src = _figures(dinsos, ppks_type="11", jenis_kelamin="l", kelompok_usia="18-59")
    assert not problems and flt.sex == "L"
    # The factory's head is a man born 1975.
    assert read.ppks(dinsos, flt, src).total == 5
    flt, _, src = _figures(dinsos, jenis_kelamin="P")
    assert read.ppks(dinsos, flt, src).total == 0


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"bulan": "2999-01"}, "bulan", "belum tiba"),
        ({"bulan": "kemarin"}, "bulan", "TTTT-BB"),
        ({"bulan": "2026-13"}, "bulan", "TTTT-BB"),
        ({"kecamatan": "99.99.99"}, "kecamatan", "tidak dikenal"),
        ({"kelurahan": "36.71.01.9999"}, "kelurahan", "tidak dikenal"),
        ({"ppks_type": "99"}, "ppks_type", "tidak dikenal"),
        ({"jenis_kelamin": "X"}, "jenis_kelamin", "L atau P"),
        ({"kelompok_usia": "tua"}, "kelompok_usia", "tidak dikenal"),
        ({"program": "abc"}, "program", "tidak dikenal"),
    ],
)
def test_bad_filters_are_refused_in_indonesian(dinsos, params, field, words):
    flt, problems = read.parse_filters(dinsos, params)
    assert words in problems[field]
    assert flt.month == today().replace(day=1)


def test_past_month_without_snapshot_says_why(dinsos):
    past = today().replace(day=1) - datetime.timedelta(days=400)
    assert read.source(past.replace(day=1)) is None
    assert "Belum ada" in read.missing_reason(past.replace(day=1))


def test_recap_table_by_area_type_and_sex(data, dinsos, pimpinan):
    flt, _, src = _figures(pimpinan)
    table = read.ppks_table(pimpinan, flt, src)
    assert table.level == "kecamatan" and len(table.areas) == 13
    assert table.cells[(DISTRICT_A, 11, "L")] == 2 and table.cells[("36.71.02", 11, "L")] == 3
    assert (DISTRICT_A, 16, "L") not in table.cells and table.hidden == {DISTRICT_A: 6}
    flt, _, src = _figures(dinsos, kecamatan=DISTRICT_A)
    table = read.ppks_table(dinsos, flt, src)
    assert table.level == "kelurahan" and table.hidden == {}
    assert table.cells[(VILLAGE_A, 16, "L")] == 6
