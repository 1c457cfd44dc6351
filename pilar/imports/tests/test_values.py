import datetime

import pytest

from pilar.imports.values import (
    ValueProblem,
    parse_date,
    parse_desil,
    parse_disability,
    parse_education,
    parse_id_number,
    parse_marital_status,
    parse_occupation,
    parse_ppks_types,
    parse_relation,
    parse_rt_rw,
    parse_sex,
)
from pilar.imports.villages import VillageResolver, resolve_village

NIK = "3671011708750001"
LOST = (
    "NIK tersimpan sebagai angka oleh Excel dan kehilangan digit (3.67101E+15); "
    "ketik ulang sebagai teks."
)


# --- NIK / No. KK ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        NIK,
        " 3671011708750001 ",
        "'3671011708750001",
        "3671 0117 0875 0001",
        "3671.0117.0875.0001",
        "3671-0117-0875-0001",
        "3671011708750001.0",
        3671011708750001,
        3671011708750001.0,
    ],
)
def test_id_number_accepted(raw):
    assert parse_id_number(raw) == NIK


@pytest.mark.parametrize("raw", [None, "", "   ", float("nan")])
def test_id_number_empty(raw):
    assert parse_id_number(raw) is None


@pytest.mark.parametrize("raw", ["3.67101E+15", " 3.67101E+15", 3.67101e15])
def test_id_number_in_scientific_form_refused(raw):
    with pytest.raises(ValueProblem) as exc:
        parse_id_number(raw)
    assert exc.value.message == LOST


@pytest.mark.parametrize("raw", ["3,67101E+15", "3.67101e15", "'3.67101E+15"])
def test_id_number_scientific_text_variants_refused(raw):
    with pytest.raises(ValueProblem) as exc:
        parse_id_number(raw)
    assert "kehilangan digit" in exc.value.message
    assert raw.lstrip("'") in exc.value.message


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (3671011708750000.0, "3.67101170875E+15"),  # Excel kept 15 significant digits
        (367101170875000.0, "3.67101170875E+14"),  # 15 digits: a leading digit lost
        (367101170875001, "367101170875001"),
        (3671011708750001.5, None),
        (9471011708750001.0, None),  # above 2**53 a float cannot hold every digit
        (1.5e16, None),
    ],
)
def test_id_number_float_that_lost_digits_refused(raw, shown):
    with pytest.raises(ValueProblem) as exc:
        parse_id_number(raw, kind="No. KK")
    assert exc.value.message.startswith("No. KK tersimpan sebagai angka oleh Excel")
    if shown:
        assert f"({shown})" in exc.value.message


@pytest.mark.parametrize("raw", [3671011708750120, 3671011708750120.0])
def test_id_number_as_number_ending_in_zero_may_be_cut(raw):
    with pytest.raises(ValueProblem) as exc:
        parse_id_number(raw)
    assert exc.value.message == (
        "NIK tersimpan sebagai angka oleh Excel dan digit terakhirnya mungkin hilang "
        "(3671011708750120); ketik ulang sebagai teks."
    )
    assert parse_id_number("3671011708750120") == "3671011708750120"


def test_id_number_with_letters_refused():
    with pytest.raises(ValueProblem, match="hanya boleh berisi angka"):
        parse_id_number("3671O11708750001")


def test_id_number_does_not_check_nik_rules():
    # Length and date rules are pilar.registry.identity's job.
    assert parse_id_number("12345") == "12345"


# --- dates ----------------------------------------------------------------------------

