"""Schemas of the performance API (`/api/v1/performance`): the columns of the
`/kinerja/` page and of the training-effect page, with their Indonesian meaning.
Names carry a prefix: OpenAPI schema names are global, and a plain "WorkerOut" or
"MonthOut" would one day replace another app's in the document."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema

from pilar.core.api import PageParams


class MonthlyParams(PageParams):
    month: str = Field(
        "", max_length=20, description="Bulan TTTT-BB, mis. 2026-11; kosong = bulan berjalan."
    )
    search: str = Field("", max_length=100, description="Cari nama pekerja.")
    kecamatan: str = Field("", max_length=40, description="Kode kecamatan, mis. 36.71.01.")
    kelurahan: str = Field("", max_length=40, description="Kode kelurahan, mis. 36.71.01.1001.")
    jenis: str = Field("", max_length=10, description="psm | tksk; kosong = keduanya.")


class RangeParams(Schema):
    from_month: str = Field(
        "",
        alias="from",
        max_length=20,
        description="Bulan awal TTTT-BB; kosong = 11 bulan sebelum bulan akhir.",
    )
    to_month: str = Field(
        "", alias="to", max_length=20, description="Bulan akhir TTTT-BB; kosong = bulan berjalan."
    )


class TrainingEffectParams(Schema):
    months: int = Field(
        3, ge=1, le=12, description="Jumlah bulan sebelum dan sesudah pelatihan (1–12)."
    )


class PerformanceWorkerOut(Schema):
    worker_id: int = Field(..., description="ID data PSKS pekerja.")
    name: str
    jenis: str = Field(..., description="psm | tksk")
    role: str = Field(..., description="Nama singkat jenis PSKS (PSM, TKSK).")
    kecamatan: str = Field(..., description="Kode kecamatan wilayah tugas.")
    kecamatan_name: str
    kelurahan: str | None = Field(None, description="Kode kelurahan (PSM); TKSK: kosong.")
    kelurahan_name: str | None = None
    has_account: bool = Field(
        ...,
        description="Pekerja punya akun Pilar; tanpa akun semua angka laporannya 0.",
    )


class PerformanceFiguresOut(Schema):
    submitted: int = Field(..., description="Laporan yang pertama kali diajukan bulan ini.")
    returned: int = Field(..., description="Laporan yang dikembalikan pemeriksa bulan ini.")
    validated: int = Field(..., description="Laporan yang divalidasi Dinas Sosial bulan ini.")
    fields_corrected: int = Field(
        ..., description="Isian yang dikembalikan pemeriksa untuk diperbaiki (mutu laporan)."
    )
    corrections_per_report: Decimal | None = Field(
        None, description="Isian dikoreksi per laporan diajukan (makin kecil makin baik)."
    )
    verified: int = Field(..., description="Laporan yang diverifikasi (TKSK) bulan ini.")
    turnaround_hours: Decimal | None = Field(
        None, description="Rata-rata jam dari pengajuan sampai verifikasi (TKSK)."
    )
    visited: int = Field(..., description="Keluarga yang dikunjungi bulan ini.")
    due: int = Field(
        ..., description="Keluarga jatuh tempo dikunjungi (yang dikunjungi ditambah yang tertunda)."
    )
    cases_followed: int = Field(..., description="Kasus yang dikunjungi bulan ini.")
    due_estimate: bool = Field(
        False,
        description=(
            "Angka `due` perkiraan: bulan lalu yang tidak dicatat pada akhir bulannya, "
            "dihitung dari jadwal kunjungan sesudahnya (keluarga yang dikunjungi setelah "
            "bulan itu tidak lagi terhitung tertunda). false = angka akhir bulan atau "
            "bulan berjalan."
        ),
    )


class PerformanceWorkerMonthOut(PerformanceWorkerOut, PerformanceFiguresOut):
    pass


class PerformanceMonthlyPage(Schema):
    month: str = Field(..., description="Bulan angka ini, TTTT-BB.")
    month_label: str = Field(..., description="Nama bulan, mis. November 2026.")
    due_estimate: bool = Field(
        False, description="Angka `due` bulan ini perkiraan (lihat `due_estimate` tiap baris)."
    )
    items: list[PerformanceWorkerMonthOut]
    count: int


class PerformanceMonthOut(PerformanceFiguresOut):
    month: str = Field(..., description="TTTT-BB")
    month_label: str


class PerformanceWorkerMonthsOut(Schema):
    worker: PerformanceWorkerOut
    months: list[PerformanceMonthOut] = Field(
        ..., description="Satu baris per bulan, yang terlama dulu."
    )


class TrainingEffectRowOut(Schema):
    group: str = Field(..., description="peserta | belum_terlatih")
    group_label: str = Field(..., description="Peserta (bersertifikat) atau Belum terlatih.")
    period: str = Field(..., description="sebelum | sesudah")
    workers: int = Field(..., description="Jumlah pekerja dalam kelompok.")
    months: int = Field(..., description="Panjang periode dalam bulan.")
    submitted: int = Field(..., description="Laporan diajukan dalam periode.")
    reports_per_worker_month: Decimal | None = Field(
        None, description="Laporan per pekerja per bulan."
    )
    fields_corrected: int = Field(..., description="Isian dikoreksi pada laporan periode ini.")
    corrections_per_report: Decimal | None = Field(
        None, description="Isian dikoreksi per laporan (makin kecil makin baik)."
    )
    verified: int = Field(..., description="Laporan yang diverifikasi kelompok ini (TKSK).")
    turnaround_hours: Decimal | None = Field(
        None, description="Rata-rata jam verifikasi (hanya TKSK)."
    )


class TrainingEffectOut(Schema):
    event_id: int
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    months: int = Field(..., description="Bulan sebelum dan sesudah yang dibandingkan.")
    rows: list[TrainingEffectRowOut]
