"""The streaming XLSX reader (pilar.imports.xlsx) gives the cells python-calamine gives for
the same file: every value and type, cell by cell, on workbooks with shared and inline
strings, dates in many styles, both date systems, formulas, escapes, rich text, sparse
and offset cells, hand-written XML variants, and any chunk size."""

from __future__ import annotations

import datetime
import math
import zipfile

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from pilar.imports import xlsx
from pilar.imports.readers import MESSAGE_CORRUPT_XLSX, FileProblem, read_table


def calamine_cells(path, name) -> dict:
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
    start = sheet.start
    found = {}
    if start is None:
        return found
    for row_index, row in enumerate(sheet.iter_rows()):
        for offset, value in enumerate(row):
            if value != "" and value is not None:
                found[(row_index + 1, start[1] + offset)] = value
    return found


def stream_cells(path, name, size=xlsx.READ_BYTES) -> dict:
    workbook = xlsx.Workbook(str(path))
    member = dict(workbook.worksheets)[name]
    sheet = workbook.sheet(member)
    found = {}
    previous: int | None = 0
    for chunk in sheet.chunks(size):
        rows, previous = sheet.parse(chunk, previous, sheet.wrap)
        for number, cells in rows:
            for col, value in enumerate(cells):
                if value != "" and value is not None:
                    found[(number, col)] = value
    return found


def typed(cells: dict) -> dict:
    return {key: (type(value), value) for key, value in cells.items()}


def assert_same(path, names, sizes=(xlsx.READ_BYTES, 97, 1024)):
    for name in names:
        expected = typed(calamine_cells(path, name))
        assert expected, name
        for size in sizes:
            assert typed(stream_cells(path, name, size)) == expected, (name, size)


def build(path, fill, **options):
    workbook = xlsxwriter.Workbook(str(path), options)
    fill(workbook)
    workbook.close()
    return path


def everything(workbook):
    fmt = workbook.add_format
    formats = [
        fmt({"num_format": "dd-mm-yyyy"}),
        fmt({"num_format": 14}),
        fmt({"num_format": "dd/mm/yyyy hh:mm:ss"}),
        fmt({"num_format": "hh:mm"}),
        fmt({"num_format": "[h]:mm:ss"}),
        fmt({"num_format": 46}),
        fmt({"num_format": '"Tgl" d mmmm yyyy'}),
        fmt({"num_format": "0.00"}),
        fmt({"num_format": '#,##0 "hari"'}),
        fmt({"num_format": "@"}),
        fmt({"num_format": "[Red]0;[Blue]-0"}),
        fmt({"num_format": "yyyy-mm-dd;@"}),
        fmt({"num_format": "AM/PM h"}),
        fmt({"bold": True}),
    ]
    numbers = [0, 0.5, 1, 59, 60, 61, 27000, 27000.25, 27000.999999, -5, -0.25, 1e-9,
               2958465, 2958466, 123.456]  # fmt: skip
    sheet = workbook.add_worksheet("Data")
    sheet.write_row(0, 0, ["nik", "nama", "tanggal"])
    for r, number in enumerate(numbers, start=1):
        sheet.write_number(r, 0, number)
        for c, style in enumerate(formats, start=1):
            sheet.write_number(r, c, number, style)
    r = len(numbers) + 1
    # (calamine itself fails on a huge number in a duration style: not compared)
    sheet.write_row(r, 0, [3671014102800002, 3.67101e15, 1e100, -1e100])
    sheet.write_number(r, 5, 3671014102800002, formats[0])
    r += 1
    texts = ["Sutrisno", "Désa Rahayu", "a & b < c > d \" ' e", "line\r\nbreak", "tab\there",
             "ctl \x01 \x1f", "_x000D_ literal", "  spasi  ", "", " ", "٣٦٧١", "emoji 😀",
             "3671011708750001", "'3671011708750001"]  # fmt: skip
    for c, text in enumerate(texts):
        sheet.write_string(r, c, text)
    sheet.write_boolean(r + 1, 0, True)
    sheet.write_boolean(r + 1, 1, False)
    sheet.write_formula(r + 1, 2, "=1/0", None, "#DIV/0!")
    sheet.write_formula(r + 1, 3, '="a"&"&b"', None, "a&b")
    sheet.write_formula(r + 1, 4, "=1+1", None, 2)
    sheet.write_formula(r + 1, 5, "=TODAY()", formats[0], 45000)
    sheet.write_blank(r + 1, 6, None, formats[13])
    bold = formats[13]
    sheet.write_rich_string(r + 2, 0, "ab", bold, "cd", " ef")
    sheet.write_datetime(r + 3, 0, datetime.datetime(1975, 8, 17), formats[0])
    sheet.write_datetime(r + 3, 1, datetime.datetime(1975, 8, 17, 10, 30, 15), formats[2])
    sheet.write_datetime(r + 3, 2, datetime.time(10, 30), formats[3])
    sheet.write_datetime(r + 3, 3, datetime.timedelta(hours=30), formats[4])
    sheet.write_string(r + 40, 30, "jauh")  # sparse: a far cell after blank rows
    offset = workbook.add_worksheet("Offset")
    offset.write_row(3, 2, ["nik", "nama", "desil"])
    offset.write_row(4, 2, ["3671011708750001", "Ani", 3])
    offset.write_row(7, 4, [5.0])