D = datetime.date(1975, 8, 17)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (D, D),
        (datetime.datetime(1975, 8, 17, 0, 0), D),
        ("17-08-1975", D),
        ("17/08/1975", D),
        ("17.08.1975", D),
        ("17/8/1975", D),
        ("1975-08-17", D),
        ("1975-08-17 00:00:00", D),
        ("17 Agustus 1975", D),
        ("17 agustus 1975", D),
        ("17 Agt 1975", D),
        ("17-Ags-1975", D),
        ("17 Aug 1975", D),
        ("17 August 1975", D),
        ("17-AGUSTUS-1975", D),
        ("1 Januari 2000", datetime.date(2000, 1, 1)),
        ("5 Mei 1990", datetime.date(1990, 5, 5)),
        ("5 Mei, 1990", datetime.date(1990, 5, 5)),
        ("29 Pebruari 2000", datetime.date(2000, 2, 29)),
        ("10 Nopember 1945", datetime.date(1945, 11, 10)),
        ("25 Des 1980", datetime.date(1980, 12, 25)),
        (45000, datetime.date(2023, 3, 15)),
        (45000.75, datetime.date(2023, 3, 15)),
        ("45000", datetime.date(2023, 3, 15)),
        (27623, D),
        (1, datetime.date(1900, 1, 1)),
        (59, datetime.date(1900, 2, 28)),
        (61, datetime.date(1900, 3, 1)),
        (2958465, datetime.date(9999, 12, 31)),
    ],
)
def test_date_accepted(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_date_empty(raw):
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("17-08-75", "tahun harus 4 digit"),
        ("17 Agustus 75", "tahun harus 4 digit"),
        ("30-02-2023", "bulan 2 tahun 2023 tidak punya tanggal 30"),
        ("29 Februari 2023", "tidak punya tanggal 29"),
        ("17-13-1975", "bulan 13 tidak ada"),
        ("17 Agustusan 1975", "nama bulan 'agustusan' tidak dikenal"),
        (60, "29-02-1900"),
        (0, "di luar rentang"),
        (2958466, "di luar rentang"),
        ("kemarin", "tidak dikenali"),
        ("1975", "hanya berisi tahun"),
        (1975, "hanya berisi tahun"),
    ],
)
def test_date_refused(raw, reason):
    with pytest.raises(ValueProblem) as exc:
        parse_date(raw)
    assert reason in exc.value.message


# --- sex and vocabularies -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("L", "L"),
        ("l", "L"),
        ("Laki-laki", "L"),
        ("LAKI LAKI", "L"),
        ("Pria", "L"),
        ("Lk", "L"),
        ("1", "L"),
        (1, "L"),
        (1.0, "L"),
        ("P", "P"),
        ("perempuan", "P"),
        ("Wanita", "P"),
        ("Pr", "P"),
        ("2", "P"),
        (2, "P"),
    ],
)
def test_sex(raw, expected):
    assert parse_sex(raw) == expected


def test_sex_refused_and_empty():
    assert parse_sex("") is None
    with pytest.raises(ValueProblem, match="L/P, Laki-laki/Perempuan atau 1/2"):
        parse_sex("X")
    with pytest.raises(ValueProblem):
        parse_sex(3)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Kepala Keluarga", "kepala"),
        ("KEPALA KELUARGA", "kepala"),
        ("KK", "kepala"),
        ("Kepala", "kepala"),
        ("Suami", "suami"),
        ("Istri", "istri"),
        ("Isteri", "istri"),
        ("Anak", "anak"),
        ("Anak Kandung", "anak"),
        ("Anak Tiri", "anak"),
        ("Anak Angkat", "anak"),
        ("Menantu", "menantu"),
        ("Cucu", "cucu"),
        ("Orang Tua", "orang_tua"),
        ("Mertua", "mertua"),
        ("Famili Lain", "famili_lain"),
        ("Saudara", "famili_lain"),
        ("Pembantu", "pembantu"),
        ("Lainnya", "lainnya"),
        ("famili_lain", "famili_lain"),
        (1, "kepala"),
        ("2", "suami"),
        (3.0, "istri"),
        ("4", "anak"),
        ("5", "menantu"),
        ("6", "cucu"),
        ("7", "orang_tua"),
        ("8", "mertua"),
        ("9", "famili_lain"),
        ("10", "pembantu"),
        ("11", "lainnya"),
    ],
)
def test_relation(raw, expected):
    assert parse_relation(raw) == expected


def test_relation_refused_lists_accepted_values():
    with pytest.raises(ValueProblem) as exc:
        parse_relation("Tetangga")
    assert "'Tetangga' tidak dikenal untuk hubungan keluarga" in exc.value.message
    assert "Kepala Keluarga" in exc.value.message and "kode SIAK 1-11" in exc.value.message
    with pytest.raises(ValueProblem):
        parse_relation(12)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Belum Kawin", "belum_kawin"),
        ("BELUM MENIKAH", "belum_kawin"),
        ("Lajang", "belum_kawin"),
        ("Kawin", "kawin"),
        ("Menikah", "kawin"),
        ("Kawin Tercatat", "kawin"),
        ("KAWIN BELUM TERCATAT", "kawin"),
        ("Cerai Hidup", "cerai_hidup"),
        ("Cerai Mati", "cerai_mati"),
        ("Janda Mati", "cerai_mati"),
        ("Duda Cerai", "cerai_hidup"),
        (1, "belum_kawin"),
        ("2", "kawin"),
        ("3", "cerai_hidup"),
        ("4", "cerai_mati"),
    ],
)
def test_marital_status(raw, expected):
    assert parse_marital_status(raw) == expected


