"""The 26 PPKS types of Permensos 08/2012 with the rules the data must satisfy.

(number, name, short name, level, min age, max age, sex, disability sub-types, restricted)
Ages are whole years, inclusive; None means no bound. Seeded by migration and
editable by an admin afterwards.
"""

PPKS_TYPES = [
    (1, "Anak Balita Terlantar", "ABT", "individu", 0, 5, "", False, False),
    (2, "Anak Terlantar", "AT", "individu", 6, 18, "", False, False),
    (3, "Anak yang Berhadapan dengan Hukum", "ABH", "individu", 12, 17, "", False, False),
    (4, "Anak Jalanan", "AJ", "individu", 5, 18, "", False, False),
    (5, "Anak dengan Kedisabilitasan", "ADK", "individu", None, 17, "", True, False),
    (
        6,
        "Anak yang Menjadi Korban Tindak Kekerasan atau Diperlakukan Salah",
        "AKTK",
        "individu",
        None,
        17,
        "",
        False,
        False,
    ),  # noqa: E501
    (7, "Anak yang Memerlukan Perlindungan Khusus", "AMPK", "individu", None, 17, "", False, False),
    (8, "Lanjut Usia Terlantar", "LUT", "individu", 60, None, "", False, False),
    (9, "Penyandang Disabilitas", "PD", "individu", None, None, "", True, False),
    (10, "Tuna Susila", "TS", "individu", None, None, "", False, False),
    (11, "Gelandangan", "GEL", "individu", None, None, "", False, False),
    (12, "Pengemis", "PENG", "individu", None, None, "", False, False),
    (13, "Pemulung", "PEM", "individu", None, None, "", False, False),
    (14, "Kelompok Minoritas", "KM", "individu", None, None, "", False, False),
    (
        15,
        "Bekas Warga Binaan Lembaga Pemasyarakatan",
        "BWBLP",
        "individu",
        None,
        None,
        "",
        False,
        False,
    ),  # noqa: E501
    (16, "Orang dengan HIV/AIDS", "ODHA", "individu", None, None, "", False, True),
    (17, "Korban Penyalahgunaan NAPZA", "NAPZA", "individu", None, None, "", False, True),
    (18, "Korban Trafficking", "KTR", "individu", None, None, "", False, False),
    (19, "Korban Tindak Kekerasan", "KTK", "individu", None, None, "", False, False),
    (20, "Pekerja Migran Bermasalah Sosial", "PMBS", "individu", None, None, "", False, False),
    (21, "Korban Bencana Alam", "KBA", "individu", None, None, "", False, False),
    (22, "Korban Bencana Sosial", "KBS", "individu", None, None, "", False, False),
    (23, "Perempuan Rawan Sosial Ekonomi", "PRSE", "individu", 18, 59, "P", False, False),
    (24, "Fakir Miskin", "FM", "keluarga", None, None, "", False, False),
    (25, "Keluarga Bermasalah Sosial Psikologis", "KBSP", "keluarga", None, None, "", False, False),
    (26, "Komunitas Adat Terpencil", "KAT", "komunitas", None, None, "", False, False),
]
