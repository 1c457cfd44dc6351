"""Closed lists of the data-protection app (Indonesian labels)."""

from django.db import models


class RequestKind(models.TextChoices):
    # UU 27/2022: access (art. 7, 32), correction (art. 6, 30), restriction (art. 11,
    # 41), objection (art. 10). Access and correction always apply to a public
    # task (art. 15); restriction and objection are decided case by case.
    ACCESS = "akses", "Akses data dan riwayat pemrosesan (pasal 32)"
    CORRECTION = "perbaikan", "Perbaikan data (pasal 30)"
    RESTRICTION = "pembatasan", "Pembatasan pemrosesan (pasal 11)"
    OBJECTION = "keberatan", "Keberatan atas pemrosesan (pasal 10)"


class RequestStatus(models.TextChoices):
    RECEIVED = "diterima", "Diterima"
    IN_PROGRESS = "diproses", "Sedang diproses"
    DONE = "selesai", "Selesai"
    REFUSED = "ditolak", "Ditolak"


OPEN_REQUEST = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


class RequestAction(models.TextChoices):
    RECEIVED = "diterima", "Permintaan dicatat"
    STARTED = "diproses", "Mulai diproses"
    EXPORTED = "ekspor", "Data dan riwayat diekspor"
    CORRECTED = "diperbaiki", "Data diperbaiki"
    DONE = "selesai", "Diselesaikan"
    REFUSED = "ditolak", "Ditolak"
    TOLD = "diberitahu", "Pemohon diberi tahu"
    LIFTED = "dicabut", "Pembatasan dicabut"


class Channel(models.TextChoices):
    IN_PERSON = "langsung", "Datang langsung"
    LETTER = "surat", "Surat"
    EMAIL = "email", "Surel"
    PHONE = "telepon", "Telepon/WhatsApp"
    FIELD = "petugas", "Melalui petugas lapangan"


class BreachStatus(models.TextChoices):
    OPEN = "terbuka", "Terbuka (belum diberitahukan)"
    NOTIFIED = "diberitahukan", "Sudah diberitahukan"
    CLOSED = "ditutup", "Ditutup"


class BreachAction(models.TextChoices):
    RECORDED = "dicatat", "Insiden dicatat"
    UPDATED = "diubah", "Catatan diperbarui"
    AUTHORITY = "lembaga", "Pemberitahuan ke lembaga"
    SUBJECTS = "subjek", "Pemberitahuan ke subjek data"
    CLOSED = "ditutup", "Insiden ditutup"


class AssessmentTopic(models.TextChoices):
    DEDUP = "duplikat", "Pencocokan data ganda (record linkage)"
    SCORING = "skor", "Skor prioritas program"
    OTHER = "lainnya", "Pemrosesan lain"


class RiskLevel(models.TextChoices):
    LOW = "rendah", "Rendah"
    MEDIUM = "sedang", "Sedang"
    HIGH = "tinggi", "Tinggi"


class RetentionStage(models.TextChoices):
    MINIMISE = "minimalkan", "Diminimalkan"
    ARCHIVE = "arsip", "Diarsipkan"
