"""Exports of the household, person and PPKS lists: same filter and scope as the
lists, NIK/KK masked unless the role may reveal them, NIK/KK as text cells, and
every export written to the access log."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

import pghistory
import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from pilar.audit.models import AccessLog
from pilar.conftest import VILLAGE_A, VILLAGE_A2, VILLAGE_B, make_household, make_nik
from pilar.ppks.actions import create_ppks_record

pytestmark = pytest.mark.django_db


def url(kind: str, fmt: str, **params) -> str:

    base = reverse(f"exports:{kind}", kwargs={"fmt": fmt})
    return f"{base}?{urlencode(params)}" if params else base


def read_csv(response) -> list[dict]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # BOM for Excel
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[list]:
    data = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def member(name: str, sex: str = "L", birth: str = "1975-03-12", relation: str = "kepala"):
    return {
        "nik": make_nik(sex, birth),
        "name": name,
        "sex": sex,
        "birth_date": birth,
        "relation": relation,
    }


@pytest.fixture
def data(dinsos):
    """Two households in kelurahan A (one with a wife and a PPKS record), one in A2
    (same kecamatan) and one in B (another kecamatan)."""
    with pghistory.context(user=dinsos.pk):
        a = make_household(
            dinsos,
            VILLAGE_A,
            members=[
                member("Budi Santoso"),
                member("Siti Aminah", "P", "1978-07-01", "istri"),
            ],
            address="Jl. Melati No. 5",
            house_ownership="milik_sendiri",
        )
        a_other = make_household(dinsos, VILLAGE_A, members=[member("Joko Widodo")])
        a2 = make_household(dinsos, VILLAGE_A2, members=[member("Agus Salim")])
        b = make_household(dinsos, VILLAGE_B, members=[member("Bambang Pamungkas")])
        create_ppks_record(
            acting_user=dinsos,
            data={"ppks_type": 13, "person": a.members.get(name="Budi Santoso"), "notes": "=1+1"},
        )
        # A restricted health type (ODHA): only dinsos/admin may see it anywhere.
        create_ppks_record(
            acting_user=dinsos, data={"ppks_type": 16, "person": a.members.get(name="Siti Aminah")}
        )
    return {"a": a, "a_other": a_other, "a2": a2, "b": b}


def test_dinsos_household_xlsx(client, dinsos, data):
    client.force_login(dinsos)
    response = client.get(url("households", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(response)
    header = rows[0]
    assert header[:4] == ["No. KK", "Alasan No. KK kosong", "Kepala keluarga", "Alamat"]
    body = {r[header.index("Kepala keluarga")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(body) == {"Budi Santoso", "Joko Widodo", "Agus Salim", "Bambang Pamungkas"}
    budi = body["Budi Santoso"]
    # Unmasked for dinsos, and a string cell (never 3.67101E+15).
    assert budi["No. KK"] == data["a"].no_kk
    assert isinstance(budi["No. KK"], str)
    assert budi["Jumlah anggota"] == 2
    assert budi["Kepemilikan rumah"] == "Milik sendiri"
    assert budi["Kelurahan"] and budi["Kode kelurahan"] == VILLAGE_A
    assert budi["PPKS aktif"] == "ODHA, PEM"  # dinsos sees health types
    assert budi["RT"] == "001"  # stored zero-padded; kept as text, not the number 1


def test_csv_follows_the_list_filter(client, dinsos, data):
    client.force_login(dinsos)
    response = client.get(url("households", "csv", kelurahan=VILLAGE_A))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert {r["Kepala keluarga"] for r in rows} == {"Budi Santoso", "Joko Widodo"}
    # The same filter as the page shows.
    page = client.get(reverse("web:household_list"), {"kelurahan": VILLAGE_A})
    assert page.context["total"] == len(rows) == 2

    by_kecamatan = read_csv(client.get(url("households", "csv", kecamatan="36.71.01")))
    assert {r["Kepala keluarga"] for r in by_kecamatan} == {
        "Budi Santoso",
        "Joko Widodo",
        "Agus Salim",
    }
    by_ppks = read_csv(client.get(url("households", "csv", ppks_type=13)))
    assert [r["Kepala keluarga"] for r in by_ppks] == ["Budi Santoso"]


def test_psm_export_only_their_kelurahan(client, psm_b, psm_a, data):
    client.force_login(psm_a)
    rows = read_csv(client.get(url("households", "csv")))
    assert {r["Kepala keluarga"] for r in rows} == {"Budi Santoso", "Joko Widodo"}
    # Asking for another kelurahan gives nothing, not its data.
    assert read_csv(client.get(url("households", "csv", kelurahan=VILLAGE_B))) == []
    persons = read_csv(client.get(url("persons", "csv")))
    assert {p["Nama"] for p in persons} == {"Budi Santoso", "Siti Aminah", "Joko Widodo"}
    # PSM may reveal IDs: unmasked; health PPKS hidden.
    budi = next(r for r in rows if r["Kepala keluarga"] == "Budi Santoso")
    assert budi["No. KK"] == data["a"].no_kk
    assert budi["PPKS aktif"] == "PEM"

    client.force_login(psm_b)
    rows = read_csv(client.get(url("households", "csv")))
    assert [r["Kepala keluarga"] for r in rows] == ["Bambang Pamungkas"]


def test_nik_masked_for_pimpinan_unmasked_for_dinsos(client, pimpinan, dinsos, data):
    budi = data["a"].members.get(name="Budi Santoso")
    client.force_login(pimpinan)
    rows = read_csv(client.get(url("persons", "csv", kelurahan=VILLAGE_A)))
    row = next(r for r in rows if r["Nama"] == "Budi Santoso")
    assert row["NIK"] == budi.nik[:4] + "********" + budi.nik[-4:]
    assert row["No. KK"] != data["a"].no_kk and "*" in row["No. KK"]
    assert budi.nik not in str(rows)
    xlsx = read_xlsx(client.get(url("households", "xlsx")))
    assert data["a"].no_kk not in str(xlsx)

    client.force_login(dinsos)
    rows = read_csv(client.get(url("persons", "csv", kelurahan=VILLAGE_A)))
    row = next(r for r in rows if r["Nama"] == "Budi Santoso")
    assert row["NIK"] == budi.nik
    assert row["Tanggal lahir"] == "12-03-1975"
    assert row["Jenis kelamin"] == "Laki-laki"
    assert row["Hubungan"] == "Kepala Keluarga"
    assert row["Status kehidupan"] == "Hidup"
    assert int(row["Umur"]) >= 50


def test_nik_is_a_string_cell_in_xlsx(client, dinsos, data):
    client.force_login(dinsos)
    rows = read_xlsx(client.get(url("persons", "xlsx", kelurahan=VILLAGE_A)))
    header = rows[0]
    niks = [r[header.index("NIK")] for r in rows[1:]]
    assert niks and all(isinstance(n, str) and len(n) == 16 for n in niks)
    assert set(niks) == set(data["a"].members.values_list("nik", flat=True)) | set(
        data["a_other"].members.values_list("nik", flat=True)
    )


def test_ppks_export(client, dinsos, pimpinan, data):
    client.force_login(dinsos)
    rows = read_csv(client.get(url("ppks_records", "csv")))
    assert sorted(r["Nomor jenis"] for r in rows) == ["13", "16"]
    rows = read_csv(client.get(url("ppks_records", "csv", ppks_type=13, status="aktif")))
    assert len(rows) == 1
    row = rows[0]
    assert row["Jenis PPKS"] == "Pemulung"
    assert row["Nama"] == "Budi Santoso"
    assert row["Status"] == "Aktif"
    assert row["Catatan"] == "'=1+1"  # CSV injection neutralised
    assert read_csv(client.get(url("ppks_records", "csv", kelurahan=VILLAGE_B))) == []

    xlsx = read_xlsx(client.get(url("ppks_records", "xlsx", ppks_type=13)))
    assert xlsx[1][xlsx[0].index("Catatan")] == "=1+1"  # a text cell, not a formula

    # Restricted health types stay hidden from the leader, even when asked for.
    client.force_login(pimpinan)
    rows = read_csv(client.get(url("ppks_records", "csv")))
    assert [r["Nomor jenis"] for r in rows] == ["13"]
    assert read_csv(client.get(url("ppks_records", "csv", ppks_type=16))) == []
    assert "*" in rows[0]["NIK"]


def test_mitra_forbidden_and_anonymous_redirected(client, mitra, data):
    for kind in ("households", "persons", "ppks_records"):
        response = client.get(url(kind, "csv"))
        assert response.status_code == 302
        assert "/akun/" in response["Location"] or "login" in response["Location"]
    client.force_login(mitra)
    for kind in ("households", "persons", "ppks_records"):
        for fmt in ("csv", "xlsx"):
            assert client.get(url(kind, fmt)).status_code == 403
    assert not AccessLog.objects.filter(action="ekspor").exists()


def test_export_is_logged(client, tksk_a, data):
    client.force_login(tksk_a)
    response = client.get(url("households", "xlsx", kelurahan=VILLAGE_A2, q=""))
    rows = read_xlsx(response)
    assert len(rows) == 2
    log = AccessLog.objects.get(action="ekspor")
    assert log.user == tksk_a
    assert log.object_type == "households"
    assert log.extra == {"filter": {"kelurahan": VILLAGE_A2}, "format": "xlsx", "rows": 1}
    assert log.path == reverse("exports:households", kwargs={"fmt": "xlsx"})

    read_csv(client.get(url("persons", "csv")))
    log = AccessLog.objects.filter(action="ekspor").latest("id")
    assert log.object_type == "persons"
    assert log.extra == {"filter": {}, "format": "csv", "rows": 4}


def test_household_list_has_export_buttons_with_query(client, dinsos, data):
    client.force_login(dinsos)
    page = client.get(reverse("web:household_list"), {"kelurahan": VILLAGE_A, "page": "1"})
    html = page.content.decode()
    xlsx = reverse("exports:households", kwargs={"fmt": "xlsx"})
    assert f'href="{xlsx}?kelurahan={VILLAGE_A}"' in html
    assert "Unduh XLSX" in html and "Unduh CSV" in html


def test_export_query_count_is_fixed(client, dinsos, data, django_assert_max_num_queries):
    client.force_login(dinsos)
    with pghistory.context(user=dinsos.pk):
        for name in ("Ani", "Badu", "Cici", "Dedi", "Eka"):
            make_household(dinsos, VILLAGE_A, members=[member(f"Warga {name}")])
    with django_assert_max_num_queries(12):
        rows = read_csv(client.get(url("households", "csv")))
    assert len(rows) == 9
