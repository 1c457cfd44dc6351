"""Closed lists of the PSKS app (Indonesian labels)."""

from django.db import models


class Topic(models.TextChoices):
    BASIC = "dasar", "Bimtek dasar PSM/TKSK"
    PPKS = "ppks", "Penanganan PPKS"
    VERIVALI = "verivali", "Verifikasi dan validasi data"
    FIELD_APP = "aplikasi", "Aplikasi lapangan"
    OTHER = "lain", "Lainnya"


class CheckinMethod(models.TextChoices):
    PHONE = "ponsel", "Ponsel (kode/QR)"
    LIST = "daftar", "Daftar hadir (dicentang panitia)"


class Issuer(models.TextChoices):
    KEMENSOS = "kemensos", "Kementerian Sosial"
    KADINSOS = "kadinsos", "Kepala Dinas Sosial"
    MAYOR = "walikota", "Wali Kota"
    OTHER = "lain", "Lainnya"


class EndReason(models.TextChoices):
    EXPIRED = "habis", "Masa tugas habis"
    RESIGNED = "mundur", "Mengundurkan diri"
    DISMISSED = "diberhentikan", "Diberhentikan"
    DIED = "meninggal", "Meninggal dunia"
    MOVED = "pindah", "Pindah domisili"
    OTHER = "lain", "Lainnya"
