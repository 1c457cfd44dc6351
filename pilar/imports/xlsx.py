"""Streaming read of an XLSX worksheet: rows straight from the zipped XML.

python-calamine (the reader the rest of the project uses) loads a whole sheet before the
first row: for a file of a million persons that is ~30 s and ~1.7 GB before any check
runs. The importer only needs rows in order, so it reads the worksheet part itself:

- ``Workbook(path)`` reads the small parts: the sheet list (``xl/workbook.xml`` and its
  relationships), which cell styles are dates (``xl/styles.xml``), the date system, and
  the shared strings table (the one part that must be held: cells point into it).
- ``SheetReader.chunks()`` inflates the worksheet part a megabyte at a time and cuts it
  after a ``</row>``, so every chunk holds whole rows; ``SheetReader.parse(chunk)`` turns
  a chunk into ``(row_number, cells)``. Chunks are independent, so the importer can parse
  them in worker processes (``pilar.imports.parallel``).

Values are what python-calamine gives for the same cells, so both readers feed the row
checks the same input (``tests/test_xlsx_stream.py`` compares them cell by cell): text
(shared, inline or a formula's result, with XML entities and Excel's ``_xHHHH_`` escapes
undone, rich-text runs joined, phonetic runs left out), numbers as float, booleans, an
error cell as empty, and a number in a date or time style as ``date`` (whole days),
``datetime``, ``time`` (under one day) or ``timedelta`` (``[h]:mm`` styles), with
calamine's arithmetic (1900 or 1904 system, the 1900 leap-year bug, milliseconds). One
difference: columns are counted from column A (calamine starts at the sheet's first used
column); headers and cells shift together, so the mapping is the same.

Parsing: a regular expression reads the cell forms Excel, LibreOffice and XlsxWriter
write (``<c r="B7" s="3" t="s"><v>12</v></c>``, inline strings, formulas); a chunk with
any other form (a cell without ``r``, attributes in another order, namespace prefixes,
rich text) is parsed with ``xml.etree`` instead. Anything this reader does not
understand at the workbook level (strict OOXML, a missing part) raises ``Unsupported``
and ``readers`` uses python-calamine; damage found while streaming is a ``FileProblem``.
"""

from __future__ import annotations

import datetime
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree import ElementTree as ET

from pilar.imports.readers import MESSAGE_CORRUPT_XLSX, FileProblem

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_N = "{" + NS + "}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_WORKSHEET_TYPE = "/worksheet"

READ_BYTES = 1 << 20

Cell = object
Row = tuple[int, list]


class Unsupported(Exception):
    """A workbook this reader does not handle; read it with python-calamine."""


class NeedsOrder(Exception):
    """A chunk whose row numbers depend on the chunks before it (``<row>`` without
    ``r``): it can only be parsed in file order."""


def _corrupt(exc: BaseException | None = None) -> FileProblem:
    problem = FileProblem(MESSAGE_CORRUPT_XLSX)
    if exc is not None:
        problem.__cause__ = exc
    return problem


# --- values ----------------------------------------------------------------------------

_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_EXCEL_ESCAPE = re.compile(r"_x([0-9a-fA-F]{4})_")


def _entity(match: re.Match) -> str:
    name = match.group(1)
    if name[0] == "#":
        try:
            return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
        except (ValueError, OverflowError):
            return match.group(0)
    return _ENTITIES[name]


def _excel_unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as ``_xHHHH_`` (``_x005F_`` is ``_``)."""
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _text(raw: bytes) -> str:
    """Raw XML text content (bytes between tags) as a cell's text."""
    text = raw.decode("utf-8")
    if "&" in text:
        text = _ENTITY.sub(_entity, text)
    if "_x" in text:
        text = _excel_unescape(text)
    return text


_EPOCH = datetime.datetime(1899, 12, 30)
_MS_PER_DAY = 86_400_000.0
DATE = 1
DURATION = 2


