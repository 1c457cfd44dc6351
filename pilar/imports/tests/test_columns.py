import pytest

from pilar.imports.columns import (
    ALIASES,
    CANONICAL_COLUMNS,
    REQUIRED_MESSAGE_NAME,
    REQUIRED_MESSAGE_VILLAGE,
    find_header_row,
    map_headers,
)


def test_canonical_columns_map_to_themselves_in_any_order_and_case():
    headers = [name.upper().replace("_", " ") for name in reversed(CANONICAL_COLUMNS)]
    mapping = map_headers(headers)
    assert mapping.columns == {
        name: len(CANONICAL_COLUMNS) - 1 - i for i, name in enumerate(CANONICAL_COLUMNS)
    }
    assert mapping.unknown == []
    assert mapping.duplicates == {}
    assert mapping.problems == []


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("no_kk", "no_kk"),
        ("No. KK", "no_kk"),
        ("  NOMOR KK ", "no_kk"),
        ("nkk", "no_kk"),
        ("NO-KK", "no_kk"),
        ("\ufeffnik", "nik"),
        ("NIK*", "nik"),
        ("Nama Lengkap", "nama"),
        ("JK", "jenis_kelamin"),
        ("sex", "jenis_kelamin"),
        ("L/P", "jenis_kelamin"),
        ("Tgl. Lahir", "tanggal_lahir"),
        ("tanggal lahir", "tanggal_lahir"),
        ("tanggal_lahir (DD-MM-YYYY)", "tanggal_lahir"),
        ("SHDK", "hubungan_keluarga"),
        ("Hubungan", "hubungan_keluarga"),
        ("status kawin", "status_perkawinan"),
        ("Pendidikan Terakhir", "pendidikan"),
        ("Kelurahan", "nama_kelurahan"),
        ("Desa", "nama_kelurahan"),
        ("Kode Kelurahan", "kode_kelurahan"),
        ("kode desa", "kode_kelurahan"),
        ("Kode Wilayah", "kode_kelurahan"),
        ("PPKS", "jenis_ppks"),
        ("Jenis PMKS", "jenis_ppks"),
        ("jenis__ppks", "jenis_ppks"),
        ("Kecamatan", "nama_kecamatan"),
        ("Desil", "desil"),
    ],
)
def test_aliases_and_spelling_variants(header, column):
    mapping = map_headers(["nama", header] if column != "nama" else [header])
    assert mapping.columns[column] == (1 if column != "nama" else 0)
    assert mapping.unknown == []


def test_every_alias_targets_a_known_column():
    assert set(ALIASES.values()) <= set(CANONICAL_COLUMNS) | {"nama_kecamatan"}


def test_unknown_empty_and_duplicate_headers():
    mapping = map_headers(["NIK", None, "Nama", "Catatan", "", "No KTP", "desa", "Keterangan"])
    assert mapping.columns == {"nik": 0, "nama": 2, "nama_kelurahan": 6}
    assert mapping.unknown == ["Catatan", "Keterangan"]
    assert mapping.duplicates == {"nik": [0, 5]}
    assert mapping.problems == [
        "Kolom 'nik' muncul lebih dari sekali: 'NIK' (kolom 1), 'No KTP' (kolom 6); "
        "sisakan satu saja."
    ]
    assert mapping.value(["3671", None, "Siti"], "nama") == "Siti"
    assert mapping.value(["3671"], "nama") is None


def test_missing_required_columns():
    assert map_headers(["nik", "alamat"]).problems == [
        REQUIRED_MESSAGE_NAME,
        REQUIRED_MESSAGE_VILLAGE,
    ]
    assert map_headers(["nama", "kode desa"]).problems == []
    assert map_headers(["nama", "kelurahan"]).problems == []
    assert map_headers(["nama"]).problems == [REQUIRED_MESSAGE_VILLAGE]


def test_find_header_row_below_a_title():
    rows = [
        ["DATA PPKS KELURAHAN SUKARASA TAHUN 2024", None, None],
        [None, None, None],
        ["No", "Nama", "Keterangan"],  # only one known column: not the header
        ["No", "NIK", "Nama Lengkap", "JK", "Kelurahan"],
        ["1", "3671011708750001", "Budi", "L", "Sukarasa"],
    ]
    assert find_header_row(rows) == 3
    assert find_header_row(rows, max_scan=3) is None
    assert find_header_row([]) is None
