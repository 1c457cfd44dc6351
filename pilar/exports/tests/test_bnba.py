"""BNBA export: validated active PPKS records, one row per person in the ministry's
by-name-by-address layout, under the PPKS list filter and the user's scope, NIK/KK
masked as in the other exports, restricted health types hidden, and logged."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_household, make_nik
from pilar.exports.bnba import headers
from pilar.ppks.actions import create_ppks_record, end_ppks_record
from pilar.ppks.tests.factories import unvalidated_record
from pilar.registry.actions import update_person

pytestmark = pytest.mark.django_db

HEADERS = [
    "NO",
    "ID DTKS / ID SUMBER",
    "KODE PROVINSI",
    "PROVINSI",
    "KODE KABUPATEN/KOTA",
    "KABUPATEN/KOTA",
    "KODE KECAMATAN",
    "KECAMATAN",
    "KODE DESA/KELURAHAN",
    "DESA/KELURAHAN",
    "ALAMAT",
    "RT",
    "RW",
    "NO KK",
    "NIK",
    "NAMA",
    "JENIS KELAMIN",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR",
    "HUBUNGAN KELUARGA",
    "STATUS PERKAWINAN",
    "PEKERJAAN",
    "JUMLAH ANGGOTA KELUARGA",
    "KODE JENIS PPKS",
    "JENIS PPKS",
    "TANGGAL DITEMUKAN",
    "TANGGAL VALIDASI",
    "KETERANGAN",
]


def url(fmt: str, **params) -> str:

    base = reverse("exports:bnba", kwargs={"fmt": fmt})
    return f"{base}?{urlencode(params)}" if params else base


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheet_names == ["BNBA PPKS"]
    return book.get_sheet_by_index(0).to_python()


def member(name, sex="L", birth="1975-03-12", relation="kepala", **extra):
    return {
        "nik": make_nik(sex, birth),
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "relation": relation,
        **extra,
    }


@pytest.fixture
def data(dinsos, psm_a):
    """Kelurahan A: the Santoso family (Fakir Miskin, validated; Siti is ODHA,
    validated; Rudi is a scavenger entered by a PSM, not validated). Kelurahan A2:
    Agus (Pengemis, validated, later ended). Kelurahan B: Bambang (Gelandangan,
    validated) and a household without a head (Fakir Miskin, validated)."""
    a = make_household(
        dinsos,
        VILLAGE_A,
        address="Jl. Melati No. 5",
        rt="3",
        rw="7",
        members=[
            member(
                "Budi Santoso",
                birth_place="Tangerang",
                marital_status="kawin",
                occupation="Buruh harian lepas",
            ),
            member("Siti Aminah", "P", "1978-07-01", "istri"),
            member("Rudi Santoso", "L", "2000-01-02", "anak"),
        ],
    )
    a2 = make_household(dinsos, VILLAGE_A2, members=[member("Agus Salim")])
    b = make_household(dinsos, VILLAGE_B, members=[member("Bambang Pamungkas")])
    headless = make_household(
        dinsos, VILLAGE_B, members=[member("Tini Lestari", "P", "1990-02-03", "anak")]
    )
    records = {
        "family": create_ppks_record(
            acting_user=dinsos,
            data={"ppks_type": 24, "household": a, "notes": "Rumah\nkontrakan"},
        ),
        "odha": create_ppks_record(
            acting_user=dinsos,
            data={"ppks_type": 16, "person": a.members.get(name="Siti Aminah")},
        ),
        "unvalidated": unvalidated_record(
            {"ppks_type": 13, "person": a.members.get(name="Rudi Santoso")},
            checked_by=psm_a,
            reporter=psm_a,
        ),
        "ended": create_ppks_record(
            acting_user=dinsos, data={"ppks_type": 12, "person": a2.members.get()}
        ),
        "bambang": create_ppks_record(
            acting_user=dinsos,
            data={
                "ppks_type": 9,
                "person": b.members.get(),
                "disability_subtypes": ["fisik", "sensorik"],
            },
        ),
        "headless": create_ppks_record(
            acting_user=dinsos, data={"ppks_type": 24, "household": headless}
        ),
    }
    end_ppks_record(records["ended"], acting_user=dinsos, reason="Sudah bekerja")
    return {"a": a, "b": b, "headless": headless, **records}


def test_layout():
    assert headers() == HEADERS


def test_rows_for_dinsos(client, dinsos, data):
    client.force_login(dinsos)
    rows = read_csv(client.get(url("csv")))
    assert list(rows[0]) == HEADERS
    # Validated and active only; ordered by kelurahan (A before B), then household.
    assert [(r["NAMA"], r["KODE JENIS PPKS"]) for r in rows] == [
        ("Budi Santoso", "24"),
        ("Siti Aminah", "16"),
        ("Bambang Pamungkas", "9"),
        ("", "24"),
    ]
    assert [r["NO"] for r in rows] == ["1", "2", "3", "4"]
    budi = rows[0]
    person = data["a"].members.get(name="Budi Santoso")
    assert budi["NIK"] == person.nik and budi["NO KK"] == data["a"].no_kk  # dinsos: unmasked
    assert (budi["KODE PROVINSI"], budi["PROVINSI"]) == ("36", "Banten")
    assert (budi["KODE KABUPATEN/KOTA"], budi["KABUPATEN/KOTA"]) == ("36.71", "Kota Tangerang")
    assert budi["KODE KECAMATAN"] == "36.71.01" and budi["KECAMATAN"]
    assert budi["KODE DESA/KELURAHAN"] == VILLAGE_A and budi["DESA/KELURAHAN"]
    assert (budi["ALAMAT"], budi["RT"], budi["RW"]) == ("Jl. Melati No. 5", "003", "007")
    assert budi["JENIS KELAMIN"] == "Laki-laki"
    assert budi["TEMPAT LAHIR"] == "Tangerang"
    assert budi["TANGGAL LAHIR"] == "12-03-1975"
    assert budi["HUBUNGAN KELUARGA"] == "Kepala Keluarga"
    assert budi["STATUS PERKAWINAN"] == "Kawin"
    assert budi["PEKERJAAN"] == "Buruh harian lepas"
    assert budi["JUMLAH ANGGOTA KELUARGA"] == "3"
    assert budi["JENIS PPKS"] == "Fakir Miskin"
    assert budi["TANGGAL VALIDASI"] == data["family"].validated_at.astimezone().strftime("%d-%m-%Y")
    # Household-level type: the head's row, said so; notes on one line.
    assert budi["KETERANGAN"] == "PPKS tingkat keluarga (baris kepala keluarga); Rumah kontrakan"
    siti = rows[1]
    assert siti["HUBUNGAN KELUARGA"] == "Istri" and siti["JENIS KELAMIN"] == "Perempuan"
    assert siti["TANGGAL LAHIR"] == "01-07-1978"
    assert rows[2]["KETERANGAN"] == "Jenis disabilitas: Fisik, Sensorik"
    # A household without a recorded head still appears, with its KK and a remark.
    headless = rows[3]
    assert headless["NO KK"] == data["headless"].household.no_kk
    assert headless["NIK"] == "" and headless["JUMLAH ANGGOTA KELUARGA"] == "1"
    assert headless["KETERANGAN"] == "PPKS tingkat keluarga; kepala keluarga belum tercatat"


def test_xlsx_matches_csv_and_keeps_numbers_as_text(client, dinsos, data):
    client.force_login(dinsos)
    sheet = read_xlsx(client.get(url("xlsx")))
    assert sheet[0] == HEADERS
    body = [dict(zip(HEADERS, row, strict=True)) for row in sheet[1:]]
    assert [r["NAMA"] for r in body] == ["Budi Santoso", "Siti Aminah", "Bambang Pamungkas", ""]
    budi = body[0]
    assert isinstance(budi["NIK"], str) and len(budi["NIK"]) == 16
    assert isinstance(budi["NO KK"], str) and budi["NO KK"] == data["a"].no_kk
    assert budi["RT"] == "003" and budi["KODE DESA/KELURAHAN"] == VILLAGE_A
    assert budi["TANGGAL LAHIR"] == "12-03-1975"  # text, DD-MM-YYYY
    assert budi["NO"] == 1 and budi["KODE JENIS PPKS"] == 24


def test_masked_for_pimpinan_and_health_types_hidden(client, pimpinan, data):
    client.force_login(pimpinan)
    rows = read_csv(client.get(url("csv")))
    assert [r["NAMA"] for r in rows] == ["Budi Santoso", "Bambang Pamungkas", ""]
    budi = data["a"].members.get(name="Budi Santoso")
    assert rows[0]["NIK"] == budi.nik[:4] + "********" + budi.nik[-4:]
    assert "*" in rows[0]["NO KK"] and data["a"].no_kk not in str(rows)
    # Asking for the restricted type gives nothing.
    assert read_csv(client.get(url("csv", ppks_type=16))) == []


def test_follows_list_filter_but_always_validated_and_active(client, dinsos, data):
    client.force_login(dinsos)
    by_village = read_csv(client.get(url("csv", kelurahan=VILLAGE_A)))
    assert [r["NAMA"] for r in by_village] == ["Budi Santoso", "Siti Aminah"]
    by_type = read_csv(client.get(url("csv", ppks_type=9)))
    assert [r["NAMA"] for r in by_type] == ["Bambang Pamungkas"]
    by_name = read_csv(client.get(url("csv", q="Bambang")))
    assert [r["NAMA"] for r in by_name] == ["Bambang Pamungkas"]
    # status/validated in the query cannot widen a BNBA.
    assert read_csv(client.get(url("csv", status="selesai", kelurahan=VILLAGE_A2))) == []
    assert read_csv(client.get(url("csv", validated="tidak", ppks_type=13))) == []


def test_scope_of_field_workers(client, psm_a, psm_b, tksk_a, data):
    client.force_login(psm_a)
    rows = read_csv(client.get(url("csv")))
    assert [r["NAMA"] for r in rows] == ["Budi Santoso"]  # no ODHA, no other kelurahan
    assert rows[0]["NIK"] == data["a"].members.get(name="Budi Santoso").nik  # may reveal
    assert read_csv(client.get(url("csv", kelurahan=VILLAGE_B))) == []
    client.force_login(tksk_a)
    assert [r["NAMA"] for r in read_csv(client.get(url("csv")))] == ["Budi Santoso"]
    client.force_login(psm_b)
    assert [r["NAMA"] for r in read_csv(client.get(url("csv")))] == ["Bambang Pamungkas", ""]


def test_person_no_longer_alive_is_left_out(client, dinsos, data):
    update_person(
        data["bambang"].person,
        acting_user=dinsos,
        data={"life_status": "meninggal", "life_status_date": "2025-01-01"},
    )
    client.force_login(dinsos)
    assert "Bambang Pamungkas" not in [r["NAMA"] for r in read_csv(client.get(url("csv")))]


def test_export_is_logged(client, tksk_a, data):
    client.force_login(tksk_a)
    read_xlsx(client.get(url("xlsx", kelurahan=VILLAGE_A, validated="tidak")))
    log = AccessLog.objects.get(action="ekspor")
    assert log.user == tksk_a and log.object_type == "bnba"
    assert log.extra == {
        "filter": {"kelurahan": VILLAGE_A, "status": "aktif", "validated": "ya"},
        "format": "xlsx",
        "rows": 1,
    }
    assert log.path == reverse("exports:bnba", kwargs={"fmt": "xlsx"})


def test_mitra_forbidden_anonymous_redirected(client, mitra, data):
    response = client.get(url("csv"))
    assert response.status_code == 302 and "/akun/" in response["Location"]
    client.force_login(mitra)
    assert client.get(url("csv")).status_code == 403
    assert client.get(url("xlsx")).status_code == 403
    assert not AccessLog.objects.filter(action="ekspor").exists()


def test_query_count_is_fixed(client, dinsos, data, django_assert_max_num_queries):
    for name in ("Ani", "Badu", "Cici", "Dedi", "Eka"):
        household = make_household(dinsos, VILLAGE_A, members=[member(f"Warga {name}")])
        create_ppks_record(acting_user=dinsos, data={"ppks_type": 24, "household": household})
    client.force_login(dinsos)
    with django_assert_max_num_queries(12):
        rows = read_csv(client.get(url("csv")))
    assert len(rows) == 9