def _round(value: float) -> int:
    # Rust's f64::round (half away from zero), as calamine computes milliseconds.
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def excel_datetime(value: float, kind: int, is_1904: bool = False) -> object:
    """A number in a date/time style as python-calamine returns it (see module doc)."""
    try:
        if kind == DURATION:
            return datetime.timedelta(milliseconds=_round(value * _MS_PER_DAY))
        days = value + 1462.0 if is_1904 else value
        if days < 60.0:  # Excel's 1900-02-29 that never was: serials below shift by a day
            days += 1.0
        moment = _EPOCH + datetime.timedelta(milliseconds=_round(days * _MS_PER_DAY))
    except (OverflowError, ValueError):
        return value
    if value < 1.0:
        return moment.time()
    if value == int(value):
        return moment.date()
    return moment


def _iso(text: str) -> object:
    """A ``t="d"`` cell: an ISO 8601 date, date-time or time."""
    try:
        if "T" in text:
            return datetime.datetime.fromisoformat(text)
        if ":" in text:
            return datetime.time.fromisoformat(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text


def _number(raw: bytes) -> object:
    # calamine parses with Rust's f64 rules: no surrounding spaces, no underscores.
    if raw.strip() != raw or b"_" in raw:
        return raw.decode("utf-8", "replace")
    try:
        return float(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _date_kind(code: str) -> int:
    """Is an Excel number format a date/time (DATE), an elapsed time (DURATION) or
    neither (0)? Only the first section counts; quoted text, escaped characters and
    ``[...]`` parts (colours, conditions, locales) are skipped, except that ``[h]``,
    ``[m]`` or ``[s]`` make an elapsed time. The rule is calamine's, so both readers
    agree on which cells are dates."""
    escaped = quoted = False
    brackets = 0
    previous = " "
    elapsed = False
    am_pm = False
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*":
            escaped = True  # the next character is a literal (or a fill/width)
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            return 0
        elif char == "[":
            brackets += 1
        elif char == "]" and brackets == 1 and elapsed:
            return DURATION
        elif char == "]":
            brackets = max(0, brackets - 1)
        elif brackets == 0 and not am_pm and char in "aA":
            am_pm = True
        elif brackets == 0 and am_pm and char in "pmPM/":
            return DATE
        elif brackets == 0 and not am_pm and char in "dmhysDMHYS":
            return DATE
        elif not (elapsed and char.lower() == previous.lower()):
            elapsed = previous == "[" and char in "mhsMHS"
        previous = char
    return 0


_BUILTIN_DATES = {**dict.fromkeys((*range(14, 23), 45, 47), DATE), 46: DURATION}


# --- workbook --------------------------------------------------------------------------


def _parse_xml(data: bytes) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise _corrupt(exc) from exc


class Workbook:
    """The parts of an XLSX needed to stream its worksheets (see module doc)."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            with zipfile.ZipFile(path) as archive:
                self._members = {name.lower(): name for name in archive.namelist()}
                self._load(archive)
        except (FileProblem, Unsupported):
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as exc:
            raise _corrupt(exc) from exc

    def _member(self, name: str) -> str | None:
        return self._members.get(name.lower())

    def _read(self, archive: zipfile.ZipFile, name: str) -> bytes | None:
        member = self._member(name)
        return None if member is None else archive.read(member)

    def _load(self, archive: zipfile.ZipFile) -> None:
        workbook = self._read(archive, "xl/workbook.xml")
        rels = self._read(archive, "xl/_rels/workbook.xml.rels")
        if workbook is None or rels is None:
            raise Unsupported("no workbook part or relationships")
        root = _parse_xml(workbook)
        if root.tag != _N + "workbook":
            raise Unsupported(f"workbook root {root.tag}")  # e.g. strict OOXML
        properties = root.find(_N + "workbookPr")
        flag = "" if properties is None else properties.get("date1904", "")
        self.is_1904 = flag.lower() in ("1", "true")
        targets: dict[str, tuple[str, str]] = {}
        for rel in _parse_xml(rels).iter(_PKG_REL):
            target = rel.get("Target", "")
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            targets[rel.get("Id", "")] = (rel.get("Type", ""), path)
        self.worksheets: list[tuple[str, str]] = []
        sheets = root.find(_N + "sheets")
        for sheet in [] if sheets is None else sheets.findall(_N + "sheet"):
            kind, path = targets.get(sheet.get(_REL_ID, ""), ("", ""))
            if not kind.endswith(_WORKSHEET_TYPE):
                continue  # chart sheets, dialog sheets, macro sheets
            member = self._member(path)
            if member is None:
                raise Unsupported(f"missing sheet part {path}")
            self.worksheets.append((sheet.get("name", ""), member))
        self.date_styles = self._date_styles(self._read(archive, "xl/styles.xml"))
        self.strings = self._shared_strings(archive)

    def _date_styles(self, styles: bytes | None) -> dict[bytes, int]:
        """Cell style index (as the ``s`` attribute's bytes) -> DATE or DURATION."""
        if styles is None:
            return {}
        root = _parse_xml(styles)
        codes = {}
        formats = root.find(_N + "numFmts")
        for fmt in [] if formats is None else formats.findall(_N + "numFmt"):
            codes[fmt.get("numFmtId", "")] = fmt.get("formatCode", "")
        found: dict[bytes, int] = {}
        xfs = root.find(_N + "cellXfs")
        for index, xf in enumerate([] if xfs is None else xfs.findall(_N + "xf")):
            number = xf.get("numFmtId", "0")
            if number in codes:
                kind = _date_kind(codes[number])
            else:
                kind = _BUILTIN_DATES.get(int(number) if number.isdigit() else -1, 0)
            if kind:
                found[str(index).encode()] = kind
        return found

    def _shared_strings(self, archive: zipfile.ZipFile) -> list[str]:
        member = self._member("xl/sharedStrings.xml")
        if member is None:
            return []
        strings: list[str] = []
        with archive.open(member) as stream:
            for chunk, wrap in _chunks(stream, b"si"):
                strings.extend(_strings(chunk, wrap))
        return strings

    def sheet(self, member: str) -> SheetReader:
        return SheetReader(self, member)


_SI_TAG = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")
_SI = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')


def _strings(chunk: bytes, wrap: tuple[bytes, bytes]) -> list[str]:
    """The shared strings in a chunk of whole ``<si>`` elements."""
    found = _SI.findall(chunk)
    if len(found) == len(_SI_TAG.findall(chunk)):
        return [_text(raw) for raw in found]
    root = _parse_xml(wrap[0] + chunk + wrap[1])
    return [_rich_text(si) for si in root if _local(si.tag) == "si"]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _rich_text(element: ET.Element) -> str:
    """Text of an ``<si>`` or ``<is>``: its ``t``, or its runs' ``t``; not phonetic runs."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            for part in child:
                if _local(part.tag) == "t":
                    parts.append(part.text or "")
    return _excel_unescape("".join(parts))


_OPEN_TAG = re.compile(rb"<((?:[\w.-]+:)?)([\w.-]+)\b[^>]*?(/?)>")


def _chunks(stream, element: bytes, size: int = READ_BYTES) -> Iterator[tuple[bytes, tuple]]:
    """Chunks of whole ``element`` children of a part's container, each with the
    (opening, closing) tags that make it a document again: for a worksheet the root
    ``worksheet`` and ``sheetData`` tags, for shared strings the ``sst`` tag."""
    container = b"sheetData" if element == b"row" else b"sst"
    buffer = b""
    opening: list[bytes] = []
    closing = b""
    end_mark = b""
    element_close = b""
    while True:
        try:
            data = stream.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise _corrupt(exc) from exc
        buffer += data
        if not end_mark:
            # Still before the container's opening tag: collect the tags up to it.
            position = 0
            opening = []
            for match in _OPEN_TAG.finditer(buffer):
                position = match.end()
                prefix, name, empty = match.groups()
                if name == b"worksheet" or name == container:
                    opening.append(match.group(0))
                    if name == container:
                        if empty:
                            return  # <sheetData/>: no rows
                        end_mark = b"</" + prefix + container + b">"
                        closing = b"".join(
                            b"</" + tag[1:].split(None, 1)[0].rstrip(b">") + b">"
                            for tag in reversed(opening)
                        )
                        element_close = b"</" + prefix + element + b">"
                        break
            if not end_mark:
                if not data:
                    raise _corrupt()
                continue
            buffer = buffer[position:]
        wrap = (b"".join(opening), closing)
        stop = buffer.find(end_mark)
        if stop >= 0:
            if buffer[:stop].strip():
                yield buffer[:stop], wrap
            return
        if not data:
            raise _corrupt()  # the part ends inside its container: truncated
        cut = buffer.rfind(element_close)
        if cut >= 0:
            cut += len(element_close)
            yield buffer[:cut], wrap
            buffer = buffer[cut:]


# --- worksheet -------------------------------------------------------------------------

# Cells the expression below does not read (counted with ``<c `` otherwise).
_OTHER_CELL_FORMS = (b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,6})")?(?: t="([a-zA-Z]{1,9})")?'
    rb"(?:/>|>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?"
    rb'(?:<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)'
)
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref="[A-Z]*[0-9]*:?[A-Z]*([0-9]+)"')
_COLUMNS: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    """0-based column of a reference's letters (A -> 0, AA -> 26)."""
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for char in letters:
            index = index * 26 + (char - 64)
        index -= 1
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


class SheetReader:
    """One worksheet, read as chunks of whole rows (see module doc)."""

    def __init__(self, workbook: Workbook, member: str) -> None:
        self.path = workbook.path
        self.member = member
        self.strings = workbook.strings
        self.date_styles = workbook.date_styles
        self.is_1904 = workbook.is_1904
        self.last_row = 0  # from <dimension>, for the progress bar only
        try:
            with zipfile.ZipFile(self.path) as archive, archive.open(member) as stream:
                head = stream.read(64 * 1024)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError) as exc:
            raise _corrupt(exc) from exc
        match = _DIMENSION.search(head)
        if match:
            self.last_row = int(match.group(1))

    @property
    def height(self) -> int:
        """The sheet's last row as its ``<dimension>`` states it (0 when absent)."""
        return self.last_row

    def chunks(self, size: int = READ_BYTES) -> Iterator[bytes]:
        """The worksheet's rows as raw XML, in chunks of whole ``<row>`` elements; each
        chunk is a parse unit for ``parse``."""
        try:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as stream:
                for chunk, wrap in _chunks(stream, b"row", size):
                    self.wrap = wrap
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise _corrupt(exc) from exc

    wrap: tuple[bytes, bytes] = (b"", b"")

    def rows(self) -> Iterator[Row]:
        """Every row with a cell, in file order (row numbers 1-based)."""
        previous = 0
        for chunk in self.chunks():
            rows, previous = self.parse(chunk, previous, self.wrap)
            yield from rows

    def parse(self, chunk: bytes, previous: int | None, wrap: tuple[bytes, bytes]):
        """(rows, last row number) of a chunk. ``previous`` is the row number before the
        chunk (None when unknown: a chunk that needs it raises ``NeedsOrder``)."""
        found = _CELL.findall(chunk) if b"<sheetData" in wrap[0] else None
        # Every cell must be one the expression read, else the chunk takes the slow path.
        if (
            found is None
            or len(found) != chunk.count(b"<c ")
            or any(form in chunk for form in _OTHER_CELL_FORMS)
        ):
            return self._parse_tree(chunk, previous, wrap)
        strings = self.strings
        dates = self.date_styles
        is_1904 = self.is_1904
        columns = _COLUMNS
        plain = b"&" not in chunk and b"_x" not in chunk  # no text needs unescaping
        rows: list[Row] = []
        number = -1
        current = b""
        cells: list = []
        width = 0
        try:
            for letters, row, style, kind, raw, inline in found:
                if kind == b"inlineStr":
                    if inline or not raw:
                        value: object = inline.decode() if plain else _text(inline)
                    else:
                        value = None
                elif kind == b"s":
                    value = strings[int(raw)] if raw else None
                elif not kind or kind == b"n":
                    if raw:
                        value = _number(raw)
                        if style and type(value) is float:
                            date = dates.get(style)
                            if date:
                                value = excel_datetime(value, date, is_1904)
                    else:
                        value = None
                else:
                    value = _typed(kind, _text(raw)) if raw else None
                if row != current:
                    if cells:
                        rows.append((number, cells))
                    current = row
                    number = int(row)
                    cells = []
                    width = 0
                col = columns.get(letters)
                if col is None:
                    col = _column(letters)
                if col == width:
                    cells.append(value)
                    width += 1
                elif col > width:
                    cells.extend([None] * (col - width))
                    cells.append(value)
                    width = col + 1
                else:
                    cells[col] = value
        except (IndexError, ValueError, UnicodeDecodeError) as exc:
            raise _corrupt(exc) from exc  # a shared string that is not there, bad bytes
        if cells:
            rows.append((number, cells))
        return rows, (number if number > 0 else previous)

    def _parse_tree(self, chunk: bytes, previous: int | None, wrap: tuple[bytes, bytes]):
        root = _parse_xml(wrap[0] + chunk + wrap[1])
        data = root
        while len(data) and _local(data.tag) != "sheetData":
            data = data[0]
        rows: list[Row] = []
        number = previous
        for row in data:
            if _local(row.tag) != "row":
                continue
            ref = row.get("r")
            if ref:
                number = int(ref)
            elif number is None:
                raise NeedsOrder()
            else:
                number += 1
            cells: list = []
            col = 0
            cell_rows: dict[int, list] = {}
            for c in row:
                if _local(c.tag) != "c":
                    continue
                at = number
                ref = c.get("r")
                if ref:
                    match = re.fullmatch(r"([A-Z]{1,3})([0-9]+)", ref)
                    if match is None:
                        raise _corrupt()
                    col = _column(match.group(1).encode())
                    at = int(match.group(2))
                value = self._tree_value(c)
                target = cells if at == number else cell_rows.setdefault(at, [])
                if value is not None or col < len(target):
                    if col >= len(target):
                        target.extend([None] * (col - len(target) + 1))
                    target[col] = value
                col += 1
            if any(v is not None for v in cells):
                rows.append((number, cells))
            for at, other in sorted(cell_rows.items()):
                if any(v is not None for v in other):
                    rows.append((at, other))
        return rows, number

    def _tree_value(self, c: ET.Element) -> object:
        kind = (c.get("t") or "").encode()
        raw = None
        inline = None
        for child in c:
            name = _local(child.tag)
            if name == "v":
                raw = child.text or ""
            elif name == "is":
                inline = _rich_text(child)
        if kind == b"inlineStr":
            return inline
        if raw is None or raw == "":
            return None
        if kind == b"s":
            try:
                return self.strings[int(raw)]
            except (IndexError, ValueError) as exc:
                raise _corrupt(exc) from exc
        if not kind or kind == b"n":
            value = _number(raw.encode())
            style = (c.get("s") or "").encode()
            if style and type(value) is float:
                date = self.date_styles.get(style)
                if date:
                    return excel_datetime(value, date, self.is_1904)
            return value
        return _typed(kind, _excel_unescape(raw))  # (entities already undone by the parser)


def _typed(kind: bytes, text: str) -> object:
    """A cell of type ``str`` (a formula's text), ``b``, ``e`` or ``d``, from its text."""
    if kind == b"b":
        return text != "0"
    if kind == b"e":
        return None  # python-calamine gives an error cell as empty
    if kind == b"d":
        return _iso(text)
    return text
