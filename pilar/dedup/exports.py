"""Columns of the review-queue export (XLSX/CSV through pilar.core.tables).
NIK is masked unless the user may reveal it, the same rule as on screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pilar.core.tables import DATE, DECIMAL, Column, choice_label, id_reader
from pilar.registry import choices

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def _evidence(pair) -> str:
    return "; ".join(f"{e.get('label')}: {e.get('level')}" for e in pair.evidence or [])


def pair_columns(user: User) -> list[Column]:
    nik = id_reader(user)

    def person(side: str) -> list[Column]:
        def attr(p):
            return getattr(p, f"person_{side.lower()}")

        return [
            Column(f"ID {side}", lambda p: str(attr(p).pk), width=10),
            Column(f"NIK {side}", lambda p: nik(attr(p).nik), width=20),
            Column(f"Nama {side}", lambda p: attr(p).name, width=28),
            Column(
                f"Jenis kelamin {side}", lambda p: choice_label(choices.Sex, attr(p).sex), width=12
            ),
            Column(f"Tanggal lahir {side}", lambda p: attr(p).birth_date, DATE, width=12),
            Column(f"Kelurahan {side}", lambda p: attr(p).household.village.name, width=20),
            Column(
                f"Kecamatan {side}",
                lambda p: attr(p).household.village.district.name,
                width=20,
            ),
        ]

    return [
        Column("ID pasangan", lambda p: str(p.pk), width=10),
        Column("Peluang sama (%)", lambda p: round(p.probability * 100, 1), DECIMAL, width=10),
        *person("A"),
        *person("B"),
        Column("Bukti", _evidence, width=60),
        Column("Status", lambda p: p.get_status_display(), width=20),
        Column("Diputuskan oleh", lambda p: p.decided_by.username if p.decided_by else ""),
        Column("Catatan", lambda p: p.note, width=30),
    ]
