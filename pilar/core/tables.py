"""Tables out of Pilar: the column spec every export uses (`Column` with its cell
kind), and spreadsheet writers that never hold the whole export in memory.

XLSX: XlsxWriter in `constant_memory` mode (each row is flushed as it is written)
into an anonymous temporary file, which the view hands to FileResponse.
CSV: a generator of encoded lines for StreamingHttpResponse.

NIK and No. KK columns read through `id_reader(user)`: masked unless the user may
reveal them, the same rule as on screen.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from pilar.core.identity import mask

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


# Cell kinds the writers understand: "text" (always a string cell, also for digits
# such as NIK/KK/RT so spreadsheets never turn them into numbers), "int",
# "decimal" and "date".
TEXT, INT, DECIMAL, DATE = "text", "int", "decimal", "date"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    kind: str = TEXT
    width: int = 16


def choice_label(choice_cls, value) -> str:
    """Indonesian label of a stored choice value ('' when unset or unknown)."""
    if not value:
        return ""
    try:
        return str(choice_cls(value).label)
    except ValueError:
        return str(value)


def id_reader(user: User | None) -> Callable[[str | None], str]:
    if getattr(user, "can_reveal_ids", False):
        return lambda value: value or ""
    return mask


# Rows fetched per round trip when an export iterates a queryset: bounded memory.
CHUNK_SIZE = 2000

# Semicolon, because Excel with Indonesian regional settings uses the comma as the
# decimal separator and therefore expects ";" between fields: a comma-separated file
# opens as one column there. UTF-8 with a byte-order mark, because without the BOM
# Excel reads the file as ANSI and breaks names with non-ASCII letters. Other tools
# (LibreOffice, pandas `sep=";"`, encoding "utf-8-sig") read this format as well.
CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"


def write_xlsx(columns: list[Column], rows: Iterable, sheet_name: str) -> IO[bytes]:
    """Write the rows into a temporary .xlsx file and return it rewound; the file is
    deleted when closed (FileResponse closes it after sending)."""
    out = tempfile.TemporaryFile(suffix=".xlsx")
    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # Never guess: a digit string stays text, a formula-looking text stays text.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    header = workbook.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1})
    date_fmt = workbook.add_format({"num_format": "dd-mm-yyyy"})
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, column.header, header)
    sheet.freeze_panes(1, 0)
    row_no = 0
    for row_no, obj in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            value = column.value(obj)
            if value is None or value == "":
                continue  # constant_memory: blank cells need not be written
            if column.kind == DATE and isinstance(value, datetime.date):
                sheet.write_datetime(row_no, col, value, date_fmt)
            elif column.kind in (INT, DECIMAL) and isinstance(value, int | float | Decimal):
                sheet.write_number(row_no, col, float(value))
            else:
                # write_string, never write(): NIK/KK are 16 digits and would become
                # 3.67101E+15 (and lose their last digits) as numbers.
                sheet.write_string(row_no, col, str(value))
    if row_no:
        sheet.autofilter(0, 0, row_no, len(columns) - 1)
    workbook.close()
    out.seek(0)
    return out


# Text typed by users that starts like a formula would run as one when the CSV is
# opened in a spreadsheet (CSV injection); a leading apostrophe keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500


def _csv_text(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == DATE and isinstance(value, datetime.date):
        return f"{value:%d-%m-%Y}"
    text = str(value)
    # A lone "-" is how many forms say "none"; it cannot run as a formula.
    if kind == TEXT and text != "-" and text.startswith(_FORMULA_START):
        return "'" + text
    return text


class _Line:
    """A file-like sink for csv.writer that hands back the last written line."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: list[Column], rows: Iterable) -> Iterator[bytes]:
    writer = csv.writer(_Line(), delimiter=CSV_DELIMITER, lineterminator="\r\n")
    yield (CSV_BOM + writer.writerow([c.header for c in columns])).encode("utf-8")
    # A few hundred rows per chunk: fewer, larger writes than one per line.
    chunk: list[str] = []
    for obj in rows:
        chunk.append(writer.writerow([_csv_text(c.value(obj), c.kind) for c in columns]))
        if len(chunk) >= ROWS_PER_CHUNK:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_response(
    fmt: str, columns: list[Column], rows: Iterable, *, name: str, sheet_name: str
):
    """The rows as an attachment named ``<name>-<local time>.<fmt>``: an XLSX from a
    temporary file, or a streamed CSV. Callers check ``fmt`` and log the export."""

    filename = f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "xlsx":
        out = write_xlsx(columns, rows, sheet_name=sheet_name)
        return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response = StreamingHttpResponse(
        csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