@pytest.mark.parametrize("raw", ["Janda", "DUDA", "Janda/Duda"])
def test_marital_status_janda_duda_ambiguous(raw):
    with pytest.raises(ValueProblem) as exc:
        parse_marital_status(raw)
    assert "tidak jelas; isi 'Cerai Hidup' atau 'Cerai Mati'" in exc.value.message


def test_marital_status_refused():
    with pytest.raises(ValueProblem, match="Belum Kawin, Kawin, Cerai Hidup, Cerai Mati"):
        parse_marital_status("5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("TIDAK/BELUM SEKOLAH", "tidak_sekolah"),
        ("Tidak Sekolah", "tidak_sekolah"),
        ("BELUM TAMAT SD/SEDERAJAT", "belum_tamat_sd"),
        ("TAMAT SD/SEDERAJAT", "sd"),
        ("SLTP/SEDERAJAT", "smp"),
        ("SLTA/SEDERAJAT", "sma"),
        ("DIPLOMA I/II", "d1_d2"),
        ("AKADEMI/DIPLOMA III/S. MUDA", "d3"),
        ("DIPLOMA IV/STRATA I", "s1"),
        ("STRATA II", "s2"),
        ("STRATA III", "s3"),
        ("SD", "sd"),
        ("SMP", "smp"),
        ("MTs", "smp"),
        ("SMA", "sma"),
        ("SMK", "sma"),
        ("MA", "sma"),
        ("D3", "d3"),
        ("S1", "s1"),
        ("S2", "s2"),
        ("S3", "s3"),
        (1, "tidak_sekolah"),
        ("2", "belum_tamat_sd"),
        ("3", "sd"),
        ("4", "smp"),
        ("5", "sma"),
        ("6", "d1_d2"),
        ("7", "d3"),
        ("8", "s1"),
        ("9", "s2"),
        (10, "s3"),
    ],
)
def test_education(raw, expected):
    assert parse_education(raw) == expected


def test_education_refused():
    with pytest.raises(ValueProblem, match="tidak dikenal untuk pendidikan"):
        parse_education("Pesantren kilat")
    with pytest.raises(ValueProblem):
        parse_education(11)


def test_occupation_is_free_text():
    assert parse_occupation("  Buruh   Harian  Lepas ") == "Buruh Harian Lepas"
    assert parse_occupation(None) == ""
    with pytest.raises(ValueProblem):
        parse_occupation("x" * 101)


# --- lists ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("fisik", ["fisik"]),
        ("Fisik; Mental", ["fisik", "mental"]),
        ("intelektual, sensorik", ["intelektual", "sensorik"]),
        ("Tuna Netra", ["sensorik"]),
        ("tunarungu; tuna wicara", ["sensorik"]),
        ("Tuna Daksa", ["fisik"]),
        ("tuna grahita", ["intelektual"]),
        ("ODGJ", ["mental"]),
        ("Disabilitas Psikososial", ["mental"]),
        ("tidak ada", []),
        ("-", []),
        ("", []),
        (None, []),
    ],
)
def test_disability(raw, expected):
    assert parse_disability(raw) == expected


def test_disability_refused():
    with pytest.raises(ValueProblem, match="Jenis disabilitas 'ganda' tidak dikenal"):
        parse_disability("fisik; ganda")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1; 24", [1, 24]),
        ("1,24", [1, 24]),
        (24, [24]),
        (24.0, [24]),
        ("24", [24]),
        ("Fakir Miskin", [24]),
        ("FM", [24]),
        ("fakir miskin; Lanjut Usia Terlantar", [24, 8]),
        ("lansia terlantar", [8]),
        ("LUT", [8]),
        ("Orang dengan HIV/AIDS", [16]),
        ("Anak Jalanan, 4, AJ", [4]),
        ("Komunitas Adat Terpencil", [26]),
        ("", []),
        (None, []),
    ],
)
def test_ppks_types(raw, expected):
    assert parse_ppks_types(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("27", "Nomor jenis PPKS 27 tidak ada"),
        ("0", "tidak ada"),
        ("Pengangguran", "tidak dikenal"),
    ],
)
def test_ppks_types_refused(raw, reason):
    with pytest.raises(ValueProblem) as exc:
        parse_ppks_types(raw)
    assert reason in exc.value.message


