"""The downloadable template reads back cleanly through the importer's own reader."""

import io
import re
import zipfile

import pytest
from python_calamine import CalamineWorkbook

from pilar.imports import values, villages
from pilar.imports.columns import ALIAS_TABLE, CANONICAL_COLUMNS, EXTRA_COLUMNS, map_headers
from pilar.imports.readers import read_table
from pilar.imports.template import (
    EXAMPLE_ROW,
    GUIDE_SHEET,
    TEXT_COLUMNS,
    template_csv,
    template_xlsx,
)


def test_xlsx_template_round_trip(tmp_path):
    path = tmp_path / "templat.xlsx"
    path.write_bytes(template_xlsx())
    table = read_table(path)
    assert table.format == "xlsx"
    assert table.sheet_name == "Data"
    assert table.header_row_number == 1
    assert table.headers == list(CANONICAL_COLUMNS)
    mapping = map_headers(table.headers)
    assert mapping.problems == []
    assert mapping.unknown == []
    assert list(mapping.columns) == list(CANONICAL_COLUMNS)
    ((number, cells),) = list(table.rows)
    assert number == 2
    assert mapping.value(cells, "nik") == "3671011708750001"  # text, all 16 digits
    assert mapping.value(cells, "rt") == "001"
    assert mapping.value(cells, "disabilitas") is None


def test_xlsx_template_id_columns_are_text_formatted():
    with zipfile.ZipFile(io.BytesIO(template_xlsx())) as archive:
        styles = archive.read("xl/styles.xml").decode()
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    # The "@" (text) number format, and the cell style index (xf) that uses it.
    fmt_id = re.search(r'<numFmt numFmtId="(\d+)" formatCode="@"/>', styles).group(1)
    xfs = re.findall(r"<xf [^>]*>", styles.split("<cellXfs")[1])
    text_xf = next(str(i) for i, xf in enumerate(xfs) if f'numFmtId="{fmt_id}"' in xf)
    styled: dict[int, str | None] = {}
    for col_tag in re.findall(r"<col [^>]*/>", sheet):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', col_tag))
        for col in range(int(attrs["min"]), int(attrs["max"]) + 1):
            styled[col - 1] = attrs.get("style")
    for index, name in enumerate(CANONICAL_COLUMNS):
        expected = text_xf if name in TEXT_COLUMNS else None
        assert styled[index] == expected, name
    assert {"nik", "no_kk"} <= set(TEXT_COLUMNS)


def test_xlsx_template_guide_sheet(tmp_path):
    path = tmp_path / "templat.xlsx"
    path.write_bytes(template_xlsx())
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == ["Data", GUIDE_SHEET]
    rows = workbook.get_sheet_by_name(GUIDE_SHEET).to_python()
    by_column = {row[0]: row for row in rows if row[0] in CANONICAL_COLUMNS + EXTRA_COLUMNS}
    assert set(by_column) == set(CANONICAL_COLUMNS + EXTRA_COLUMNS)
    assert by_column["nama"][1] == "Ya"
    assert "17 Agustus 1975" in by_column["tanggal_lahir"][2]
    for name, aliases in ALIAS_TABLE.items():
        for alias in aliases:
            assert alias in by_column[name][3]


def test_csv_template_round_trip(tmp_path):
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.splitlines()[0] == ("\ufeff" + ";".join(CANONICAL_COLUMNS)).encode()
    path = tmp_path / "templat.csv"
    path.write_bytes(data)
    table = read_table(path)
    assert table.delimiter == ";"
    assert table.headers == list(CANONICAL_COLUMNS)
    mapping = map_headers(table.headers)
    assert mapping.problems == []
    ((number, cells),) = list(table.rows)
    assert number == 2
    assert mapping.value(cells, "nama") == "Budi Santoso"
    assert mapping.value(cells, "no_kk") == "3671010101080001"


def test_example_row_values_are_accepted_by_the_parsers():
    row = EXAMPLE_ROW
    assert values.parse_id_number(row["nik"]) == "3671011708750001"
    assert values.parse_id_number(row["no_kk"], "No. KK") == "3671010101080001"
    assert values.parse_sex(row["jenis_kelamin"])
    assert values.parse_date(row["tanggal_lahir"]).isoformat() == "1975-08-17"
    assert values.parse_relation(row["hubungan_keluarga"]) == "kepala"
    assert values.parse_marital_status(row["status_perkawinan"]) == "kawin"
    assert values.parse_education(row["pendidikan"]) == "sma"
    assert values.parse_disability(row["disabilitas"]) == []
    assert values.parse_ppks_types(row["jenis_ppks"]) == [24]
    assert values.parse_desil(row["desil"]) == 1
    assert values.parse_rt_rw(row["rt"]) == "001"


@pytest.mark.django_db
def test_example_row_village_exists():
    code = villages.resolve_village(EXAMPLE_ROW["kode_kelurahan"], EXAMPLE_ROW["nama_kelurahan"])
    assert code == "36.71.01.1001"
