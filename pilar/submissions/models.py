"""Submissions (field reports: "usulan"/"laporan" in the interface) and their
verification chain (verivali).

A submission proposes changes to the registry; nothing in it reaches the registry
until Dinas Sosial validates it (pilar.submissions.actions.validate_submission,
one transaction). Every step is a SubmissionStep naming an actor, a time and a
reason. Written only through pilar.submissions.actions.
"""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from pilar.audit.trackers import history_trackers
from pilar.submissions import choices
from pilar.submissions.querysets import SubmissionQuerySet


@pghistory.track(*history_trackers())
class Submission(models.Model):
    """One submission by a field worker (PSM, TKSK) or Dinas Sosial staff about one
    household: a new household, changes to it, PPKS records to add or end, or a
    housing survey. `payload` holds the proposal as sent (see schemas.py);
    `base` the registry values the reporter saw for each field the submission
    changes, so a later change to the registry shows up as a conflict."""

    client_id = models.UUIDField("ID klien", unique=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("jenis laporan", max_length=20, choices=choices.Kind.choices)
    status = models.CharField(
        "status", max_length=15, choices=choices.Status.choices, default=choices.Status.DRAFT
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pelapor",
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    # Scope: the kelurahan of the household (or of the new household).
    village = models.ForeignKey(
        "regions.Village", verbose_name="kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    # The household concerned; for a new household, set when it is validated.
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="keluarga",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    # Persons the submission touches (corrections, deaths, moves, PPKS): for the history
    # shown on each person's page.
    persons = models.ManyToManyField(
        "registry.Person", verbose_name="individu", blank=True, related_name="submissions"
    )
    payload = models.JSONField("usulan", default=dict)
    # Adds or ends a PPKS record of a restricted health type (ODHA, NAPZA): only roles
    # that may see health data see the submission, and Dinas Sosial verifies it.
    restricted = models.BooleanField("memuat data kesehatan", default=False)
    base = models.JSONField("nilai registri saat dilaporkan", default=dict)
    visit_date = models.DateField("tanggal kunjungan", null=True, blank=True)
    latitude = models.DecimalField("lintang", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("bujur", max_digits=9, decimal_places=6, null=True, blank=True)
    gps_accuracy_m = models.PositiveIntegerField("akurasi GPS (m)", null=True, blank=True)
    notes = models.TextField("catatan", blank=True)
    # Bumped each time a returned submission is corrected and submitted again.
    revision = models.PositiveSmallIntegerField("revisi", default=1)
    # Conflict decisions of the verifier/validator: {"household.address": "usulan"}.
    resolutions = models.JSONField("keputusan konflik", default=dict, blank=True)
    # Per-field reasons of the last return: {"household.address": "..."}.
    return_reasons = models.JSONField("alasan pengembalian", default=dict, blank=True)
    submitted_at = models.DateTimeField("diajukan", null=True, blank=True)
    first_submitted_at = models.DateTimeField("pertama diajukan", null=True, blank=True)
    verified_at = models.DateTimeField("diverifikasi", null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diverifikasi oleh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("divalidasi/ditolak", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="divalidasi/ditolak oleh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What validation wrote: {"household_id": .., "person_ids": [..], "ppks_ids": [..]}.
    result = models.JSONField("hasil", default=dict, blank=True)
    deliberation = models.ForeignKey(
        "submissions.Deliberation",
        verbose_name="musyawarah kelurahan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    ratification = models.ForeignKey(
        "submissions.Ratification",
        verbose_name="SK penetapan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "laporan"
        verbose_name_plural = "laporan"
        indexes = [
            # Inboxes: waiting submissions, oldest first (the area is a prefix filter on
            # the kelurahan code, which cannot use a composite index's order).
            models.Index(fields=["status", "submitted_at"], name="submission_waiting_idx"),
            models.Index(fields=["status", "village", "submitted_at"]),
            models.Index(fields=["reporter", "-updated_at"]),
            models.Index(fields=["household"]),
        ]

    def __str__(self) -> str:
        return f"Laporan #{self.pk} ({self.get_kind_display()})"

    @property
    def is_final(self) -> bool:
        return self.status in choices.FINAL_STATUSES


def photo_path(instance: SubmissionPhoto, filename: str) -> str:
    return f"laporan/{instance.submission.client_id}/{instance.client_id}.jpg"


class SubmissionPhoto(models.Model):
    """Evidence photo of a submission, already resized on the phone. `client_id`
    makes a repeated upload of the same photo a no-op."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="photos")
    client_id = models.UUIDField("ID klien", unique=True, default=uuid.uuid4)
    kind = models.CharField("jenis foto", max_length=10, choices=choices.PhotoKind.choices)
    image = models.FileField("foto", upload_to=photo_path)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField("ukuran (byte)")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    taken_at = models.DateTimeField("diambil", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "foto laporan"
        verbose_name_plural = "foto laporan"

    def __str__(self) -> str:
        return f"Foto {self.get_kind_display()} laporan #{self.submission_id}"


class SubmissionStep(models.Model):
    """One step of a submission's chain (a typed domain event): who, when, why.
    Append-only; written by the actions together with the status change."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("langkah", max_length=20, choices=choices.StepAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("waktu", auto_now_add=True)
    revision = models.PositiveSmallIntegerField("revisi", default=1)
    note = models.TextField("catatan/alasan", blank=True)
    # Per-field reasons (return) or the verifier's conflict resolutions.
    field_reasons = models.JSONField("alasan per isian", default=dict, blank=True)
    resolutions = models.JSONField("keputusan konflik", default=dict, blank=True)

    class Meta:
        verbose_name = "langkah laporan"
        verbose_name_plural = "langkah laporan"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.submission_id}"


class Notification(models.Model):
    """Something that needs a user's attention (a submission to verify, a returned submission).
    Written by the actions; read_at set when the user opens it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField("pesan", max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "notifikasi"
        verbose_name_plural = "notifikasi"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["user", "-created_at"], name="notif_unread", condition=Q(read_at=None)
            )
        ]

    def __str__(self) -> str:
        return self.message


def minutes_path(instance: Deliberation, filename: str) -> str:
    return f"musyawarah/{instance.village_id}/{filename}"


class Deliberation(models.Model):
    """A kelurahan deliberation (musyawarah kelurahan) and the submissions it approved.
    Used only when PILAR_VERIVALI_MUSYAWARAH is on: then a submission must be approved
    by one before the TKSK may verify it."""

    village = models.ForeignKey(
        "regions.Village", verbose_name="kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("tanggal musyawarah")
    attendees = models.TextField("peserta", help_text="Satu nama/jabatan per baris.")
    minutes = models.FileField("berita acara bertanda tangan", upload_to=minutes_path)
    notes = models.TextField("catatan", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dicatat oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "musyawarah kelurahan"
        verbose_name_plural = "musyawarah kelurahan"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Musyawarah {self.village_id} {self.held_on:%d-%m-%Y}"


def decree_path(instance: Ratification, filename: str) -> str:
    return f"sk/{instance.decree_date:%Y}/{filename}"


class Ratification(models.Model):
    """A ratification batch: the mayor's decree (SK) fixing a list of validated
    submissions. `frozen` keeps the by-name-by-address rows as they were at
    ratification, so later registry changes never alter what the SK listed.
    Used only when PILAR_VERIVALI_SK is on."""

    decree_number = models.CharField("nomor SK", max_length=100, unique=True)
    decree_date = models.DateField("tanggal SK")
    decree_file = models.FileField("berkas SK", upload_to=decree_path)
    notes = models.TextField("catatan", blank=True)
    frozen = models.JSONField("daftar BNBA saat penetapan", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dibuat oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "SK penetapan"
        verbose_name_plural = "SK penetapan"
        ordering = ["-decree_date", "-pk"]

    def __str__(self) -> str:
        return f"SK {self.decree_number}"