@pytest.mark.parametrize(
    "options",
    [{}, {"constant_memory": True}, {"date_1904": True}, {"strings_to_numbers": False}],
    ids=["shared-strings", "inline-strings", "1904", "plain"],
)
def test_same_cells_as_calamine(tmp_path, options, monkeypatch):
    path = build(tmp_path / "semua.xlsx", everything, **options)
    if not options.get("constant_memory"):
        # XlsxWriter's cells all take the fast (regular expression) path; an inline rich
        # string (constant_memory) takes the xml.etree one.
        monkeypatch.setattr(xlsx.SheetReader, "_parse_tree", None)
    assert_same(path, ["Data", "Offset"])


def rewrite_sheet(path, sheet_data: str, out, shared: str | None = None):
    """A copy of ``path`` with the first sheet's rows (and shared strings) replaced."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index("<sheetData")
                end = text.index("</sheetData>") + len("</sheetData>")
                data = (text[:start] + sheet_data + text[end:]).encode()
            if item.filename == "xl/sharedStrings.xml" and shared is not None:
                data = shared.encode()
            dst.writestr(item, data)
    return out


HAND_WRITTEN = (
    '<sheetData><row r="1"><c r="A1" t="d"><v>1975-08-17</v></c>'
    '<c r="B1" t="d"><v>1975-08-17T10:30:00</v></c>'
    '<c r="C1" t="inlineStr"><is><r><t>ab</t></r><r><rPr><b/></rPr>'
    '<t xml:space="preserve"> c </t></r><rPh sb="0" eb="1"><t>PH</t></rPh></is></c>'
    '<c r="D1" t="inlineStr"><is><t>a&amp;b&lt;&#65;&#x42;_x000D_z</t></is></c>'
    '<c r="E1" t="str"><f>X</f><v>q&amp;r_x0041_</v></c><c t="n"><v>7</v></c><c><v>8</v></c>'
    "</row>"
    '<row><c r="B3"><v>1e3</v></c><c r="C3" t="b"><v>0</v></c><c r="D3" t="s"><v>0</v></c>'
    '<c r="E3" t="inlineStr"><is><t></t></is></c><c r="F3" t="inlineStr"><v>zz</v></c></row>'
    '<row r="5"><c r="A5" t="d"><v>10:30:00</v></c><c r="B5" s="0"/><c r="C5"><v> 12 </v></c>'
    '<c r="D5"><v>1.5E+2</v></c><c r="E5" t="s" s="0"><v>1</v></c><c r="F5" t="b"><v>1</v></c>'
    '<c r="G5" t="e"><v>#N/A</v></c></row>'
    "<row><c><v>9</v></c></row>"
    '<row r="9" spans="1:3"/><row r="10"><c r="A10" s="0" t="s"><v>2</v></c></row>'
    "</sheetData>"
)
SHARED = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" '
    'uniqueCount="3"><si><t>pertama</t></si><si><r><t>ka</t></r><r><rPr><i/></rPr><t>ya</t>'
    '</r></si><si><t xml:space="preserve"> _x005F_x0041_ &amp; </t></si></sst>'
)


def test_hand_written_xml_variants(tmp_path, monkeypatch):
    base = build(tmp_path / "dasar.xlsx", lambda wb: wb.add_worksheet("S").write(0, 0, "x"))
    path = rewrite_sheet(base, HAND_WRITTEN, tmp_path / "tulisan.xlsx", SHARED)
    tree = xlsx.SheetReader._parse_tree
    calls = []
    monkeypatch.setattr(
        xlsx.SheetReader, "_parse_tree", lambda self, *a: calls.append(1) or tree(self, *a)
    )
    assert_same(path, ["S"], sizes=(xlsx.READ_BYTES, 50, 200))
    assert calls  # cells without r: the xml.etree path
    cells = stream_cells(path, "S")
    assert cells[(1, 2)] == "ab c "  # runs joined, the phonetic run left out
    assert cells[(1, 3)] == "a&b<AB\rz"
    assert cells[(6, 0)] == 9.0  # a row without r follows the one before (row 5)
    assert cells[(10, 0)] == " _x0041_ & "


def test_chunk_needing_order_is_refused_out_of_order(tmp_path):
    base = build(tmp_path / "dasar.xlsx", lambda wb: wb.add_worksheet("S").write(0, 0, "x"))
    path = rewrite_sheet(
        base, "<sheetData><row><c><v>1</v></c></row></sheetData>", tmp_path / "tanpa-r.xlsx"
    )
    workbook = xlsx.Workbook(str(path))
    sheet = workbook.sheet(workbook.worksheets[0][1])
    (chunk,) = list(sheet.chunks())
    with pytest.raises(xlsx.NeedsOrder):
        sheet.parse(chunk, None, sheet.wrap)
    assert sheet.parse(chunk, 0, sheet.wrap)[0] == [(1, [1.0])]


def test_date_formats_are_classified_like_calamine():
    cases = {
        "DD/MM/YY": xlsx.DATE,
        "H:MM:SS;@": xlsx.DATE,
        "#,##0\\ [$\\u20bd-46D]": 0,
        'm"M"d"D";@': xlsx.DATE,
        "[h]:mm:ss": xlsx.DURATION,
        '"Y: "0.00"m";"Y: "-0.00"m";"Y: <num>m";@': 0,
        '"$"#,##0_);[Red]("$"#,##0)': 0,
        "0_ ;[Red]\\-0\\ ": 0,
        "\\Y000000": 0,
        '#,##0.0####" YMD"': 0,
        "[h]": xlsx.DURATION,
        "[ss]": xlsx.DURATION,
        "[Blue]\\+[h]:mm;[Red]\\-[h]:mm;[Green][h]:mm": xlsx.DURATION,
        "[>=100][Magenta].00": 0,
        "[>=100][Magenta]General": 0,
        "ha/p\\\\m": xlsx.DATE,
        "General": 0,
        "0.00": 0,
        "@": 0,
    }
    for code, kind in cases.items():
        assert xlsx._date_kind(code) == kind, code


def test_serials_convert_like_calamine():
    assert xlsx.excel_datetime(27000.0, xlsx.DATE) == datetime.date(1973, 12, 2)
    assert xlsx.excel_datetime(60.0, xlsx.DATE) == datetime.date(1900, 2, 28)
    assert xlsx.excel_datetime(61.0, xlsx.DATE) == datetime.date(1900, 3, 1)
    assert xlsx.excel_datetime(0.5, xlsx.DATE) == datetime.time(12, 0)
    assert xlsx.excel_datetime(2958466.0, xlsx.DATE) == 2958466.0  # past year 9999
    assert xlsx.excel_datetime(1.5, xlsx.DURATION) == datetime.timedelta(days=1.5)
    assert xlsx.excel_datetime(0.0, xlsx.DATE, is_1904=True) == datetime.time(0, 0)
    assert xlsx.excel_datetime(1.0, xlsx.DATE, is_1904=True) == datetime.date(1904, 1, 2)
    assert math.isnan(xlsx.excel_datetime(float("nan"), xlsx.DATE))  # type: ignore[arg-type]


def test_truncated_sheet_part_is_corrupt(tmp_path):
    def fill(workbook):
        sheet = workbook.add_worksheet("S")
        sheet.write_row(0, 0, ["nik", "nama", "alamat"])
        for row in range(1, 3000):
            sheet.write_row(row, 0, [f"36710117087{row:05d}", f"Orang {row}", "Jl. Melati"])

    path = build(tmp_path / "utuh.xlsx", fill)
    text = '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>nik</t></is></c>'
    broken = rewrite_sheet(path, text + "</sheetData>", tmp_path / "x.xlsx")
    # A sheet part cut inside its rows (its end tag gone): refused as corrupt, not a crash.
    with zipfile.ZipFile(broken) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet_xml[: sheet_xml.index(b"</sheetData>")]
    cut = tmp_path / "terpotong.xlsx"
    with zipfile.ZipFile(cut, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    with pytest.raises(FileProblem) as info:
        table = read_table(cut)
        list(table.rows)
    assert info.value.message == MESSAGE_CORRUPT_XLSX


def test_strict_ooxml_falls_back_to_calamine(tmp_path, monkeypatch):
    def fill(workbook):
        sheet = workbook.add_worksheet("S")
        sheet.write_row(0, 0, ["nik", "nama", "alamat"])
        sheet.write_row(1, 0, ["3671011708750001", "Ani", "Jl. Melati"])

    path = build(tmp_path / "biasa.xlsx", fill)

    def unsupported(self, archive):
        raise xlsx.Unsupported("test")

    monkeypatch.setattr(xlsx.Workbook, "_load", unsupported)
    table = read_table(path)
    assert table.rows.__class__.__name__ == "_SheetRows"  # python-calamine's rows
    assert [cells[:3] for _, cells in table.rows] == [["3671011708750001", "Ani", "Jl. Melati"]]
