"""What an official document holds, independent of the file format.

Cell values: int / Decimal / float (numbers, written as numbers in XLSX and in the
Indonesian format in PDF), None (no figure: "-"), or str (a word such as
"terbatas" or an open-data mark such as "<5", written as text).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

# Cell kinds: how a number column is written.
INT, RUPIAH, DECIMAL, PERCENT, TEXT = "int", "rupiah", "decimal", "percent", "text"


@dataclass(frozen=True)
class Col:
    """One value column. `width` is relative to the other columns of the table."""

    header: str
    kind: str = INT
    width: float = 1.0


@dataclass(frozen=True)
class Group:
    """Columns under a common header (a kecamatan with its L / P / Jumlah)."""

    header: str
    columns: tuple[Col, ...]


@dataclass
class Row:
    """One line of a table: its stub (number, name, code...) and one value per leaf
    column. `total` rows are printed bold."""

    stub: tuple[str, ...]
    values: list[Any]
    total: bool = False


@dataclass
class Table:
    title: str
    stub_headers: tuple[str, ...]
    columns: list[Col | Group]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    # Relative widths of the stub columns (e.g. a narrow "No" and a wide name).
    stub_widths: tuple[float, ...] = ()
    # False: a detail too wide for a printed page, written to the XLSX only.
    in_pdf: bool = True

    def leaves(self) -> list[Col]:
        out: list[Col] = []
        for column in self.columns:
            if isinstance(column, Group):
                out.extend(column.columns)
            else:
                out.append(column)
        return out

    @property
    def grouped(self) -> bool:
        return any(isinstance(c, Group) for c in self.columns)

    def as_dict(self) -> dict[str, Any]:
        """The table as JSON-ready data (the API answers with it)."""
        headers: list[str] = []
        for column in self.columns:
            if isinstance(column, Group):
                headers.extend(f"{column.header} - {c.header}" for c in column.columns)
            else:
                headers.append(column.header)
        return {
            "title": self.title,
            "stub_headers": list(self.stub_headers),
            "headers": headers,
            "rows": [
                {"stub": list(r.stub), "values": [_json(v) for v in r.values], "total": r.total}
                for r in self.rows
            ],
            "notes": list(self.notes),
        }


def _json(value: Any) -> Any:
    if value is None or isinstance(value, int | str):
        return value
    return float(value)


@dataclass
class Figure:
    """A headline figure: label, value and its kind, with an optional note
    ("target 2030", "dari pagu Rp...")."""

    label: str
    value: Any
    kind: str = INT
    note: str = ""


@dataclass
class Figures:
    title: str
    items: list[Figure]


@dataclass
class Chart:
    """A bar or line chart drawn by the PDF writer (the XLSX carries its table).
    `series` is a list of (name, values), one value per category."""

    title: str
    categories: list[str]
    series: list[tuple[str, list[float]]]
    kind: str = "bar"  # "bar" (vertical), "hbar" (horizontal) or "line"
    unit: str = ""


@dataclass
class Paragraph:
    text: str
    heading: bool = False


@dataclass
class PageBreak:
    pass


Block = Table | Figures | Chart | Paragraph | PageBreak


@dataclass
class Document:
    """An official document. `period` reads as printed under the title
    ("Keadaan akhir bulan November 2026"); `area_code` is the Kemendagri code of
    the area it covers."""

    title: str
    period: str
    area_name: str
    area_code: str
    blocks: list[Block]
    signed_on: datetime.date
    landscape: bool = True
    # Short name for the XLSX sheets and the file name ("rekap-ppks").
    slug: str = "dokumen"

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
