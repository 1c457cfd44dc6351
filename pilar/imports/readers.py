"""Reading an uploaded import file (CSV or XLSX) into a header row and data rows.

``read_table(path)`` looks at the file's content, never its name: offices rename files,
and a PNG or an old ``.xls`` saved as ``.csv`` must get a clear reason, not a traceback.

- XLSX: a zip holding ``xl/workbook.xml``, streamed row by row from the worksheet's XML
  by ``pilar.imports.xlsx`` (never the whole sheet in memory), with python-calamine for
  a workbook that reader does not handle. The first worksheet with a recognisable header
  row (``columns.find_header_row``) is used; cell values are those python-calamine gives
  (a NIK typed as a number arrives as a float, and ``values.parse_id_number`` decides
  whether it kept its digits; a date-styled number arrives as a date).
- CSV: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode Text"), else
  Windows-1252 (Excel's "CSV" on an Indonesian Windows). The delimiter is one of
  ``;`` (Excel with Indonesian regional settings), ``,`` or tab; ``csv.Sniffer`` proposes
  one, and the one whose first rows hold a recognisable header wins. Rows are read
  lazily, so a large file is never held in memory; only a quick streaming pass checks
  the encoding first so that a bad byte at row 400,000 is not found half-way through.

Every refusal is a ``FileProblem`` with an Indonesian message; nothing else escapes.
Row numbers are 1-based as a spreadsheet shows them (for a CSV: the record number, so
a quoted cell spanning two lines still counts as one row). Blank cells become ``None``
and fully blank rows are skipped.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from python_calamine import CalamineWorkbook, SheetTypeEnum

from pilar.imports.columns import find_header_row

Cell = str | int | float | datetime.date | datetime.time | datetime.timedelta | None
Row = tuple[int, list[Cell]]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
HEADER_SCAN_ROWS = 10

MESSAGE_EMPTY = "Berkas kosong."
MESSAGE_NOT_READABLE = "Berkas ini bukan CSV atau XLSX yang dapat dibaca."
MESSAGE_LOCKED_OR_XLS = (
    "Berkas XLSX terkunci kata sandi atau berformat .xls lama; simpan ulang sebagai .xlsx "
    "tanpa kata sandi."
)
MESSAGE_CORRUPT_XLSX = "Berkas XLSX rusak dan tidak dapat dibuka."
MESSAGE_NO_HEADER = "Baris judul kolom tidak ditemukan; unduh templat dan gunakan nama kolomnya."
MESSAGE_CANNOT_OPEN = "Berkas tidak dapat dibuka."

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_CHUNK = 1024 * 1024
_SAMPLE_BYTES = 64 * 1024
_DELIMITERS = ";,\t"
# Control characters that never appear in a spreadsheet's text export.
_BINARY_CONTROLS = {chr(c) for c in range(32) if chr(c) not in "\t\n\r\f\v"} | {"\x7f"}


class FileProblem(ValueError):
    """A file that cannot be imported at all; ``message`` is the Indonesian reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """A file's detected header row and its data rows.

    ``rows`` can be iterated more than once (a CSV is re-read from disk each time);
    iterating yields ``(row_number, cells)`` for every non-blank row below the header.
    ``sheet_name`` is set for an XLSX; ``encoding`` and ``delimiter`` for a CSV.
    """

    format: str
    headers: list[str]
    header_row_number: int
    rows: _Rows
    sheet_name: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    unused_sheets: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


def _clean(cell: Any) -> Cell:
    if isinstance(cell, str) and not cell.strip():
        return None
    return cell  # type: ignore[no-any-return]


def _blank(cells: list[Cell]) -> bool:
    return all(cell is None for cell in cells)


def _header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


class _Rows:
    """Re-iterable data rows below the header (subclasses know where they come from)."""

    def __init__(self, header_index: int) -> None:
        self.header_index = header_index

    def _raw(self) -> Iterator[list[Any]]:
        raise NotImplementedError

    def __iter__(self) -> Iterator[Row]:
        # _clean and _blank inlined: this runs once per cell of files of a million rows.
        # (A text is blank when empty or all whitespace: exactly when strip() empties it.)
        header_index = self.header_index
        for index, raw in enumerate(self._raw()):
            if index <= header_index:
                continue
            cells = [
                None if type(cell) is str and (not cell or cell.isspace()) else cell for cell in raw
            ]
            if cells.count(None) != len(cells):
                yield index + 1, cells


