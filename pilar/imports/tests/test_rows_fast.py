"""The row check (RowChecker.check_line, used for every import) gives exactly what its
general parsers give without its shortcuts (clean NIK / No. KK texts, text that needs no
cleaning) and without its per-value caches: the same COPY line and warnings for a valid
row, the same problems in the same order for a refused one, on generated rows of messy
cells, in several header layouts, with warm caches and in another row order too. And the
rules it shares with the registry's pages and API give the same answers on both paths."""

from __future__ import annotations

import datetime
import random

import pytest

from pilar.core.errors import InvalidInput
from pilar.imports import rows
from pilar.imports.columns import CANONICAL_COLUMNS, map_headers
from pilar.imports.rows import RowChecker
from pilar.registry.validation import clean_person

ON = datetime.date(2026, 1, 1)
NAN = float("nan")

POOLS: dict[str, list] = {
    "nama": ["Sutrisno", " Siti  Aminah ", "", None, "A" * 151, "Budi\\Santoso", "Tab\tNama",
             "Nb\xa0sp", 123.0, "Ani Bu", "Ani\nBaris", "Budi\u202eSantoso"],
    "nik": ["3671011708750001", "3671014102800002", "3671010000000000", "3671011708750000",
            "9971011708750001", "3671013302800001", "3671017102800001", "3.67101E+15",
            3671011708750001.0, 3671011708750001, "'3671011708750001", " 3671 0117 0875 0001",
            "36710117087500011", "abc", None, "", "٣٦٧١٠١١٧٠٨٧٥٠٠٠١", "3671012902000001",
            "3671012902010001", "3671015506600004", 3671011708750000.0, True, "3671011708750001.0"],
    "no_kk": ["3671010101090001", "3671010101090002", "9971010101090001", "3.67101E+15",
              3671010101090001.0, None, "", "12345", True, "3671-0101-0109-0001"],
    "jenis_kelamin": ["L", "P", "Laki-laki", "Perempuan", "1", "2", 1.0, 2, "X", None, "  l ",
                      True],
    "tanggal_lahir": ["17 Agustus 1975", "01/02/1980", "2010-05-06", "12-03-1970", "31-02-1990",
                      "1-1-90", 27000.0, 27000, "27000", datetime.date(1980, 2, 1),
                      datetime.datetime(1980, 2, 1, 0, 0), "2099-01-01", "1850-01-01", None,
                      "abc", 1975.0, "17-08-1975", NAN, "15-06-1960", "2024-03-01", True],
    "hubungan_keluarga": ["Kepala Keluarga", "Istri", "Anak", "1", 3.0, "kk", "Tetangga", None,
                          "", "  "],
    "status_perkawinan": ["Kawin", "Belum Kawin", "Cerai Mati", "Janda", "2", None, "xx"],
    "pendidikan": ["SLTA", "SD", "Tidak Sekolah", "S1", None, "xx", 5.0],
    "pekerjaan": ["Buruh harian lepas", "  Pedagang  ", "x" * 101, None, "Back\\slash"],
    "disabilitas": ["Fisik", "tidak ada", "Fisik; Mental", "tuna netra dan tuna rungu", "xx",
                    None, "-", "Mental, Fisik"],
    "alamat": ["Jl. Melati 5", "Gg.  Mawar\t3", "", "x" * 256, None, "Jl. \\ Miring",
               "Jl. \x1b[31m"],
    "rt": ["1", "005", "RT 05", 5.0, "0", "1000", None, "a", 7],
    "rw": ["2", "012", "RW 3", 4.0, "0", None, "b"],
    "kode_kelurahan": ["36.71.01.1001", "3671011001", 3671011001.0, "3671999999", "3603011001",
                       "123", None, None, True, 1],
    "nama_kelurahan": ["Sukarasa", "Sukaasih", "Tidak Ada", None, "Kel. Sukarasa"],
    "nama_kecamatan": ["Tangerang", None, "Ciledug"],
    "jenis_ppks": ["24", "Lanjut Usia Terlantar", "8; 24", "99", "0", 24.0, "Fakir Miskin", None,
                   "1", "10", "xx", None, None],
    "desil": ["1", "10", "11", "Desil 3", 3.0, None, "x"],
    "id_sumber": ["A-1", "x" * 65, None, "Tab\tId", 123.0, "B\\2"],
    "tempat_lahir": ["Tangerang", "x" * 101, None, "Jakarta  Selatan", "Kota\\Lama"],
}  # fmt: skip

LAYOUTS = [
    list(CANONICAL_COLUMNS),
    list(CANONICAL_COLUMNS) + ["nama_kecamatan"],
    ["nama", "kode_kelurahan", "alamat", "jenis_kelamin", "tanggal_lahir"],
    ["ppks", "nama_kecamatan", "nama_kelurahan", "nama", "no_kk", "hubungan_keluarga", "catatan",
     "jk", "nik", "tgl_lahir", "alamat", "desil", "rt", "rw"],
]  # fmt: skip


