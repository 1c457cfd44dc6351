"""Record of processing activities (RoPA, UU 27/2022 art. 31), generated from what
Pilar holds: one entry per table that holds people's data (the tables of the access
export, `subject.collect.SPECS`, plus the access log), its personal-data fields read
from the model, whether it holds specific data (art. 4: health, disability,
children, finances), and, per app, why it is processed, on which legal basis, who
may see it and how long it is kept. A table without a purpose here fails
tests/test_ropa.py, so the record cannot fall behind the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection, models

from pilar.pdp.subject.collect import SPECS, field_label

PUBLIC_TASK = (
    "UU 27/2022 pasal 20 ayat (2) huruf e (pelaksanaan tugas pelayanan publik/kewenangan); "
    "UU 11/2009 tentang Kesejahteraan Sosial; UU 13/2011 tentang Penanganan Fakir Miskin"
)
CITY = "Dinas Sosial, admin dan pimpinan (seluruh kota); TKSK (kecamatannya); PSM (kelurahannya)"
OFFICE = "Dinas Sosial dan admin"


def retention_text() -> str:
    minimise = getattr(settings, "PILAR_RETENTION_MINIMISE_YEARS", 5)
    archive = getattr(settings, "PILAR_RETENTION_ARCHIVE_YEARS", 10)
    return (
        f"selama individu hidup dan tinggal di wilayah; {minimise} tahun setelah meninggal/"
        f"pindah diminimalkan, {archive} tahun setelahnya diarsipkan (pilar pdp retention)"
    )


@dataclass(frozen=True)
class Purpose:
    purpose: str
    legal_basis: str
    who: str
    retention: str = ""  # empty: the retention rule (retention_text)


PURPOSES: dict[str, Purpose] = {
    "registry": Purpose(
        "Pendataan keluarga dan individu pemerlu pelayanan kesejahteraan sosial (registri "
        "by name by address) sebagai dasar verifikasi, validasi dan penetapan sasaran",
        PUBLIC_TASK + "; Permensos 3/2021 (DTKS)",
        CITY,
    ),
    "ppks": Purpose(
        "Pencatatan PPKS (26 jenis, Permensos 08/2012) untuk pelayanan dan pelaporan SPM",
        PUBLIC_TASK + "; Permensos 9/2018 (SPM)",
        CITY + "; data kesehatan (ODHA, NAPZA) hanya Dinas Sosial dan admin",
    ),
    "submissions": Purpose(
        "Usulan dan laporan lapangan PSM/TKSK, verifikasi dan validasi (verivali)",
        PUBLIC_TASK + "; UU 13/2011 pasal 8",
        CITY + "; pelapor melihat laporannya sendiri",
        "seperti registri; foto bukti disimpan bersama laporan",
    ),
    "assessments": Purpose(
        "Asesmen kemiskinan (14 kriteria BPS) dan rumah tidak layak huni (Permensos 20/2017)",
        PUBLIC_TASK + "; Permensos 20/2017",
        CITY,
    ),
    "programs": Purpose(
        "Penetapan sasaran, skor prioritas, kepesertaan dan penyaluran bantuan sosial",
        PUBLIC_TASK + "; Perwal program bantuan yang berlaku",
        CITY + "; mitra (OPD pelaksana) hanya penerima programnya, NIK disamarkan",
        "sesuai ketentuan arsip keuangan daerah (paling sedikit 10 tahun setelah penyaluran)",
    ),
    "cases": Purpose(
        "Penanganan kasus PPKS: asesmen, rencana intervensi, kunjungan, penutupan",
        PUBLIC_TASK + "; Permensos 9/2018 (SPM rehabilitasi sosial)",
        CITY + "; petugas yang ditugaskan",
    ),
    "renovations": Purpose(
        "Pelaksanaan Bedah Rumah: RAB, progres, foto, serah terima",
        PUBLIC_TASK + "; Permensos 20/2017",
        OFFICE + "; pimpinan dan petugas wilayah melihat",
        "sesuai ketentuan arsip keuangan daerah (paling sedikit 10 tahun setelah serah terima)",
    ),
    "freshness": Purpose(
        "Penjadwalan kunjungan ulang keluarga (verifikasi paling sedikit dua tahun sekali dan "
        "sebelum batas pemutakhiran nasional) agar data tetap mutakhir",
        PUBLIC_TASK + "; UU 13/2011 pasal 8; UU 27/2022 pasal 16 ayat (2)",
        CITY + "; PSM kelurahannya dan TKSK kecamatannya",
        "seperti registri; dihitung ulang dari kunjungan dan verifikasi",
    ),
    "dedup": Purpose(
        "Pencarian dan penggabungan data ganda agar satu orang tercatat sekali (lihat DPIA "
        "pencocokan data ganda)",
        PUBLIC_TASK + "; UU 27/2022 pasal 16 ayat (2) (data akurat dan mutakhir)",
        OFFICE,
    ),
    "imports": Purpose(
        "Impor data dari berkas (DTKS/DTSEN, hasil pendataan) sebelum diterapkan",
        PUBLIC_TASK,
        OFFICE,
        "dihapus saat impor selesai atau dibatalkan",
    ),
    "pdp": Purpose(
        "Pemenuhan hak subjek data, pencatatan insiden, penilaian dampak dan retensi",
        "UU 27/2022 pasal 5–14, 30–34, 46",
        OFFICE,
        "paling sedikit 5 tahun setelah permintaan/insiden ditutup (bukti kepatuhan)",
    ),
    "audit": Purpose(
        "Jejak akses: siapa melihat, membuka NIK atau mengekspor data, kapan dan mengapa",
        "UU 27/2022 pasal 31 dan 39 (pencatatan dan keamanan pemrosesan)",
        "admin (Django admin); subjek data melalui permintaan akses",
        "mengikuti individu yang bersangkutan (dihapus bersama riwayatnya saat diarsipkan)",
    ),
}

# Fields whose content is specific personal data (art. 4 ayat 2): health, disability,
# finances, children (PPKS child types), or that identify (NIK/KK).
SPECIFIC_FIELDS = {
    "disabilities",
    "chronic_illness",
    "disability_subtypes",
    "amount",
    "delivered_amount",
    "desil",
    "priority_total",
    "is_poor",
    "is_rtlh",
}
BOOKKEEPING = {"id", "created_at", "updated_at", "source_id", "client_id", "sha256"}


@dataclass
class Entry:
    table: str
    name: str
    fields: str
    specific: bool
    purpose: str
    legal_basis: str
    who: str
    retention: str
    rows: int


def _estimated_rows(model: type[models.Model]) -> int:
    """PostgreSQL's own estimate: a count of millions of rows would be too slow for a
    page (refreshed by ANALYZE/autovacuum)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    estimate = int(row[0]) if row else 0
    if estimate == 0:
        # Never analysed (a new or small table): count it.
        return model._default_manager.count()
    return estimate


def _fields(model: type[models.Model]) -> tuple[str, bool]:
    names, specific = [], False
    for f in model._meta.concrete_fields:
        if f.name in BOOKKEEPING or f.name.startswith("pgh_"):
            continue
        names.append(field_label(f))
        specific = specific or f.name in SPECIFIC_FIELDS
    return ", ".join(names), specific


def tables() -> list[type[models.Model]]:
    return [spec.model for spec in SPECS] + [apps.get_model("audit", "AccessLog")]


def entries() -> list[Entry]:
    out = []
    for model in tables():
        purpose = PURPOSES[model._meta.app_label]
        fields, specific = _fields(model)
        if model._meta.label_lower == "ppks.ppksrecord":
            specific = True  # children, disability, health types (ODHA, NAPZA)
        out.append(
            Entry(
                table=model._meta.label_lower,
                name=str(model._meta.verbose_name_plural).capitalize(),
                fields=fields,
                specific=specific,
                purpose=purpose.purpose,
                legal_basis=purpose.legal_basis,
                who=purpose.who,
                retention=purpose.retention or retention_text(),
                rows=_estimated_rows(model),
            )
        )
    return out
