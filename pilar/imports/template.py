"""The downloadable import template, as XLSX (with a "Petunjuk" sheet) and as CSV.

Both hold the canonical header row of ``columns.CANONICAL_COLUMNS`` and one example row
of synthetic values. In the XLSX the identifier and code columns are formatted as text
(``@``) so that Excel keeps all 16 digits of a NIK and the leading zeros of an RT; the
second sheet explains each column, the formats accepted and the alias header names
(taken from ``columns.ALIAS_TABLE``, so the guide cannot drift from the importer). The
CSV is what Excel on an Indonesian computer writes and reads: UTF-8 with BOM, ``;``.
"""

from __future__ import annotations

import csv
import io

import xlsxwriter

from pilar.imports.columns import ALIAS_TABLE, CANONICAL_COLUMNS, EXTRA_COLUMNS

DATA_SHEET = "Data"
GUIDE_SHEET = "Petunjuk"

# Columns Excel must not turn into numbers (digits lost, leading zeros dropped).
TEXT_COLUMNS = ("id_sumber", "no_kk", "nik", "rt", "rw", "kode_kelurahan")

# A synthetic person; the NIK and No. KK are well-formed for Kota Tangerang but invented.
EXAMPLE_ROW: dict[str, str] = {
    "id_sumber": "CONTOH-0001",
    "no_kk": "3671010101080001",
    "nik": "3671011708750001",
    "nama": "Budi Santoso",
    "jenis_kelamin": "L",
    "tempat_lahir": "Tangerang",
    "tanggal_lahir": "17-08-1975",
    "hubungan_keluarga": "Kepala Keluarga",
    "status_perkawinan": "Kawin",
    "pendidikan": "SMA",
    "pekerjaan": "Buruh Harian Lepas",
    "disabilitas": "",
    "alamat": "Jl. Contoh No. 1",
    "rt": "001",
    "rw": "002",
    "kode_kelurahan": "36.71.01.1001",
    "nama_kelurahan": "Sukarasa",
    "jenis_ppks": "24",
    "desil": "1",
}

# column -> (required?, what to fill in and which formats are accepted), in Indonesian.
COLUMN_GUIDE: dict[str, tuple[str, str]] = {
    "id_sumber": ("Tidak", "ID data di sistem asal (mis. ID DTKS/DTSEN); disimpan pada orang."),
    "no_kk": (
        "Tidak",
        "Nomor Kartu Keluarga, 16 digit, sebagai teks. Baris dengan No. KK sama menjadi satu "
        "keluarga; kosong berarti keluarga tersendiri.",
    ),
    "nik": (
        "Tidak",
        "NIK 16 digit, sebagai teks. Angka yang sudah dipotong Excel (mis. 3,67101E+15) "
        "ditolak. Kosong dicatat sebagai NIK belum ada.",
    ),
    "nama": ("Ya", "Nama lengkap sesuai KTP/KK."),
    "jenis_kelamin": ("Tidak", "L atau P; juga Laki-laki/Perempuan, Pria/Wanita, 1/2."),
    "tempat_lahir": ("Tidak", "Nama kota/kabupaten tempat lahir."),
    "tanggal_lahir": (
        "Tidak",
        "DD-MM-YYYY, DD/MM/YYYY, YYYY-MM-DD, tanggal Excel, atau nama bulan "
        "(mis. 17 Agustus 1975). Tahun harus 4 digit.",
    ),
    "hubungan_keluarga": (
        "Tidak",
        "Kepala Keluarga, Suami, Istri, Anak, Menantu, Cucu, Orang Tua, Mertua, Famili Lain, "
        "Pembantu, Lainnya (atau kode SIAK). 'Kepala Keluarga' menandai kepala keluarga.",
    ),
    "status_perkawinan": (
        "Tidak",
        "Belum Kawin, Kawin, Cerai Hidup, Cerai Mati (atau kode SIAK 1-4).",
    ),
    "pendidikan": (
        "Tidak",
        "Istilah SIAK (mis. Tamat SD/Sederajat, SLTA/Sederajat) atau SD, SMP, SMA, SMK, D3, "
        "S1, S2, S3 (atau kode SIAK 1-10).",
    ),
    "pekerjaan": ("Tidak", "Teks bebas, maksimal 100 karakter."),
    "disabilitas": (
        "Tidak",
        "Fisik, intelektual, mental atau sensorik (juga istilah tuna netra, tuna rungu, "
        "ODGJ, dst.); beberapa dipisah ';'. Kosong atau 'tidak ada' jika tidak ada.",
    ),
    "alamat": ("Tidak", "Alamat (jalan, nomor rumah, gang)."),
    "rt": ("Tidak", "Nomor RT, 1-999 (mis. 1 atau 001)."),
    "rw": ("Tidak", "Nomor RW, 1-999 (mis. 2 atau 002)."),
    "kode_kelurahan": (
        "Salah satu",
        "Kode Kemendagri 10 digit, dengan atau tanpa titik (mis. 36.71.01.1001). "
        "Wajib diisi ini atau nama_kelurahan.",
    ),
    "nama_kelurahan": (
        "Salah satu",
        "Nama kelurahan. Jika nama yang sama ada di beberapa kecamatan, tambahkan kolom "
        "nama_kecamatan atau isi kode_kelurahan.",
    ),
    "jenis_ppks": (
        "Tidak",
        "Nomor jenis PPKS 1-26, nama atau singkatannya (mis. 24 atau Fakir Miskin); "
        "beberapa dipisah ';'.",
    ),
    "desil": ("Tidak", "Desil kesejahteraan 1-10."),
    "nama_kecamatan": (
        "Tidak",
        "Kolom tambahan (tidak ada di templat): nama kecamatan, hanya untuk membedakan "
        "nama kelurahan yang sama.",
    ),
}

