"""An official document as an XLSX workbook: one sheet per table, each with the
letterhead, title, period and area code above and the signature below, set to print
on A4 fitted to the page width with the table's header repeated.

Numbers stay numbers (the office sums and charts them) with a grouping format
(`#,##0`): Excel and LibreOffice show the separators of the reader's regional
settings, so an Indonesian office computer shows 1.234.567 (decisions.md).
Headline figures go to a first sheet "Ringkasan"; charts are PDF-only (their
figures are in the tables).
"""

from __future__ import annotations

import re
from typing import IO

import xlsxwriter

from pilar.core.documents.letterhead import Letterhead
from pilar.core.documents.model import (
    DECIMAL,
    INT,
    PERCENT,
    RUPIAH,
    TEXT,
    Document,
    Figures,
    Group,
    Table,
)
from pilar.core.formatting import long_date

NUMBER_FORMATS = {
    INT: "#,##0",
    RUPIAH: '"Rp"#,##0',
    DECIMAL: "#,##0.0",
    PERCENT: '#,##0.0"%"',
}
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.gov = wb.add_format({"bold": True, "font_size": 13, "align": "center"})
        self.office = wb.add_format({"bold": True, "font_size": 15, "align": "center"})
        self.address = wb.add_format({"font_size": 9, "align": "center", "bottom": 6})
        self.rule = wb.add_format({"bottom": 6})
        self.title = wb.add_format({"bold": True, "font_size": 12, "align": "center"})
        self.centered = wb.add_format({"align": "center"})
        self.head = wb.add_format(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#E9ECEF",
            }
        )
        self.stub = wb.add_format({"border": 1, "valign": "top", "text_wrap": True})
        self.stub_total = wb.add_format({"border": 1, "bold": True, "bg_color": "#F3F4F6"})
        self.text = wb.add_format({"border": 1, "align": "right"})
        self.text_total = wb.add_format(
            {"border": 1, "align": "right", "bold": True, "bg_color": "#F3F4F6"}
        )
        self.numbers = {
            kind: wb.add_format({"border": 1, "num_format": fmt})
            for kind, fmt in NUMBER_FORMATS.items()
        }
        self.numbers_total = {
            kind: wb.add_format(
                {"border": 1, "num_format": fmt, "bold": True, "bg_color": "#F3F4F6"}
            )
            for kind, fmt in NUMBER_FORMATS.items()
        }
        self.note = wb.add_format({"italic": True, "font_size": 9})
        self.sign = wb.add_format({"align": "center"})
        self.sign_name = wb.add_format({"align": "center", "bold": True, "underline": 1})
        self.section = wb.add_format({"bold": True})


def _sheet_name(title: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title).strip()[:28] or "Tabel"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]} ({n})"
        n += 1
    used.add(name.lower())
    return name


def _merge(sheet, row: int, width: int, text: str, fmt) -> None:
    if width > 1:
        sheet.merge_range(row, 0, row, width - 1, text, fmt)
    else:
        sheet.write_string(row, 0, text, fmt)


def _head(sheet, doc: Document, head: Letterhead, width: int, f: _Formats, subtitle: str) -> int:
    """The letterhead and the title block; returns the next free row."""
    _merge(sheet, 0, width, head.government.upper(), f.gov)
    _merge(sheet, 1, width, head.office.upper(), f.office)
    _merge(sheet, 2, width, head.address, f.address)
    row = 4
    _merge(sheet, row, width, doc.title.upper(), f.title)
    row += 1
    if subtitle and subtitle != doc.title:
        _merge(sheet, row, width, subtitle, f.title)
        row += 1
    _merge(sheet, row, width, doc.period, f.centered)
    _merge(sheet, row + 1, width, f"Wilayah: {doc.area_name} (kode {doc.area_code})", f.centered)
    return row + 3


def _signature(sheet, head: Letterhead, doc: Document, row: int, width: int, f: _Formats) -> None:
    # The signature block sits over the last columns, as on the paper form.
    first = max(0, width - 4)

    def put(r: int, text: str, fmt) -> None:
        if width - first > 1:
            sheet.merge_range(r, first, r, width - 1, text, fmt)
        else:
            sheet.write_string(r, first, text, fmt)

    put(row, f"{head.place}, {long_date(doc.signed_on)}", f.sign)
    put(row + 1, head.head_title, f.sign)
    put(row + 5, head.head_name or "(.................................)", f.sign_name)
    put(row + 6, f"NIP. {head.head_nip}" if head.head_nip else "NIP. ..................", f.sign)


