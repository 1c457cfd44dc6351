"""NIK and No. KK stored as numbers: does a trailing 0 belong to the number?

Excel keeps 15 significant digits, so a 16-digit number typed into (or saved by) Excel
comes back with its last digit turned into 0. A program that writes the workbook
itself (a registry's export, a script) stores all 16 digits. One cell cannot tell the
two apart when it ends in 0; its column can: in a column of exact numbers about nine in
ten end in another digit (the last digit of a serial), in a column that went through
Excel none does.

So the decision is per file and per column (``decide``), from what every number cell of
the column shows (``Evidence``, counted by ``rows.RowChecker`` while it checks the rows):

- **exact** ("angka utuh"): at least ``MIN_PROOF`` 16-digit numbers that do not end in 0,
  and no more ending in 0 than chance allows for a column of exact numbers (about one
  in ten, plus three standard deviations; more means some of the column went through
  Excel). A number ending in 0 is then a real digit and is accepted.
- **cut** ("mungkin terpotong"): otherwise. A number ending in 0 is refused with the
  reason, as before this rule existed.

Numbers that lost more than the last digit are refused whatever the column shows
(``values.parse_id_number``): scientific notation (``3.67101E+15``), fewer than 16 digits,
a serial of 0000, a fraction. Text cells are never doubted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pilar.core.numbers import format_number

EXACT = "exact"
CUT = "cut"

# How many 16-digit numbers not ending in 0 a column needs before its zeros are trusted.
MIN_PROOF = 5
# The share of exact 16-digit numbers expected to end in 0 (the last digit of a serial).
ZERO_SHARE = 0.1

COLUMN_LABELS = {"nik": "NIK", "no_kk": "No. KK"}


@dataclass
class Evidence:
    """The number cells of one column: how many held 16 digits, how many of those did
    not end in 0."""

    numbers: int = 0
    not_zero: int = 0

    def add(self, other: Evidence) -> None:
        self.numbers += other.numbers
        self.not_zero += other.not_zero

    @property
    def zeros(self) -> int:
        return self.numbers - self.not_zero


def zeros_allowed(numbers: int) -> float:
    """The most 16-digit numbers ending in 0 a column of ``numbers`` exact ones shows
    by chance (binomial mean plus three standard deviations, plus one)."""
    return ZERO_SHARE * numbers + 3 * math.sqrt(ZERO_SHARE * (1 - ZERO_SHARE) * numbers) + 1


def decide(evidence: Evidence) -> str:
    """``EXACT`` when the column proves it holds exact numbers, else ``CUT``."""
    if evidence.not_zero >= MIN_PROOF and evidence.zeros <= zeros_allowed(evidence.numbers):
        return EXACT
    return CUT


def explain(column: str, evidence: Evidence, rule: str, accepted: int, refused: int) -> str:
    """The preview's sentence for one column (Indonesian)."""
    label = COLUMN_LABELS.get(column, column)
    n, k = format_number(evidence.numbers), format_number(evidence.not_zero)
    if rule == EXACT:
        text = (
            f"Kolom {label}: {k} dari {n} angka 16 digit tidak berakhiran 0, jadi berkas "
            "ini menyimpan angka utuh (bukan lewat batas 15 digit Excel); angka yang "
            "berakhiran 0 diterima sebagai digit asli"
        )
        return text + (f" ({format_number(accepted)} baris)." if accepted else ".")
    if evidence.not_zero == 0:
        why = f"semua {n} angka 16 digit berakhiran 0, tanda lewat batas 15 digit Excel"
    elif evidence.not_zero < MIN_PROOF:
        why = (
            f"hanya {k} dari {n} angka 16 digit yang tidak berakhiran 0, belum cukup "
            f"(paling sedikit {MIN_PROOF}) untuk membuktikan angkanya utuh"
        )
    else:
        why = (
            f"{format_number(evidence.zeros)} dari {n} angka 16 digit berakhiran 0, jauh lebih "
            "banyak daripada kebetulan (sekitar 1 dari 10), tanda sebagian kolom lewat "
            "batas 15 digit Excel"
        )
    text = f"Kolom {label}: {why}; angka yang berakhiran 0 ditolak"
    return text + (
        f" ({format_number(refused)} baris), ketik ulang sebagai teks." if refused else "."
    )