GENERAL_NOTES = (
    "Petunjuk pengisian templat impor Pilar",
    "Satu baris untuk satu orang. Baris judul kolom harus ada (boleh ada judul lain di "
    "atasnya, paling banyak 10 baris pertama).",
    "Hapus baris contoh (CONTOH-0001) sebelum mengimpor.",
    "Kolom boleh berurutan apa saja; huruf besar/kecil, spasi atau garis bawah pada nama "
    "kolom tidak berpengaruh, dan nama lain di kolom terakhir tabel ini juga diterima.",
    "Isi NIK dan No. KK sebagai teks (kolom ini sudah berformat teks) agar Excel tidak "
    "memotong digitnya.",
    "Berkas CSV boleh dipisah titik koma (;), koma (,) atau tab, dengan encoding UTF-8 atau "
    "Windows-1252.",
)


def template_xlsx() -> bytes:
    """The XLSX template: sheet "Data" (header + example row) and sheet "Petunjuk"."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    text = workbook.add_format({"num_format": "@"})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    bold = workbook.add_format({"bold": True})

    sheet = workbook.add_worksheet(DATA_SHEET)
    for index, name in enumerate(CANONICAL_COLUMNS):
        width = max(len(name) + 2, 14 if name not in ("no_kk", "nik") else 20)
        sheet.set_column(index, index, width, text if name in TEXT_COLUMNS else None)
        sheet.write_string(0, index, name, header)
        value = EXAMPLE_ROW.get(name, "")
        if value:
            sheet.write_string(1, index, value, text if name in TEXT_COLUMNS else None)
    sheet.freeze_panes(1, 0)

    guide = workbook.add_worksheet(GUIDE_SHEET)
    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 12)
    guide.set_column(2, 2, 70, wrap)
    guide.set_column(3, 3, 50, wrap)
    row = 0
    for index, note in enumerate(GENERAL_NOTES):
        guide.write_string(row, 0, note, bold if index == 0 else None)
        row += 1
    row += 1
    for col, title in enumerate(("Kolom", "Wajib", "Isi dan format", "Nama kolom lain")):
        guide.write_string(row, col, title, header)
    row += 1
    for name in CANONICAL_COLUMNS + EXTRA_COLUMNS:
        required, description = COLUMN_GUIDE[name]
        guide.write_string(row, 0, name)
        guide.write_string(row, 1, required)
        guide.write_string(row, 2, description)
        guide.write_string(row, 3, ", ".join(ALIAS_TABLE.get(name, ())))
        row += 1
    workbook.close()
    return buffer.getvalue()


def template_csv() -> bytes:
    """The CSV template: UTF-8 with BOM, ``;``-separated, header + example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CANONICAL_COLUMNS)
    writer.writerow([EXAMPLE_ROW.get(name, "") for name in CANONICAL_COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")
