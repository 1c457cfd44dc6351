"""Columns of the overdue and consistency exports (same filter as the pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pilar.assessments.consistency import reasons
from pilar.core.tables import DATE, INT, Column, id_reader

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


def overdue_columns(user: User) -> list[Column]:
    kk = id_reader(user)

    def yes_no(value):
        return "" if value is None else ("Ya" if value else "Tidak")

    return [
        Column("No. KK", lambda h: kk(h.no_kk), width=20),
        Column("Kepala keluarga", lambda h: h.head_name or "", width=28),
        Column("Alamat", lambda h: h.address, width=32),
        Column("RT", lambda h: h.rt, width=6),
        Column("RW", lambda h: h.rw, width=6),
        Column("Kelurahan", lambda h: h.village.name, width=20),
        Column("Kecamatan", lambda h: h.village.district.name, width=20),
        Column("Desil nasional", lambda h: h.desil, INT, width=10),
        Column("Asesmen kemiskinan terakhir", lambda h: h.poverty_on, DATE, width=14),
        Column("Kriteria terpenuhi", lambda h: h.poverty_met, INT, width=10),
        Column("Miskin", lambda h: yes_no(h.poverty_poor), width=8),
        Column("Jatuh tempo kemiskinan", lambda h: h.poverty_due, DATE, width=14),
        Column("Asesmen RTLH terakhir", lambda h: h.rtlh_on, DATE, width=14),
        Column("RTLH", lambda h: yes_no(h.rtlh_is), width=8),
        Column("Jatuh tempo RTLH", lambda h: h.rtlh_due, DATE, width=14),
    ]


def consistency_columns(user: User) -> list[Column]:
    nik = id_reader(user)
    return [
        Column("Jenis PPKS", lambda r: f"{r.ppks_type.number}. {r.ppks_type.name}", width=30),
        Column("Nama", lambda r: r.person.name, width=28),
        Column("NIK", lambda r: nik(r.person.nik), width=20),
        Column("Jenis kelamin", lambda r: r.person.get_sex_display(), width=12),
        Column("Tanggal lahir", lambda r: r.person.birth_date, DATE, width=12),
        Column("Usia sekarang", lambda r: r.age_now, INT, width=8),
        Column("Ketentuan", lambda r: r.ppks_type.age_rule_label, width=20),
        Column("Alasan", lambda r: " ".join(reasons(r)), width=60),
        Column("Kelurahan", lambda r: r.household.village.name, width=20),
        Column("Kecamatan", lambda r: r.household.village.district.name, width=20),
        Column("Tanggal ditemukan", lambda r: r.date_found, DATE, width=12),
        Column("ID data PPKS", lambda r: r.pk, INT, width=10),
    ]
