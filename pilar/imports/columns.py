"""The import template's columns and the mapping of a file's header row onto them.

The template has one row per person with the canonical columns in ``CANONICAL_COLUMNS``.
A header cell is matched after normalisation (``normalise_header``): case, a leading BOM,
surrounding spaces, a trailing ``*`` (required marker) or parenthesised hint such as
``tanggal_lahir (DD-MM-YYYY)`` are ignored, and runs of spaces, underscores, dots,
hyphens and slashes count as one space. So ``No. KK``, ``no_kk``, ``NO-KK`` and
``nomor kk`` all map to ``no_kk``.

Besides the canonical names, the aliases in ``ALIASES`` are accepted (the user guide
lists them). ``nama_kecamatan`` is an optional extra column, not in the template,
used only to disambiguate a kelurahan name that exists in several kecamatan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CANONICAL_COLUMNS: tuple[str, ...] = (
    "id_sumber",
    "no_kk",
    "nik",
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "hubungan_keluarga",
    "status_perkawinan",
    "pendidikan",
    "pekerjaan",
    "disabilitas",
    "alamat",
    "rt",
    "rw",
    "kode_kelurahan",
    "nama_kelurahan",
    "jenis_ppks",
    "desil",
)

# Recognised but not part of the downloadable template.
EXTRA_COLUMNS: tuple[str, ...] = ("nama_kecamatan",)

KNOWN_COLUMNS: tuple[str, ...] = CANONICAL_COLUMNS + EXTRA_COLUMNS

# Human labels for messages.
COLUMN_LABELS: dict[str, str] = {name: name for name in KNOWN_COLUMNS}

# canonical column -> accepted alternative header names (before normalisation).
# Sources: SIAK/Dukcapil exports, DTKS/DTSEN exports and kelurahan spreadsheets.
ALIAS_TABLE: dict[str, tuple[str, ...]] = {
    "id_sumber": ("id", "id sumber", "source id", "record id", "id dtks", "id dtsen", "id bdt"),
    "no_kk": (
        "no kk",
        "nomor kk",
        "nkk",
        "kk",
        "nokk",
        "no kartu keluarga",
        "nomor kartu keluarga",
    ),
    "nik": ("no nik", "nomor nik", "nomor induk kependudukan", "no ktp", "nomor ktp"),
    "nama": ("nama lengkap", "nama anggota", "nama art", "name", "nama penduduk"),
    "jenis_kelamin": ("jk", "sex", "l/p", "lp", "kelamin", "gender", "jenis kelamin"),
    "tempat_lahir": ("tempat lahir", "tmp lahir", "tmpt lahir", "tempat lhr", "tmp lhr"),
    "tanggal_lahir": (
        "tgl lahir",
        "tanggal lahir",
        "tgl lhr",
        "tanggal lhr",
        "tgllahir",
        "birth date",
        "tgl lahir dd mm yyyy",
    ),
    "hubungan_keluarga": (
        "shdk",
        "hubungan",
        "hub keluarga",
        "hubungan keluarga",
        "hubungan dalam keluarga",
        "hubungan dengan kepala keluarga",
        "status hubungan dalam keluarga",
        "stat hbkel",
    ),
    "status_perkawinan": (
        "status kawin",
        "status nikah",
        "perkawinan",
        "stat kwn",
        "status perkawinan",
    ),
    "pendidikan": ("pendidikan terakhir", "pendidikan akhir", "pddk akh", "ijazah terakhir"),
    "pekerjaan": ("jenis pekerjaan", "pekerjaan utama", "jenis pkrjn"),
    "disabilitas": ("jenis disabilitas", "kecacatan", "cacat", "penyandang disabilitas"),
    "alamat": ("alamat lengkap", "alamat rumah", "jalan"),
    "rt": ("no rt", "nomor rt"),
    "rw": ("no rw", "nomor rw"),
    "kode_kelurahan": (
        "kode kelurahan",
        "kode desa",
        "kode wilayah",
        "kode kel",
        "kd kel",
        "kode desa kelurahan",
        "kode kelurahan desa",
    ),
    "nama_kelurahan": (
        "kelurahan",
        "desa",
        "kel",
        "desa kelurahan",
        "kelurahan desa",
        "nama desa",
        "kel desa",
    ),
    "jenis_ppks": ("ppks", "jenis pmks", "pmks", "kategori ppks", "jenis ppks"),
    "desil": ("desil kesejahteraan", "desil dtsen", "peringkat desil"),
    "nama_kecamatan": ("kecamatan", "kec", "nama kec"),
}

_SEPARATORS = re.compile(r"[\s_.\-/]+")
_HINT = re.compile(r"\s*\([^)]*\)\s*$")


def normalise_header(raw: object) -> str:
    """The comparison key of a header cell: see the module docstring."""
    if raw is None:
        return ""
    text = str(raw).replace("\ufeff", "").strip().lower()
    text = _HINT.sub("", text).strip().rstrip("*").strip()
    return _SEPARATORS.sub(" ", text).strip()


def _build_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for name in KNOWN_COLUMNS:
        aliases[normalise_header(name)] = name
    for name, alternatives in ALIAS_TABLE.items():
        for alias in alternatives:
            key = normalise_header(alias)
            # A clash would silently send a column to the wrong field.
            assert aliases.get(key, name) == name, f"alias {alias!r} is ambiguous"
            aliases[key] = name
    return aliases


# normalised header -> canonical column
ALIASES: dict[str, str] = _build_aliases()

REQUIRED_MESSAGE_NAME = "Kolom wajib 'nama' tidak ditemukan di baris judul."
REQUIRED_MESSAGE_VILLAGE = (
    "Kolom 'kode_kelurahan' atau 'nama_kelurahan' wajib ada (salah satu atau keduanya)."
)


def canonical_column(raw: object) -> str | None:
    """The canonical column a header cell names, or None."""
    return ALIASES.get(normalise_header(raw))


@dataclass
class HeaderMapping:
    """Where each canonical column is in a file (0-based index of the first occurrence).

    ``unknown`` lists header cells that match nothing (they are ignored on import);
    ``duplicates`` maps a canonical column to every index naming it when more than one
    header cell does (e.g. both ``NIK`` and ``No KTP``).
    """

    columns: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def index(self, name: str) -> int | None:
        return self.columns.get(name)

    def value(self, row: Sequence[object], name: str) -> object:
        """The cell of ``row`` under canonical column ``name`` (None when absent)."""
        idx = self.columns.get(name)
        if idx is None or idx >= len(row):
            return None
        return row[idx]

    @property
    def problems(self) -> list[str]:
        """Reasons, in Indonesian, why this header cannot be imported (empty when fine)."""
        problems: list[str] = []
        if "nama" not in self.columns:
            problems.append(REQUIRED_MESSAGE_NAME)
        if "kode_kelurahan" not in self.columns and "nama_kelurahan" not in self.columns:
            problems.append(REQUIRED_MESSAGE_VILLAGE)
        for name, indexes in self.duplicates.items():
            cells = ", ".join(f"'{self.headers[i]}' (kolom {i + 1})" for i in indexes)
            problems.append(f"Kolom '{name}' muncul lebih dari sekali: {cells}; sisakan satu saja.")
        return problems


def map_headers(headers: Iterable[object]) -> HeaderMapping:
    """Map a header row (cells of any type; None/empty cells are skipped) to columns."""
    mapping = HeaderMapping()
    for index, cell in enumerate(headers):
        text = "" if cell is None else str(cell).replace("\ufeff", "").strip()
        mapping.headers.append(text)
        if not text:
            continue
        name = ALIASES.get(normalise_header(text))
        if name is None:
            mapping.unknown.append(text)
        elif name in mapping.columns:
            mapping.duplicates.setdefault(name, [mapping.columns[name]]).append(index)
        else:
            mapping.columns[name] = index
    return mapping


def find_header_row(
    rows: Iterable[Sequence[object]], max_scan: int = 10, min_columns: int = 3
) -> int | None:
    """The 0-based index of the first of the first ``max_scan`` rows that names at least
    ``min_columns`` known columns (offices often put a title and blank rows above the
    header), or None when there is none."""
    for index, row in enumerate(rows):
        if index >= max_scan:
            break
        if len(map_headers(row).columns) >= min_columns:
            return index
    return None
