"""The programs seeded by migration 0002 (kept here so tests and docs can use the
same rules). Amounts are the published figures in domain.md; periods and budgets
are left for the operator to fill in each year."""

from __future__ import annotations

# Education levels below completed SMA (the registry records the highest education
# completed, SIAK style; there is no "in school" flag): with age 6-18 this is the
# closest proxy for "pupil" the registry holds.
BELOW_SMA = ["tidak_sekolah", "belum_tamat_sd", "sd", "smp"]

POOR_OR_DESIL_4 = {
    "op": "or",
    "rules": [
        {"field": "poor", "operator": "is", "value": True},
        {"field": "desil", "operator": "lte", "value": 4},
    ],
}

# "No similar aid before" (added by migration 0004 to an existing database's rule).
NO_EARLIER_RENOVATION = {"field": "renovated_before", "operator": "is", "value": False}

BEDAH_RUMAH_RULE = {
    "op": "and",
    "rules": [
        {"field": "rtlh", "operator": "is", "value": True},
        POOR_OR_DESIL_4,
        {"field": "land_status", "operator": "eq", "value": "milik_sendiri"},
        NO_EARLIER_RENOVATION,
    ],
}

TANGERANG_CERDAS_RULE = {
    "op": "and",
    "rules": [
        {"field": "age", "operator": "between", "value": [6, 18]},
        {"field": "education", "operator": "in", "value": BELOW_SMA},
        {"field": "life_status", "operator": "eq", "value": "hidup"},
        POOR_OR_DESIL_4,
    ],
}

TANGERANG_TERANG_RULE = {
    "op": "and",
    "rules": [
        {
            "field": "lighting_source",
            "operator": "in",
            "value": ["pln_tanpa_meteran", "listrik_non_pln", "bukan_listrik"],
        },
        POOR_OR_DESIL_4,
    ],
}

PROGRAMS = [
    {
        "code": "bedah-rumah",
        "name": "Bedah Rumah",
        "agency": "Dinas Perumahan, Permukiman dan Pertanahan / Dinas Sosial Kota Tangerang",
        "level": "keluarga",
        "benefit_type": "bedah_rumah",
        "amount": 15_000_000,
        "frequency": "sekali",
        "rule": BEDAH_RUMAH_RULE,
        "description": (
            "Rehabilitasi rumah tidak layak huni (RTLH), Rp15.000.000 per unit (2021). "
            "Syarat: rumah RTLH menurut asesmen terakhir, keluarga miskin atau desil 1-4, "
            "lahan milik sendiri, belum pernah menerima bantuan bedah rumah."
        ),
    },
    {
        "code": "tangerang-cerdas",
        "name": "Tangerang Cerdas",
        "agency": "Dinas Pendidikan Kota Tangerang",
        "level": "individu",
        "benefit_type": "tunai",
        "amount": None,
        "amount_by_level": {"SD": 80000, "SMP": 100000, "SMA": 200000},
        "frequency": "bulanan",
        "rule": TANGERANG_CERDAS_RULE,
        "description": (
            "Bantuan pendidikan bulanan per siswa menurut jenjang (2014): SD Rp80.000, "
            "SMP Rp100.000, SMA/SMK Rp200.000. Sasaran: anak usia 6-18 tahun yang masih "
            "bersekolah (didekati dengan pendidikan tertinggi di bawah tamat SLTA) dari "
            "keluarga miskin atau desil 1-4."
        ),
    },
    {
        "code": "tangerang-terang",
        "name": "Tangerang Terang",
        "agency": "Dinas Perumahan, Permukiman dan Pertanahan Kota Tangerang",
        "level": "keluarga",
        "benefit_type": "barang",
        "amount": None,
        "frequency": "sekali",
        "rule": TANGERANG_TERANG_RULE,
        "description": (
            "Penyambungan listrik PLN untuk keluarga miskin yang rumahnya belum "
            "berlistrik sendiri (survei rumah terakhir: menumpang, listrik non-PLN, "
            "atau bukan listrik)."
        ),
    },
    {
        "code": "pkh",
        "name": "Program Keluarga Harapan (PKH)",
        "agency": "Kementerian Sosial",
        "level": "keluarga",
        "benefit_type": "tunai",
        "is_national": True,
        "description": "Program nasional: kepesertaan dicatat dari data Kementerian Sosial.",
    },
    {
        "code": "bpnt-sembako",
        "name": "BPNT / Program Sembako",
        "agency": "Kementerian Sosial",
        "level": "keluarga",
        "benefit_type": "barang",
        "is_national": True,
        "description": "Program nasional: kepesertaan dicatat dari data Kementerian Sosial.",
    },
    {
        "code": "pbi-jk",
        "name": "PBI Jaminan Kesehatan (PBI-JK)",
        "agency": "Kementerian Sosial / BPJS Kesehatan",
        "level": "individu",
        "benefit_type": "jasa",
        "is_national": True,
        "description": "Program nasional: iuran JKN dibayar pemerintah; kepesertaan dicatat.",
    },
    {
        "code": "pip",
        "name": "Program Indonesia Pintar (PIP)",
        "agency": "Kementerian Pendidikan Dasar dan Menengah",
        "level": "individu",
        "benefit_type": "tunai",
        "is_national": True,
        "description": "Program nasional: bantuan pendidikan; kepesertaan dicatat.",
    },
]
