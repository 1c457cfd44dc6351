"""Vocabularies of submissions (field reports, "usulan") and of the housing survey
(block III)."""

from django.db import models


class Kind(models.TextChoices):
    NEW_HOUSEHOLD = "keluarga_baru", "Keluarga baru"
    CHANGE = "perubahan", "Perubahan data keluarga/individu"
    PPKS = "ppks", "PPKS baru / selesai"
    HOUSING = "survei_rumah", "Survei rumah"


class Status(models.TextChoices):
    DRAFT = "draf", "Draf"
    SUBMITTED = "diajukan", "Diajukan"
    RETURNED = "dikembalikan", "Dikembalikan"
    VERIFIED = "diverifikasi", "Diverifikasi TKSK"
    VALIDATED = "divalidasi", "Divalidasi Dinas Sosial"
    REJECTED = "ditolak", "Ditolak"


# Statuses a submission can no longer leave.
FINAL_STATUSES = {Status.VALIDATED, Status.REJECTED}


class StepAction(models.TextChoices):
    CREATED = "dibuat", "Dibuat"
    SUBMITTED = "diajukan", "Diajukan"
    RETURNED = "dikembalikan", "Dikembalikan ke pelapor"
    RESUBMITTED = "diajukan_ulang", "Diajukan ulang setelah diperbaiki"
    DELIBERATED = "dimusyawarahkan", "Disetujui musyawarah kelurahan"
    VERIFIED = "diverifikasi", "Diverifikasi TKSK"
    VALIDATED = "divalidasi", "Divalidasi dan diterapkan ke registri"
    REJECTED = "ditolak", "Ditolak"
    RATIFIED = "ditetapkan", "Ditetapkan dalam SK"


class PhotoKind(models.TextChoices):
    FRONT = "depan", "Tampak depan rumah"
    INSIDE = "dalam", "Bagian dalam rumah"
    KK = "kk", "Kartu Keluarga"
    OTHER = "lain", "Lainnya"


class PersonChange(models.TextChoices):
    CORRECTION = "koreksi", "Koreksi data"
    DIED = "meninggal", "Meninggal"
    MOVED = "pindah", "Pindah keluar"


class NewMemberReason(models.TextChoices):
    BIRTH = "lahir", "Kelahiran"
    NEWCOMER = "pendatang", "Pendatang / pindah masuk"
    NOT_RECORDED = "belum_tercatat", "Belum tercatat"


class Resolution(models.TextChoices):
    PROPOSED = "usulan", "Pakai nilai usulan"
    REGISTRY = "registri", "Pertahankan nilai registri"
