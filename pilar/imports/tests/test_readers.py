"""read_table on files as offices produce them, and on files it must refuse."""

import datetime
import zipfile

import pytest
import xlsxwriter

from pilar.imports.columns import map_headers
from pilar.imports.readers import (
    MESSAGE_CORRUPT_XLSX,
    MESSAGE_EMPTY,
    MESSAGE_LOCKED_OR_XLS,
    MESSAGE_NO_HEADER,
    MESSAGE_NOT_READABLE,
    FileProblem,
    read_table,
)
from pilar.imports.values import parse_id_number

HEADER = ["nik", "nama", "tanggal_lahir", "kode_kelurahan"]
ROW_1 = ["3671011708750001", "Sutrisno Wiryawan", "17-08-1975", "36.71.01.1001"]
ROW_2 = ["3671014102800002", "Siti Aminah", "01/02/1980", "3671011001"]


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def csv_bytes(rows, delimiter, encoding="utf-8", bom=False):
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def rows_of(table):
    return list(table.rows)


# --- CSV ------------------------------------------------------------------------------


def test_semicolon_csv_with_bom_as_excel_saves_it(tmp_path):
    path = write(tmp_path, "data.csv", csv_bytes([HEADER, ROW_1, ROW_2], ";", bom=True))
    table = read_table(path)
    assert table.format == "csv"
    assert table.delimiter == ";"
    assert table.encoding == "utf-8-sig"
    assert table.headers == HEADER  # the BOM is not glued to "nik"
    assert table.header_row_number == 1
    assert table.sheet_name is None
    assert rows_of(table) == [(2, ROW_1), (3, ROW_2)]
    assert map_headers(table.headers).problems == []


def test_comma_csv_utf8_without_bom(tmp_path):
    rows = [HEADER, ROW_1, ["", "Désa Ayu", "", "36.71.01.1001"]]
    path = write(tmp_path, "data.csv", csv_bytes(rows, ","))
    table = read_table(path)
    assert table.delimiter == ","
    assert table.encoding == "utf-8-sig"
    assert rows_of(table) == [(2, ROW_1), (3, [None, "Désa Ayu", None, "36.71.01.1001"])]


def test_tab_separated(tmp_path):
    path = write(tmp_path, "data.txt", csv_bytes([HEADER, ROW_1], "\t"))
    table = read_table(path)
    assert table.delimiter == "\t"
    assert rows_of(table) == [(2, ROW_1)]


def test_windows_1252_csv(tmp_path):
    rows = [HEADER, ROW_1, ["3671014102800002", "Désa Rahayu", "01/02/1980", "3671011001"]]
    data = csv_bytes(rows, ";", encoding="cp1252")
    assert "é".encode("cp1252") in data and "é".encode() not in data
    table = read_table(write(tmp_path, "data.csv", data))
    assert table.encoding == "cp1252"
    assert [cells[1] for _, cells in table.rows] == ["Sutrisno Wiryawan", "Désa Rahayu"]


def test_utf16_unicode_text_from_excel(tmp_path):
    text = "\r\n".join("\t".join(row) for row in [HEADER, ROW_1, ROW_2]) + "\r\n"
    table = read_table(write(tmp_path, "data.txt", text.encode("utf-16")))
    assert table.delimiter == "\t"
    assert rows_of(table) == [(2, ROW_1), (3, ROW_2)]


def test_title_rows_above_header_and_blank_rows_are_skipped(tmp_path):
    rows = [
        ["DATA PPKS KELURAHAN SUKARASA TAHUN 2026", "", "", ""],
        ["", "", "", ""],
        HEADER,
        ROW_1,
        ["", "", "", ""],
        ["  ", "", "", ""],
        ROW_2,
    ]
    table = read_table(write(tmp_path, "data.csv", csv_bytes(rows, ";")))
    assert table.header_row_number == 3
    assert table.headers == HEADER
    # Row numbers are those a spreadsheet shows: blank rows 5 and 6 still count.
    assert rows_of(table) == [(4, ROW_1), (7, ROW_2)]


def test_title_row_with_commas_does_not_fool_the_delimiter(tmp_path):
    # The title contains commas, the data uses ';': the header decides.
    rows = [["Data PPKS, Kecamatan Tangerang, Kota Tangerang, 2026"], HEADER, ROW_1]
    table = read_table(write(tmp_path, "data.csv", csv_bytes(rows, ";")))
    assert table.delimiter == ";"
    assert table.header_row_number == 2


