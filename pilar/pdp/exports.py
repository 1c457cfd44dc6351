"""Columns of the register exports (requests, breaches, record of processing)."""

from __future__ import annotations

from django.utils import timezone

from pilar.core.tables import INT, Column
from pilar.pdp.clock import state

CLOCK_LABELS = {
    "selesai": "Selesai",
    "terlambat": "Terlambat",
    "mendesak": "Mendesak",
    "berjalan": "Berjalan",
}


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else ""


def request_columns() -> list[Column]:
    return [
        Column("No.", lambda r: r.pk, INT, 8),
        Column("Jenis", lambda r: r.get_kind_display(), width=34),
        Column("Pemohon", lambda r: r.requester_name, width=24),
        Column("Individu", lambda r: r.person.name if r.person else "", width=24),
        Column("Saluran", lambda r: r.get_channel_display(), width=18),
        Column("Diterima", lambda r: _moment(r.received_at), width=17),
        Column("Batas waktu", lambda r: _moment(r.due_at), width=17),
        Column("Status", lambda r: r.get_status_display(), width=16),
        Column("Tenggat", lambda r: CLOCK_LABELS[state(r.due_at, not r.is_open)], width=12),
        Column("Diselesaikan", lambda r: _moment(r.closed_at), width=17),
        Column("Pemohon diberi tahu", lambda r: _moment(r.told_at), width=17),
        Column("Hasil", lambda r: r.outcome, width=40),
    ]


def breach_columns() -> list[Column]:
    return [
        Column("No.", lambda b: b.pk, INT, 8),
        Column("Judul", lambda b: b.title, width=34),
        Column("Diketahui", lambda b: _moment(b.discovered_at), width=17),
        Column("Batas pemberitahuan", lambda b: _moment(b.due_at), width=17),
        Column("Status", lambda b: b.get_status_display(), width=24),
        Column(
            "Tenggat",
            lambda b: CLOCK_LABELS[state(b.due_at, b.status != "terbuka")],
            width=12,
        ),
        Column("Jumlah subjek data", lambda b: b.affected_count, INT, 12),
        Column("Data terungkap", lambda b: b.data_categories, width=40),
        Column("Ke lembaga", lambda b: _moment(b.authority_notified_at), width=17),
        Column("Ke subjek data", lambda b: _moment(b.subjects_notified_at), width=17),
    ]


def ropa_columns() -> list[Column]:
    return [
        Column("Tabel", lambda e: e.table, width=26),
        Column("Nama", lambda e: e.name, width=30),
        Column("Data pribadi", lambda e: e.fields, width=60),
        Column("Data spesifik", lambda e: "Ya" if e.specific else "", width=10),
        Column("Tujuan", lambda e: e.purpose, width=50),
        Column("Dasar hukum", lambda e: e.legal_basis, width=40),
        Column("Yang boleh melihat", lambda e: e.who, width=40),
        Column("Retensi", lambda e: e.retention, width=40),
        Column("Jumlah baris", lambda e: e.rows, INT, 12),
    ]
