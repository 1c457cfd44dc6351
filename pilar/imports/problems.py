"""The problems of a batch as an XLSX: the refused rows exactly as they were in the file,
plus a reason column, so the user fixes them and imports that file again."""

from __future__ import annotations

import datetime
import tempfile
from collections import defaultdict
from typing import IO

import xlsxwriter

from pilar.imports.models import ImportBatch, ImportProblem
from pilar.imports.readers import read_table

REASON_HEADER = "alasan_ditolak"
ROW_HEADER = "baris_asal"


def _reasons(batch: ImportBatch) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = defaultdict(list)
    rows = (
        ImportProblem.objects.filter(batch=batch, is_error=True)
        .order_by("row_number", "id")
        .values_list("row_number", "column", "message")
    )
    for row_number, column, message in rows.iterator(chunk_size=5000):
        reasons[row_number].append(f"{column}: {message}" if column else message)
    return reasons


def problems_xlsx(batch: ImportBatch) -> IO[bytes]:
    """A temporary .xlsx (deleted on close). Raises FileProblem if the stored file is gone
    or unreadable."""
    reasons = _reasons(batch)
    table = read_table(batch.stored_path, max_bytes=1 << 62)
    out = tempfile.TemporaryFile(suffix=".xlsx")
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet("Baris bermasalah")
    bold = workbook.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1})
    red = workbook.add_format({"bold": True, "bg_color": "#F8D7DA", "border": 1})
    date_fmt = workbook.add_format({"num_format": "dd-mm-yyyy"})
    headers = list(table.headers)
    for col, text in enumerate(headers):
        sheet.write_string(0, col, text, bold)
    sheet.write_string(0, len(headers), REASON_HEADER, red)
    sheet.write_string(0, len(headers) + 1, ROW_HEADER, bold)
    sheet.set_column(len(headers), len(headers), 60)
    sheet.freeze_panes(1, 0)
    out_row = 0
    if reasons:
        for row_number, cells in table.rows:
            found = reasons.get(row_number)
            if not found:
                continue
            out_row += 1
            for col, value in enumerate(cells[: len(headers)]):
                if value is None:
                    continue
                if isinstance(value, datetime.datetime | datetime.date):
                    sheet.write_datetime(out_row, col, value, date_fmt)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    # Kept as the number it was, so the user sees what Excel did to it.
                    sheet.write_number(out_row, col, value)
                else:
                    sheet.write_string(out_row, col, str(value))
            sheet.write_string(out_row, len(headers), " | ".join(found))
            sheet.write_number(out_row, len(headers) + 1, row_number)
    workbook.close()
    out.seek(0)
    return out