def test_quoted_cell_spanning_lines_counts_as_one_row(tmp_path):
    data = (
        'nama;alamat;nik;kode_kelurahan\r\n"Ani";"Jl. Mawar\r\nGang 3";"1";"x"\r\n'
        '"Budi";"";"2";"y"\r\n'
    )
    table = read_table(write(tmp_path, "data.csv", data.encode()))
    assert rows_of(table) == [
        (2, ["Ani", "Jl. Mawar\r\nGang 3", "1", "x"]),
        (3, ["Budi", None, "2", "y"]),
    ]


def test_rows_can_be_read_twice_and_lazily(tmp_path):
    rows = [HEADER] + [[f"36710117087500{i:02d}", f"Orang {i}", "", ""] for i in range(50)]
    table = read_table(write(tmp_path, "data.csv", csv_bytes(rows, ";")))
    iterator = iter(table.rows)
    assert next(iterator) == (2, ["3671011708750000", "Orang 0", None, None])
    assert len(rows_of(table)) == 50
    assert len(list(table)) == 50


# --- XLSX -----------------------------------------------------------------------------


def make_xlsx(path, build):
    workbook = xlsxwriter.Workbook(str(path))
    build(workbook)
    workbook.close()
    return path


def test_xlsx_keeps_values_as_typed(tmp_path):
    def build(wb):
        sheet = wb.add_worksheet("Penduduk")
        sheet.write_string(0, 0, "Daftar Penerima Bantuan")
        sheet.write_row(2, 0, ["NIK", "Nama Lengkap", "Tgl Lahir", "Kelurahan", "Desil"])
        sheet.write_string(3, 0, "3671011708750001")
        sheet.write_string(3, 1, "Sutrisno Wiryawan")
        sheet.write_datetime(
            3, 2, datetime.datetime(1975, 8, 17), wb.add_format({"num_format": "dd-mm-yyyy"})
        )
        sheet.write_string(3, 3, "Sukarasa")
        sheet.write_number(3, 4, 3)
        sheet.write_number(5, 0, 3671014102800002)  # NIK typed as a number
        sheet.write_string(5, 1, "Désa Rahayu")
        sheet.write_string(5, 3, "Sukarasa")

    table = read_table(make_xlsx(tmp_path / "renamed.csv", build))  # content, not name
    assert table.format == "xlsx"
    assert table.sheet_name == "Penduduk"
    assert table.header_row_number == 3
    assert table.headers == ["NIK", "Nama Lengkap", "Tgl Lahir", "Kelurahan", "Desil"]
    rows = rows_of(table)
    assert [number for number, _ in rows] == [4, 6]
    first, second = rows[0][1], rows[1][1]
    assert first[0] == "3671011708750001"
    assert first[1] == "Sutrisno Wiryawan"
    assert first[2] == datetime.date(1975, 8, 17)
    assert first[4] == 3
    assert second[0] == 3671014102800002 and isinstance(second[0], float | int)
    assert second[2] is None and second[4] is None
    assert parse_id_number(second[0]) == "3671014102800002"
    mapping = map_headers(table.headers)
    assert mapping.problems == []
    assert set(mapping.columns) == {"nik", "nama", "tanggal_lahir", "nama_kelurahan", "desil"}


def test_xlsx_uses_first_sheet_with_a_header(tmp_path):
    def build(wb):
        wb.add_worksheet("Sampul").write_string(0, 0, "Laporan Dinas Sosial")
        wb.add_worksheet("Kosong")
        sheet = wb.add_worksheet("Data")
        sheet.write_row(0, 0, HEADER)
        sheet.write_row(1, 0, ROW_1)

    table = read_table(make_xlsx(tmp_path / "multi.xlsx", build))
    assert table.sheet_name == "Data"
    assert table.unused_sheets == ["Sampul", "Kosong"]
    assert rows_of(table) == [(2, ROW_1)]


def test_xlsx_header_starting_in_a_later_column(tmp_path):
    def build(wb):
        sheet = wb.add_worksheet()
        sheet.write_row(1, 2, HEADER)
        sheet.write_row(2, 2, ROW_1)

    table = read_table(make_xlsx(tmp_path / "offset.xlsx", build))
    assert table.header_row_number == 2
    mapping = map_headers(table.headers)
    assert mapping.problems == []
    ((number, cells),) = rows_of(table)
    assert number == 3
    assert mapping.value(cells, "nik") == "3671011708750001"


# --- refusals -------------------------------------------------------------------------


def refusal(path, **kwargs):
    with pytest.raises(FileProblem) as info:
        read_table(path, **kwargs)
    return info.value.message


