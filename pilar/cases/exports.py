"""Columns of the case exports (list and summary)."""

from __future__ import annotations

from pilar.cases.choices import Outcome
from pilar.core.dates import today
from pilar.core.tables import DATE, INT, Column


def _name(case) -> str:
    record = case.record
    if record.person is not None:
        return record.person.name
    return f"Keluarga, {record.household.address}"


def case_columns() -> list[Column]:
    return [
        Column("No. kasus", lambda c: c.pk, INT, 10),
        Column("Jenis PPKS", lambda c: c.record.ppks_type.name, width=30),
        Column("Nama", _name, width=28),
        Column("Kelurahan", lambda c: c.record.household.village.name, width=20),
        Column("Kecamatan", lambda c: c.record.household.village.district.name, width=20),
        Column("Status", lambda c: c.get_status_display(), width=18),
        Column("Sumber", lambda c: c.get_intake_source_display(), width=22),
        Column("Tanggal penerimaan", lambda c: c.intake_date, DATE, 14),
        Column(
            "Petugas",
            lambda c: (
                (c.assigned_to.get_full_name() or c.assigned_to.username) if c.assigned_to else ""
            ),
            width=22,
        ),
        Column("Bidang kebutuhan", lambda c: ", ".join(c.get_needs_display()), width=30),
        Column("Tindak lanjut berikutnya", lambda c: c.next_due, DATE, 14),
        Column(
            "Terlambat",
            lambda c: "Ya" if c.is_open and c.next_due and c.next_due < today() else "",
            width=10,
        ),
        Column("Hasil akhir", lambda c: c.get_outcome_display() if c.outcome else "", width=18),
        Column("Tanggal ditutup", lambda c: c.closed_on, DATE, 14),
    ]


def _closed_count(outcome: str):
    def read(row) -> int:
        return row.closed.get(outcome, 0)

    return read


def summary_columns(group: str) -> list[Column]:
    label = "Kecamatan" if group == "kecamatan" else "Jenis PPKS"
    columns = [
        Column(label, lambda r: r.name, width=32),
        Column("Kasus berjalan", lambda r: r.open, INT, 14),
        Column("Terlambat tindak lanjut", lambda r: r.overdue, INT, 14),
    ]
    for value, text in Outcome.choices:
        columns.append(Column(f"Ditutup: {text}", _closed_count(value), INT, 14))
    columns += [
        Column("Ditutup (jumlah)", lambda r: r.closed_total, INT, 14),
        Column("PPKS berkurang", lambda r: r.reduced, INT, 14),
    ]
    return columns
