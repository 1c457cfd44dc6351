"""The 12 PSKS types: (number, name, short name, is a person, min age, max age)."""

PSKS_TYPES = [
    (1, "Pekerja Sosial Profesional", "PEKSOS", True, None, None),
    (2, "Pekerja Sosial Masyarakat", "PSM", True, 18, None),
    (3, "Taruna Siaga Bencana", "TAGANA", True, 18, 40),
    (4, "Lembaga Kesejahteraan Sosial", "LKS", False, None, None),
    (5, "Karang Taruna", "KT", False, None, None),
    (6, "Lembaga Konsultasi Kesejahteraan Keluarga", "LK3", False, None, None),
    (7, "Keluarga Pioner", "KP", True, None, None),
    (8, "Wahana Kesejahteraan Sosial Berbasis Masyarakat", "WKSBM", False, None, None),
    (9, "Wanita Pemimpin Kesejahteraan Sosial", "WPKS", True, None, None),
    (10, "Penyuluh Sosial", "PS", True, None, None),
    (11, "Tenaga Kesejahteraan Sosial Kecamatan", "TKSK", True, None, None),
    (12, "Dunia Usaha", "DU", False, None, None),
]
