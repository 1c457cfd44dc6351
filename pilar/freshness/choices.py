"""Closed lists of data freshness (Indonesian labels)."""

from django.db import models


class DueReason(models.TextChoices):
    TWO_YEARS = "dua_tahun", "24 bulan sejak verifikasi terakhir"
    CUTOFF = "pemutakhiran", "Sebelum batas pemutakhiran DTSEN"
    NEVER = "belum_pernah", "Belum pernah diverifikasi"
    EVENT = "peristiwa", "Peristiwa yang mengubah keadaan keluarga"


class EventKind(models.TextChoices):
    DEATH = "meninggal", "Anggota keluarga meninggal"
    DISASTER = "bencana", "Laporan korban bencana"
    MOVE = "pindah", "Anggota keluarga pindah"


class VisitState(models.TextChoices):
    OVERDUE = "terlambat", "Terlambat"
    DUE = "jatuh_tempo", "Jatuh tempo"
    FRESH = "segar", "Belum jatuh tempo"