def test_empty_file(tmp_path):
    assert refusal(write(tmp_path, "kosong.csv", b"")) == MESSAGE_EMPTY == "Berkas kosong."


def test_file_with_only_blank_lines_is_empty(tmp_path):
    assert refusal(write(tmp_path, "kosong.csv", b"\xef\xbb\xbf\r\n;;;\r\n\r\n")) == MESSAGE_EMPTY


def test_empty_xlsx(tmp_path):
    path = make_xlsx(tmp_path / "kosong.xlsx", lambda wb: wb.add_worksheet())
    assert refusal(path) == MESSAGE_EMPTY


def test_too_big(tmp_path):
    path = write(tmp_path, "besar.csv", csv_bytes([HEADER] + [ROW_1] * 30000, ";"))
    assert path.stat().st_size > 1024 * 1024
    size = f"{path.stat().st_size / 1024 / 1024:.1f}".replace(".", ",")
    message = refusal(path, max_bytes=1024 * 1024)
    assert message == (
        f"Berkas terlalu besar ({size} MB); batas 1,0 MB. Pecah menjadi beberapa berkas."
    )


def test_png_renamed_csv(tmp_path):
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
        b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
        b"\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    message = refusal(write(tmp_path, "foto.csv", png))
    assert message == MESSAGE_NOT_READABLE == "Berkas ini bukan CSV atau XLSX yang dapat dibaca."


def test_binary_without_nul_bytes(tmp_path):
    data = bytes(range(1, 32)) * 200
    assert refusal(write(tmp_path, "x.csv", data)) == MESSAGE_NOT_READABLE


def test_undecodable_text(tmp_path):
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid as UTF-8.
    data = csv_bytes([HEADER, ROW_1], ";") + b"\x81\x8d\x81;x;y;z\r\n"
    assert refusal(write(tmp_path, "x.csv", data)) == MESSAGE_NOT_READABLE


def test_nul_byte_far_into_the_file(tmp_path):
    data = csv_bytes([HEADER] + [ROW_1] * 3000, ";") + b"\x00\x00"
    assert refusal(write(tmp_path, "x.csv", data)) == MESSAGE_NOT_READABLE


def test_ole_container_is_old_xls_or_password_protected(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    message = refusal(write(tmp_path, "terkunci.xlsx", data))
    assert message == MESSAGE_LOCKED_OR_XLS
    assert message == (
        "Berkas XLSX terkunci kata sandi atau berformat .xls lama; simpan ulang sebagai "
        ".xlsx tanpa kata sandi."
    )


def test_truncated_xlsx(tmp_path):
    def build(wb):
        sheet = wb.add_worksheet()
        sheet.write_row(0, 0, HEADER)
        for row in range(1, 200):
            sheet.write_row(row, 0, ROW_1)

    full = make_xlsx(tmp_path / "full.xlsx", build).read_bytes()
    path = write(tmp_path, "rusak.xlsx", full[: len(full) // 2])
    assert refusal(path) == MESSAGE_CORRUPT_XLSX == "Berkas XLSX rusak dan tidak dapat dibuka."


def test_xlsx_with_damaged_part(tmp_path):
    path = tmp_path / "rusak.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet name=")
    assert refusal(path) == MESSAGE_CORRUPT_XLSX


def test_zip_that_is_not_xlsx(tmp_path):
    path = tmp_path / "arsip.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.csv", "nik;nama\r\n")
    assert refusal(path) == MESSAGE_NOT_READABLE


def test_csv_without_header(tmp_path):
    rows = [["3671011708750001", "Sutrisno", "17-08-1975"]] * 20
    message = refusal(write(tmp_path, "tanpa_judul.csv", csv_bytes(rows, ";")))
    assert message == MESSAGE_NO_HEADER
    assert message == (
        "Baris judul kolom tidak ditemukan; unduh templat dan gunakan nama kolomnya."
    )


def test_header_below_row_ten_is_not_found(tmp_path):
    rows = [["catatan"]] * 10 + [HEADER, ROW_1]
    assert refusal(write(tmp_path, "x.csv", csv_bytes(rows, ";"))) == MESSAGE_NO_HEADER


def test_xlsx_without_header(tmp_path):
    def build(wb):
        sheet = wb.add_worksheet()
        sheet.write_row(0, 0, ["a", "b", "c"])
        sheet.write_row(1, 0, ROW_1)

    assert refusal(make_xlsx(tmp_path / "x.xlsx", build)) == MESSAGE_NO_HEADER


def test_missing_file(tmp_path):
    assert refusal(tmp_path / "tidak-ada.csv") == "Berkas tidak dapat dibuka."