def _write_value(sheet, row: int, col: int, value, kind: str, total: bool, f: _Formats) -> None:
    if value is None:
        sheet.write_string(row, col, "-", f.text_total if total else f.text)
    elif isinstance(value, str) or kind == TEXT:
        sheet.write_string(row, col, str(value), f.text_total if total else f.text)
    else:
        fmt = (f.numbers_total if total else f.numbers)[kind]
        sheet.write_number(row, col, float(value), fmt)


def _table_sheet(wb, doc: Document, table: Table, head: Letterhead, f: _Formats, name: str):
    sheet = wb.add_worksheet(name)
    leaves = table.leaves()
    n_stub = len(table.stub_headers)
    width = n_stub + len(leaves)
    row = _head(sheet, doc, head, width, f, table.title)
    # Widths: the stub's name column wide, numbers narrow.
    stub_widths = table.stub_widths or tuple([1.0] * n_stub)
    for i, w in enumerate(stub_widths):
        sheet.set_column(i, i, max(5, 8 * w))
    for i, leaf in enumerate(leaves):
        sheet.set_column(n_stub + i, n_stub + i, max(9, 9 * leaf.width))
    header_top = row
    if table.grouped:
        for i, text in enumerate(table.stub_headers):
            sheet.merge_range(row, i, row + 1, i, text, f.head)
        col = n_stub
        for column in table.columns:
            if isinstance(column, Group):
                span = len(column.columns)
                if span > 1:
                    sheet.merge_range(row, col, row, col + span - 1, column.header, f.head)
                else:
                    sheet.write_string(row, col, column.header, f.head)
                for j, leaf in enumerate(column.columns):
                    sheet.write_string(row + 1, col + j, leaf.header, f.head)
                col += span
            else:
                sheet.merge_range(row, col, row + 1, col, column.header, f.head)
                col += 1
        row += 2
    else:
        for i, text in enumerate(table.stub_headers):
            sheet.write_string(row, i, text, f.head)
        for j, leaf in enumerate(leaves):
            sheet.write_string(row, n_stub + j, leaf.header, f.head)
        row += 1
    sheet.repeat_rows(header_top, row - 1)
    sheet.freeze_panes(row, n_stub)
    for line in table.rows:
        stub_fmt = f.stub_total if line.total else f.stub
        for i, text in enumerate(line.stub):
            sheet.write_string(row, i, text, stub_fmt)
        for j, (leaf, value) in enumerate(zip(leaves, line.values, strict=True)):
            _write_value(sheet, row, n_stub + j, value, leaf.kind, line.total, f)
        row += 1
    row += 1
    for note in table.notes:
        sheet.write_string(row, 0, note, f.note)
        row += 1
    _signature(sheet, head, doc, row + 1, width, f)
    sheet.set_landscape() if doc.landscape else sheet.set_portrait()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_footer("&CHalaman &P dari &N")


def _figures_sheet(wb, doc: Document, blocks: list[Figures], head: Letterhead, f: _Formats):
    sheet = wb.add_worksheet("Ringkasan")
    width = 3
    row = _head(sheet, doc, head, width, f, "Ringkasan")
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 40)
    for block in blocks:
        sheet.write_string(row, 0, block.title, f.section)
        row += 1
        for item in block.items:
            sheet.write_string(row, 0, item.label, f.stub)
            _write_value(sheet, row, 1, item.value, item.kind, False, f)
            sheet.write_string(row, 2, item.note, f.stub)
            row += 1
        row += 1
    _signature(sheet, head, doc, row + 1, width, f)
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)


def write_xlsx(doc: Document, head: Letterhead, out: IO[bytes]) -> None:
    """Write `doc` into the binary file `out`."""
    wb = xlsxwriter.Workbook(
        out,
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    wb.set_properties(
        {"title": doc.title, "author": f"{head.office} {head.government}", "comments": "Pilar"}
    )
    f = _Formats(wb)
    used: set[str] = set()
    figures = [b for b in doc.blocks if isinstance(b, Figures)]
    if figures:
        used.add("ringkasan")
        _figures_sheet(wb, doc, figures, head, f)
    for table in doc.tables():
        _table_sheet(wb, doc, table, head, f, _sheet_name(table.title, used))
    wb.close()
