"""The official-document toolkit: Indonesian formatting, the letterhead from the
settings, and the same document written as XLSX and PDF (both read back)."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from pilar.core.documents.letterhead import Letterhead, letterhead
from pilar.core.documents.model import (
    PERCENT,
    RUPIAH,
    TEXT,
    Chart,
    Col,
    Document,
    Figure,
    Figures,
    Group,
    Row,
    Table,
)
from pilar.core.documents.pdf import write_pdf
from pilar.core.documents.xlsx import write_xlsx
from pilar.core.formatting import (
    format_decimal,
    format_int,
    format_percent,
    format_rupiah,
    long_date,
    month_label,
)

HEAD = Letterhead(
    government="Pemerintah Kota Contoh",
    office="Dinas Sosial",
    address="Jl. Contoh No. 1",
    place="Contoh",
    head_title="Kepala Dinas Sosial",
    head_name="Dra. Siti Contoh, M.Si",
    head_nip="197001011990032001",
)


def test_indonesian_formats():
    assert format_int(1234567) == "1.234.567"
    assert format_int(0) == "0"
    assert format_int(-1500) == "-1.500"
    assert format_decimal(12.5, 1) == "12,5"
    assert format_decimal(1234.56, 2) == "1.234,56"
    assert format_decimal(0.05, 1) == "0,1"  # half up, as people round
    assert format_rupiah(1500000) == "Rp1.500.000"
    assert format_rupiah(-2500) == "-Rp2.500"
    assert format_rupiah(None) == "-"
    assert format_percent(45.25) == "45,3%"
    assert month_label(datetime.date(2026, 11, 1)) == "November 2026"
    assert long_date(datetime.date(2026, 12, 7)) == "7 Desember 2026"


@pytest.mark.django_db
def test_letterhead_defaults_from_region_and_settings(settings):
    settings.PILAR_OFFICE_GOVERNMENT = ""
    settings.PILAR_OFFICE_PLACE = ""
    settings.PILAR_OFFICE_HEAD_NAME = "Budi Santoso"
    settings.PILAR_OFFICE_HEAD_NIP = "198001012005011001"
    head = letterhead()
    assert head.government == "Pemerintah Kota Tangerang"
    assert head.place == "Tangerang"
    assert (head.head_name, head.head_nip) == ("Budi Santoso", "198001012005011001")
    settings.PILAR_OFFICE_GOVERNMENT = "Pemerintah Kabupaten Lain"
    settings.PILAR_OFFICE_PLACE = "Tigaraksa"
    head = letterhead()
    assert (head.government, head.place) == ("Pemerintah Kabupaten Lain", "Tigaraksa")


def sample() -> Document:
    table = Table(
        title="Tabel 1. Contoh per jenis",
        stub_headers=("No", "Jenis"),
        columns=[
            Group("November 2026", (Col("L"), Col("P"), Col("Jumlah"))),
            Col("Anggaran", RUPIAH),
            Col("Capaian", PERCENT),
            Col("Keterangan", TEXT),
        ],
        rows=[
            Row(("1", "Anak Balita Terlantar"), [1200, 1034, 2234, 1500000, 12.5, ""]),
            Row(("16", "ODHA"), ["terbatas", "terbatas", "terbatas", None, None, "terbatas"]),
            Row(("", "Jumlah"), [1200, 1034, 2234, 1500000, 12.5, ""], total=True),
        ],
        notes=["Catatan: data kesehatan terbatas tidak ditampilkan."],
        stub_widths=(0.4, 3),
    )
    return Document(
        title="Rekapitulasi Contoh",
        period="Keadaan akhir bulan November 2026",
        area_name="Kota Contoh",
        area_code="36.71",
        blocks=[
            Figures("Angka utama", [Figure("PPKS", 2234), Figure("Dana", 2500000, RUPIAH)]),
            Chart("Per jenis", ["Balita", "ODHA"], [("Jumlah", [2234, 0])]),
            Chart("Tren", ["Okt", "Nov"], [("A", [1, 2]), ("B", [2, 3])], kind="line"),
            table,
        ],
        signed_on=datetime.date(2026, 12, 7),
        slug="contoh",
    )


def test_pdf_has_letterhead_table_and_signature():
    out = io.BytesIO()
    write_pdf(sample(), HEAD, out)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (
        "PEMERINTAH KOTA CONTOH",
        "DINAS SOSIAL",
        "REKAPITULASI CONTOH",
        "Keadaan akhir bulan November 2026",
        "Wilayah: Kota Contoh (kode 36.71)",
        "2.234",  # Indonesian grouping
        "Rp1.500.000",
        "12,5%",
        "terbatas",
        "Contoh, 7 Desember 2026",
        "Kepala Dinas Sosial",
        "Dra. Siti Contoh, M.Si",
        "NIP. 197001011990032001",
        f"Halaman 1 dari {len(reader.pages)}",
    ):
        assert expected in text, expected
    assert "2,234" not in text
    assert reader.metadata.title == "Rekapitulasi Contoh"


def test_xlsx_keeps_numbers_with_grouping_format():
    out = io.BytesIO()
    write_xlsx(sample(), HEAD, out)
    book = CalamineWorkbook.from_filelike(io.BytesIO(out.getvalue()))
    assert book.sheet_names[0] == "Ringkasan"
    rows = book.get_sheet_by_name(book.sheet_names[1]).to_python()
    flat = [c for row in rows for c in row]
    assert "PEMERINTAH KOTA CONTOH" in flat
    assert "REKAPITULASI CONTOH" in flat
    assert "Wilayah: Kota Contoh (kode 36.71)" in flat
    data = next(r for r in rows if r[:2] == ["1", "Anak Balita Terlantar"])
    assert data[2:7] == [1200.0, 1034.0, 2234.0, 1500000.0, 12.5]
    odha = next(r for r in rows if r[:2] == ["16", "ODHA"])
    assert odha[2] == "terbatas" and odha[5] == "-"
    assert "Contoh, 7 Desember 2026" in flat
    assert "NIP. 197001011990032001" in flat
    # The grouping format is stored with the cells (shown 1.234 in Indonesian Excel).
    styles = zipfile_text(out.getvalue(), "xl/styles.xml")
    assert 'formatCode="#,##0"' in styles
    assert 'formatCode="&quot;Rp&quot;#,##0"' in styles


def zipfile_text(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode()