def _rows(headers: list[str], rng: random.Random, count: int):
    mapping = map_headers(headers)
    width = len(headers)
    for n in range(count):
        cells: list = [None] * width
        messy = rng.random() * 0.6  # each cell is messy with this chance, else the first
        for name, index in mapping.columns.items():
            pool = POOLS[name]
            cells[index] = rng.choice(pool) if rng.random() < messy else pool[0]
        for index in range(width):
            if index not in mapping.columns.values():
                cells[index] = rng.choice(["catatan", None, 5.0])
        shape = rng.random()
        if shape < 0.1:
            cells = cells[: rng.randrange(1, width + 1)]  # a short row
        elif shape < 0.2:
            cells = cells + ["lebih", None]  # cells past the last header
        yield n + 5, cells


def _without_shortcuts_or_caches(monkeypatch) -> None:
    """check_line as the plain reference: every cell through the general parsers
    (values, registry.identity), nothing remembered between rows."""
    monkeypatch.setattr(RowChecker, "_is_clean_nik", lambda self, raw: False)
    monkeypatch.setattr(RowChecker, "_is_clean_no_kk", lambda self, raw: False)
    monkeypatch.setattr(rows, "_fast_text", rows._text)
    monkeypatch.setattr(rows, "_cached", lambda cache, parser, raw: rows._run(parser, raw))


@pytest.mark.django_db
@pytest.mark.parametrize("layout", range(len(LAYOUTS)))
def test_check_line_gives_what_the_general_parsers_give(layout, monkeypatch):
    headers = LAYOUTS[layout]
    mapping = map_headers(headers)
    assert not mapping.problems
    generated = list(_rows(headers, random.Random(layout), 2500))

    def check_all(checker, numbered):
        return {n: checker.check_line("7", n, list(cells)) for n, cells in numbered}

    fast = RowChecker(mapping, region="36.71", on=ON)
    cold = check_all(fast, generated)
    warm = check_all(fast, generated)  # the second pass runs on warm caches
    backwards = check_all(RowChecker(mapping, region="36.71", on=ON), reversed(generated))
    _without_shortcuts_or_caches(monkeypatch)
    expected = check_all(RowChecker(mapping, region="36.71", on=ON), generated)
    for n, cells in generated:
        assert cold[n] == warm[n] == backwards[n] == expected[n], cells
    # The pools are kind enough that both outcomes are well covered.
    valid = sum(line is not None for line, _ in expected.values())
    assert 100 < valid < len(generated) - 100


@pytest.mark.django_db
def test_a_valid_row_becomes_its_staging_line():
    headers = ["nik", "nama", "jk", "tanggal_lahir", "no_kk", "hubungan_keluarga", "alamat",
               "rt", "kode_kelurahan", "jenis_ppks", "desil", "pekerjaan"]  # fmt: skip
    checker = RowChecker(map_headers(headers), region="36.71", on=ON)
    line, warnings = checker.check_line(
        "7",
        12,
        ["3671014102800002", " Siti  Aminah ", "", "01-02-1981", "3671010101090001", "Istri",
         "Jl. Melati\\5", "5", "3671011001", "Fakir Miskin; 24", "3", "Guru"],
    )  # fmt: skip
    assert line == (
        "7\t12\t3671010101090001\t\t3671010101090001\t3671014102800002\tSiti Aminah\tP\t\t"
        '1981-02-01\tistri\t\t\tGuru\t{}\tJl. Melati\\\\5\t005\t\t36.71.01.1001\t{"24"}\t3\t'
        "Impor: NIK menunjukkan tanggal lahir 01-02-xx80, berbeda dengan yang diisi "
        "(01-02-1981).\n"
    )
    assert warnings == [
        ("jenis_kelamin", "Jenis kelamin kosong; diambil dari NIK."),
        ("nik", "NIK menunjukkan tanggal lahir 01-02-xx80, berbeda dengan yang diisi "
                "(01-02-1981). (tetap diimpor, dicatat)."),
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        ("2026-01-02", "Tanggal lahir tidak boleh di masa depan."),
        ("1899-12-31", "Tanggal lahir sebelum tahun 1900 tidak mungkin."),
        ("1900-01-01", None),
        ("2026-01-01", None),
    ],
)
def test_birth_date_rule_is_the_registry_rule(birth_date, message, monkeypatch, household_a):
    """An import row and the registry's person form refuse the same birth dates, with
    the same message (the import checks on the day it runs; here both on ON)."""
    checker = RowChecker(map_headers(["nama", "jk", "tanggal_lahir", "kode_kelurahan"]),
                         region="36.71", on=ON)  # fmt: skip
    line, found = checker.check_line("7", 2, ["Budi", "L", birth_date, "3671011001"])
    assert (line is None) == (message is not None)
    assert found == ([("tanggal_lahir", message)] if message else [])

    monkeypatch.setattr("pilar.registry.validation.today", lambda: ON)
    data = {"name": "Budi", "sex": "L", "birth_date": birth_date, "relation": "anak",
            "nik_missing_reason": "belum_rekam"}  # fmt: skip
    if message is None:
        assert clean_person(data, household=household_a)["birth_date"].isoformat() == birth_date
    else:
        with pytest.raises(InvalidInput) as exc:
            clean_person(data, household=household_a)
        assert exc.value.errors == {"birth_date": [message]}