class _CsvRows(_Rows):
    def __init__(self, path: str, encoding: str, delimiter: str, header_index: int) -> None:
        super().__init__(header_index)
        self.path, self.encoding, self.delimiter = path, encoding, delimiter

    def _raw(self) -> Iterator[list[Any]]:
        try:
            with open(self.path, encoding=self.encoding, newline="") as handle:
                yield from csv.reader(handle, delimiter=self.delimiter)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise FileProblem(MESSAGE_NOT_READABLE) from exc
        except OSError as exc:
            raise FileProblem(MESSAGE_CANNOT_OPEN) from exc


class _SheetRows(_Rows):
    def __init__(self, sheet: Any, header_index: int) -> None:
        super().__init__(header_index)
        self.sheet = sheet

    def _raw(self) -> Iterator[list[Any]]:
        # calamine's iter_rows starts at the sheet's first row (row 1), whatever is empty.
        return iter(self.sheet.iter_rows())


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    text = f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return text.replace(".", ",")


def read_table(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Table:
    """Open an import file; see the module docstring. Raises only ``FileProblem``."""
    path = os.fspath(path)
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(_SAMPLE_BYTES)
    except OSError as exc:
        raise FileProblem(MESSAGE_CANNOT_OPEN) from exc
    if size == 0:
        raise FileProblem(MESSAGE_EMPTY)
    if size > max_bytes:
        raise FileProblem(
            f"Berkas terlalu besar ({_megabytes(size)} MB); batas {_megabytes(max_bytes)} MB. "
            "Pecah menjadi beberapa berkas."
        )
    if head.startswith(_OLE_MAGIC):
        raise FileProblem(MESSAGE_LOCKED_OR_XLS)
    if head.startswith(_ZIP_MAGICS):
        return _read_xlsx(path)
    return _read_csv(path, head)


# --- XLSX -----------------------------------------------------------------------------


class _XlsxStreamRows(_Rows):
    """Rows of a worksheet read by ``xlsx.SheetReader`` (numbered by their ``r``), each
    at least as wide as the header row, as calamine's rows are."""

    def __init__(self, sheet: Any, header_index: int, width: int) -> None:
        super().__init__(header_index)
        self.sheet = sheet
        self.width = width

    def __iter__(self) -> Iterator[Row]:
        return self.clean(self.sheet.rows())

    def clean(self, rows: Iterable[tuple[int, list[Any]]]) -> Iterator[Row]:
        """The data rows among parsed rows: below the header, not blank, cells cleaned."""
        header_row = self.header_index + 1
        width = self.width
        for number, raw in rows:
            if number <= header_row:
                continue
            cells = [
                None if type(cell) is str and (not cell or cell.isspace()) else cell for cell in raw
            ]
            if cells.count(None) != len(cells):
                if len(cells) < width:
                    cells.extend([None] * (width - len(cells)))
                yield number, cells


def _read_xlsx(path: str) -> Table:
    try:
        with zipfile.ZipFile(path) as archive:
            names = {name.lower() for name in archive.namelist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FileProblem(MESSAGE_CORRUPT_XLSX) from exc
    if "xl/workbook.xml" not in names:
        # Another zip (an .ods, a .docx, an archive of CSVs): not something we read.
        raise FileProblem(MESSAGE_NOT_READABLE)

    # xlsx imports FileProblem and the messages from this module: a cycle.
    from pilar.imports import xlsx

    try:
        workbook = xlsx.Workbook(path)
    except xlsx.Unsupported:
        return _read_xlsx_calamine(path)
    sheets = [name for name, _ in workbook.worksheets]
    any_data = False
    for position, (name, member) in enumerate(workbook.worksheets):
        sheet = workbook.sheet(member)
        first: list[list[Cell]] = [[] for _ in range(HEADER_SCAN_ROWS)]
        for number, cells in sheet.rows():
            if number > HEADER_SCAN_ROWS:
                break
            if number >= 1:
                first[number - 1] = [_clean(cell) for cell in cells]
        any_data = any_data or any(not _blank(row) for row in first)
        header_index = find_header_row(first, max_scan=HEADER_SCAN_ROWS)
        if header_index is None:
            continue
        return Table(
            format="xlsx",
            headers=[_header_text(cell) for cell in first[header_index]],
            header_row_number=header_index + 1,
            rows=_XlsxStreamRows(sheet, header_index, len(first[header_index])),
            sheet_name=name,
            unused_sheets=sheets[:position] + sheets[position + 1 :],
        )
    raise FileProblem(MESSAGE_NO_HEADER if any_data else MESSAGE_EMPTY)


def _read_xlsx_calamine(path: str) -> Table:
    """A workbook the streaming reader does not handle (see ``xlsx``), read whole."""
    try:
        workbook = CalamineWorkbook.from_path(path)
        sheets = [
            meta.name for meta in workbook.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet
        ]
        any_data = False
        for position, name in enumerate(sheets):
            sheet = workbook.get_sheet_by_name(name)
            first: list[list[Cell]] = []
            for raw in sheet.iter_rows():
                first.append([_clean(cell) for cell in raw])
                if len(first) >= HEADER_SCAN_ROWS:
                    break
            any_data = any_data or any(not _blank(row) for row in first)
            header_index = find_header_row(first, max_scan=HEADER_SCAN_ROWS)
            if header_index is None:
                continue
            workbook.close()
            return Table(
                format="xlsx",
                headers=[_header_text(cell) for cell in first[header_index]],
                header_row_number=header_index + 1,
                rows=_SheetRows(sheet, header_index),
                sheet_name=name,
                unused_sheets=sheets[:position] + sheets[position + 1 :],
            )
        workbook.close()
    except FileProblem:
        raise
    except Exception as exc:
        # calamine raises its own errors (ZipError, XmlError, PasswordError, ...) and
        # occasionally plain ValueError/OSError for damaged parts: all mean "corrupt".
        raise FileProblem(MESSAGE_CORRUPT_XLSX) from exc
    raise FileProblem(MESSAGE_NO_HEADER if any_data else MESSAGE_EMPTY)


# --- CSV ------------------------------------------------------------------------------


def _detect_encoding(path: str, head: bytes) -> str:
    """The encoding the whole file decodes with, checked by one streaming pass."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if b"\x00" in head:
            raise FileProblem(MESSAGE_NOT_READABLE)
        candidates = ["utf-8-sig", "cp1252"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    if encoding != "utf-16" and b"\x00" in chunk:
                        raise FileProblem(MESSAGE_NOT_READABLE)
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        except OSError as exc:
            raise FileProblem(MESSAGE_CANNOT_OPEN) from exc
        return encoding
    raise FileProblem(MESSAGE_NOT_READABLE)


def _looks_binary(sample: str) -> bool:
    if not sample:
        return False
    controls = sum(1 for char in sample if char in _BINARY_CONTROLS)
    return controls > max(2, len(sample) // 100)


def _delimiter_candidates(sample: str) -> list[str]:
    """Delimiters to try, most likely first: the sniffer's pick, then by frequency."""
    lines = [line for line in sample.splitlines()[: HEADER_SCAN_ROWS * 2] if line.strip()]
    counts = {d: sum(line.count(d) for line in lines) for d in _DELIMITERS}
    ordered = sorted(_DELIMITERS, key=lambda d: -counts[d])
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and sniffed in _DELIMITERS:
        ordered.remove(sniffed)
        ordered.insert(0, sniffed)
    return ordered


def _read_csv(path: str, head: bytes) -> Table:
    encoding = _detect_encoding(path, head)
    try:
        with open(path, encoding=encoding, newline="") as handle:
            sample = handle.read(_SAMPLE_BYTES)
    except (OSError, UnicodeDecodeError) as exc:
        raise FileProblem(MESSAGE_NOT_READABLE) from exc
    if _looks_binary(sample):
        raise FileProblem(MESSAGE_NOT_READABLE)
    if not sample.strip():
        raise FileProblem(MESSAGE_EMPTY)
    # Cut at the last line end so the sniffer doesn't see half a row.
    if len(sample) == _SAMPLE_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]

    for delimiter in _delimiter_candidates(sample):
        rows = _CsvRows(path, encoding, delimiter, header_index=-1)
        first: list[list[Cell]] = []
        for raw in rows._raw():
            first.append([_clean(cell) for cell in raw])
            if len(first) >= HEADER_SCAN_ROWS:
                break
        header_index = find_header_row(first, max_scan=HEADER_SCAN_ROWS)
        if header_index is not None:
            rows.header_index = header_index
            return Table(
                format="csv",
                headers=[_header_text(cell) for cell in first[header_index]],
                header_row_number=header_index + 1,
                rows=rows,
                encoding=encoding,
                delimiter=delimiter,
            )
    # Only blank lines and empty cells (";;;" rows) is an empty file, not a missing header.
    rows = _CsvRows(path, encoding, ";", header_index=-1)
    if not any(True for _ in rows):
        raise FileProblem(MESSAGE_EMPTY)
    raise FileProblem(MESSAGE_NO_HEADER)
