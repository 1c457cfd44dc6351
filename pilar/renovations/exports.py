"""Columns of the Bedah Rumah exports: the renovation list, the queue of approved
enrollments ready to start, and the target table."""

from __future__ import annotations

from pilar.core.tables import DATE, DECIMAL, INT, Column


def _head(household) -> str:
    head = getattr(household, "head_name", None)
    return head or ""


def _verdict(assessment) -> str:
    if assessment is None:
        return ""
    return "RTLH" if assessment.is_rtlh else "Layak huni"


def renovation_columns() -> list[Column]:
    return [
        Column("No.", lambda r: r.pk, INT, 8),
        Column("Program", lambda r: r.enrollment.program.name, width=22),
        Column("Periode", lambda r: r.enrollment.period, INT, 9),
        Column("Kepala keluarga", lambda r: _head(r.household), width=26),
        Column("Alamat", lambda r: r.household.address, width=30),
        Column("RT", lambda r: r.household.rt, width=5),
        Column("RW", lambda r: r.household.rw, width=5),
        Column("Kelurahan", lambda r: r.village.name, width=20),
        Column("Kecamatan", lambda r: r.village.district.name, width=20),
        Column("Status", lambda r: r.get_status_display(), width=14),
        Column("Cara pelaksanaan", lambda r: r.get_mode_display(), width=22),
        Column("Pelaksana", lambda r: r.contractor, width=24),
        Column("Nilai bantuan (Rp)", lambda r: r.enrollment.amount, DECIMAL, 16),
        Column("Mulai dikerjakan", lambda r: r.started_on, DATE, 14),
        Column("Progres (%)", lambda r: r.progress, INT, 10),
        Column("Tanggal serah terima", lambda r: r.handed_over_on, DATE, 14),
        Column("No. BAST", lambda r: r.handover_number, width=22),
        Column("Biaya realisasi (Rp)", lambda r: r.final_cost, DECIMAL, 16),
        Column("Sebelum", lambda r: _verdict(r.before_assessment), width=12),
        Column("Sesudah", lambda r: _verdict(r.after_assessment), width=12),
        Column("Alasan batal", lambda r: r.cancel_reason, width=24),
    ]


def ready_columns() -> list[Column]:
    return [
        Column("No. kepesertaan", lambda e: e.pk, INT, 10),
        Column("Program", lambda e: e.program.name, width=22),
        Column("Periode", lambda e: e.period, INT, 9),
        Column("Kepala keluarga", lambda e: _head(e.household), width=26),
        Column("Alamat", lambda e: e.household.address, width=30),
        Column("Kelurahan", lambda e: e.village.name, width=20),
        Column("Kecamatan", lambda e: e.village.district.name, width=20),
        Column("Skor prioritas", lambda e: e.priority_total, INT, 10),
        Column("Nilai bantuan (Rp)", lambda e: e.amount, DECIMAL, 16),
    ]


def _year(year: int):
    def read(row) -> int:
        return row.by_year.get(year, 0)

    return read


def target_columns(years: list[int]) -> list[Column]:
    return [
        Column("Kecamatan", lambda r: r.name, width=24),
        Column("RTLH tersisa", lambda r: r.remaining, INT, 12),
        Column("Sedang dikerjakan", lambda r: r.in_progress, INT, 12),
        *(Column(f"Selesai {y}", _year(y), INT, 10) for y in years),
        Column("Selesai 12 bulan terakhir", lambda r: r.last_12_months, INT, 14),
        Column("Masih RTLH sesudah serah terima", lambda r: r.still_rtlh_after, INT, 14),
        Column("Perlu per tahun", lambda r: r.needed_per_year, INT, 12),
        Column("Perkiraan tahun nol RTLH", lambda r: r.zero_year or "tidak tercapai", width=16),
        Column("Sesuai target", lambda r: "Ya" if r.on_track else "Tidak", width=10),
    ]