# --- numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1, 1), (10, 10), ("3", 3), (3.0, 3), ("3.0", 3), ("Desil 4", 4), ("", None), (None, None)],
)
def test_desil(raw, expected):
    assert parse_desil(raw) == expected


@pytest.mark.parametrize("raw", [0, 11, "0", "11", 3.5, "tiga", -1])
def test_desil_refused(raw):
    with pytest.raises(ValueProblem, match="Desil harus angka bulat 1 sampai 10"):
        parse_desil(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5", "005"),
        (5, "005"),
        (5.0, "005"),
        ("005", "005"),
        ("RT 05", "005"),
        ("rt.5", "005"),
        (999, "999"),
        ("", ""),
    ],
)
def test_rt_rw(raw, expected):
    assert parse_rt_rw(raw) == expected


@pytest.mark.parametrize("raw", [0, "000", 1000, "5a", 5.5])
def test_rt_rw_refused(raw):
    with pytest.raises(ValueProblem, match="RW harus angka 1 sampai 999"):
        parse_rt_rw(raw, kind="RW")


# --- villages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "district"),
    [
        ("36.71.01.1001", None, None),
        ("3671011001", None, None),
        (3671011001, None, None),
        (3671011001.0, None, None),
        (" 36.71.01.1001 ", "Sukarasa", None),
        (None, "Sukarasa", None),
        (None, "SUKARASA", None),
        (None, "Kelurahan Sukarasa", None),
        (None, "sukarasa", "Kecamatan Tangerang"),
    ],
)
def test_village_resolved_by_code_or_name(db, code, name, district):
    assert resolve_village(code=code, name=name, district_name=district) == "36.71.01.1001"


def test_village_names_in_tangerang_city_are_unique(db):
    # Kota Tangerang has no duplicate kelurahan names; ambiguity is tested on the regency.
    resolver = VillageResolver("36.71")
    assert len(resolver.by_code) == 104
    assert all(len(c) == 1 for c in resolver.by_name.values())


def test_ambiguous_village_name_needs_the_kecamatan(db):
    resolver = VillageResolver("36.03")  # Kabupaten Tangerang
    with pytest.raises(ValueProblem) as exc:
        resolver.resolve(name="Talagasari")
    assert exc.value.message == (
        "Nama kelurahan 'Talagasari' ada di beberapa kecamatan: Balaraja, Cikupa; "
        "isi kolom kecamatan atau kode kelurahan."
    )
    assert resolver.resolve(name="Talagasari", district_name="Cikupa") == "36.03.18.2005"
    assert resolver.resolve(name="talagasari", district_name="BALARAJA") == "36.03.01.2005"
    with pytest.raises(ValueProblem, match="tidak ada di kecamatan 'Jambe'; ada di: Balaraja"):
        resolver.resolve(name="Talagasari", district_name="Jambe")


def test_village_resolver_loads_once(db, django_assert_num_queries):
    resolver = VillageResolver("36.71")
    with django_assert_num_queries(0):
        for _ in range(100):
            resolver.resolve(code="3671011001")
            resolver.resolve(name="Sukarasa")


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"code": "36.03.01.2005"}, "Kelurahan 36.03.01.2005 berada di luar wilayah 36.71."),
        ({"code": "3671999999"}, "Kode kelurahan 36.71.99.9999 tidak ditemukan."),
        ({"code": "36.71.01"}, "tidak valid; gunakan kode Kemendagri 10 digit"),
        ({"code": "3671011001", "name": "Cikokol"}, "adalah Sukarasa, bukan 'Cikokol'"),
        ({"name": "Talagasari"}, "Kelurahan 'Talagasari' tidak ditemukan di wilayah 36.71."),
        ({}, "Kode kelurahan atau nama kelurahan wajib diisi."),
    ],
)
def test_village_refused(db, kwargs, reason):
    with pytest.raises(ValueProblem) as exc:
        resolve_village(**kwargs)
    assert reason in exc.value.message
