"""Training events (bimtek / pelatihan) of PSKS workers: the event, its materials and
test questions, the invited participants with their scores and certificate, and
attendance per day. Written only by pilar.psks.training and pilar.psks.checkin."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import models

from pilar.psks.choices import CheckinMethod, Topic


def _secret() -> str:
    return secrets.token_hex(16)


class TrainingEvent(models.Model):
    """One training event run by Dinas Sosial for PSKS workers. `checkin_secret`
    derives each day's check-in code (pilar.psks.checkin); it never leaves the server
    except as that day's code shown to the room. `is_basic` marks the basic training
    (bimtek dasar) a PSM needs (Permensos 10/2019)."""

    title = models.CharField("judul", max_length=200)
    topic = models.CharField("topik", max_length=10, choices=Topic.choices)
    is_basic = models.BooleanField("bimtek dasar", default=False)
    description = models.TextField("uraian", blank=True)
    place = models.CharField("tempat", max_length=200)
    organiser = models.CharField("penyelenggara", max_length=200)
    budget = models.BigIntegerField("anggaran (Rp)", null=True, blank=True)
    starts_on = models.DateField("mulai")
    ends_on = models.DateField("selesai")
    checkin_secret = models.CharField(max_length=32, default=_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dibuat oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pelatihan"
        verbose_name_plural = "pelatihan"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="training_days_order"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def days(self) -> list[datetime.date]:
        n = (self.ends_on - self.starts_on).days + 1
        return [self.starts_on + datetime.timedelta(days=i) for i in range(n)]


def material_path(instance: TrainingMaterial, filename: str) -> str:
    return f"pelatihan/{instance.event_id}/{filename}"


class TrainingMaterial(models.Model):
    """A file handed out at an event (slides, module, guide)."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField("judul", max_length=200)
    file = models.FileField("berkas", upload_to=material_path)
    size = models.PositiveIntegerField("ukuran (byte)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "materi pelatihan"
        verbose_name_plural = "materi pelatihan"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class TrainingQuestion(models.Model):
    """One multiple-choice question of the event's pre/post test (the same set is
    given before and after, so the two scores compare)."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveSmallIntegerField("nomor")
    text = models.TextField("pertanyaan")
    options = models.JSONField("pilihan jawaban", default=list)
    answer = models.PositiveSmallIntegerField("jawaban benar (urutan pilihan, mulai 1)")

    class Meta:
        verbose_name = "soal tes"
        verbose_name_plural = "soal tes"
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="training_question_number")
        ]

    def __str__(self) -> str:
        return f"Soal {self.number}"


class Participant(models.Model):
    """A worker invited to an event, with their pre/post test scores (0–100) and, once
    issued, their certificate number (unique across all events)."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="participants")
    worker = models.ForeignKey(
        "psks.PsksWorker",
        verbose_name="peserta",
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pre_score = models.DecimalField("nilai pre-test", max_digits=5, decimal_places=1, null=True)
    post_score = models.DecimalField("nilai post-test", max_digits=5, decimal_places=1, null=True)
    certificate_number = models.CharField(
        "nomor sertifikat", max_length=60, unique=True, null=True, blank=True
    )
    # The public verification page is reached by this token (in the QR code), not by
    # the certificate number, so numbers cannot be walked to list participants.
    certificate_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    certificate_issued_on = models.DateField("tanggal sertifikat", null=True, blank=True)

    class Meta:
        verbose_name = "peserta pelatihan"
        verbose_name_plural = "peserta pelatihan"
        ordering = ["event", "worker__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "worker"], name="training_participant_once")
        ]
        indexes = [models.Index(fields=["worker", "event"])]

    def __str__(self) -> str:
        return f"{self.worker} · {self.event}"


class Attendance(models.Model):
    """A participant present on one day of the event: checked in from their phone
    (code or QR, maybe offline and sent later: `checked_in_at` is the phone's time,
    `client_id` makes a resend harmless) or ticked by the organiser on the printed
    list. One row per participant per day."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField("hari")
    method = models.CharField("cara", max_length=10, choices=CheckinMethod.choices)
    checked_in_at = models.DateTimeField("waktu hadir")
    client_id = models.UUIDField("ID klien", unique=True, null=True, blank=True, default=None)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kehadiran"
        verbose_name_plural = "kehadiran"
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="attendance_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} hadir {self.day}"
