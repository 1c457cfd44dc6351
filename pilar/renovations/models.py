"""Bedah Rumah (house renovation) from an approved enrollment to handover: the cost
plan (RAB), how the work is done (contractor or self-help), progress in percent
with dated photos, before/after photos, and the handover, which records a new
housing survey and RTLH assessment of the renovated house.

Written only by pilar.renovations.actions (Dinas Sosial and admins); the plan
rows keep row history (pghistory); progress reports, photos and steps are
append-only records of what happened.
"""

from __future__ import annotations

import os
import uuid
from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pilar.audit.trackers import history_trackers
from pilar.renovations.choices import CostCategory, Mode, PhotoKind, Status, StepAction
from pilar.renovations.querysets import RenovationQuerySet


def document_path(instance: Renovation, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"bedah-rumah/{instance.pk}/bast-{uuid.uuid4().hex[:8]}{ext}"


def photo_path(instance: RenovationPhoto, filename: str) -> str:
    return f"bedah-rumah/{instance.renovation_id}/{instance.kind}-{uuid.uuid4().hex[:12]}.jpg"


@pghistory.track(*history_trackers())
class Renovation(models.Model):
    """The renovation of one household's house under one approved enrollment of a
    house-renovation program. `before_*` are the survey and RTLH assessment the
    work starts from; `after_*` are written at handover."""

    enrollment = models.OneToOneField(
        "programs.Enrollment",
        verbose_name="kepesertaan",
        on_delete=models.PROTECT,
        related_name="renovation",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="keluarga",
        on_delete=models.PROTECT,
        related_name="renovations",
    )
    village = models.ForeignKey(
        "regions.Village", verbose_name="kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "status", max_length=15, choices=Status.choices, default=Status.PLANNING
    )
    mode = models.CharField("cara pelaksanaan", max_length=12, choices=Mode.choices)
    contractor = models.CharField("nama kontraktor/kelompok", max_length=150, blank=True)
    contract_number = models.CharField("nomor kontrak/SPK", max_length=100, blank=True)
    planned_start = models.DateField("rencana mulai", null=True, blank=True)
    planned_finish = models.DateField("rencana selesai", null=True, blank=True)
    before_survey = models.ForeignKey(
        "registry.HousingSurvey",
        verbose_name="survei sebelum",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    before_assessment = models.ForeignKey(
        "assessments.RtlhAssessment",
        verbose_name="asesmen RTLH sebelum",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_on = models.DateField("mulai dikerjakan", null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        "progres (%)", default=0, validators=[MaxValueValidator(100)]
    )
    handed_over_on = models.DateField("tanggal serah terima", null=True, blank=True)
    handover_number = models.CharField(
        "nomor berita acara serah terima", max_length=100, blank=True
    )
    handover_document = models.FileField(
        "berita acara serah terima", upload_to=document_path, blank=True
    )
    handover_note = models.TextField("catatan serah terima", blank=True)
    final_cost = models.DecimalField(
        "biaya realisasi (Rp)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    after_survey = models.ForeignKey(
        "registry.HousingSurvey",
        verbose_name="survei sesudah",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    after_assessment = models.ForeignKey(
        "assessments.RtlhAssessment",
        verbose_name="asesmen RTLH sesudah",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.TextField("alasan pembatalan", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dibuka oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RenovationQuerySet.as_manager()

    class Meta:
        verbose_name = "bedah rumah"
        verbose_name_plural = "bedah rumah"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "village"], name="renovation_status_idx"),
            models.Index(fields=["handed_over_on"], name="renovation_handover_idx"),
            models.Index(fields=["household"], name="renovation_household_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=Status.CANCELLED) | ~models.Q(cancel_reason=""),
                name="renovation_cancel_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.HANDED_OVER)
                | models.Q(handed_over_on__isnull=False, progress=100),
                name="renovation_handover_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Bedah rumah #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in (Status.PLANNING, Status.WORKING)

    @property
    def planned_cost(self):
        return sum((item.total for item in self.cost_items.all()), start=Decimal(0))


@pghistory.track(*history_trackers())
class CostItem(models.Model):
    """One line of the cost plan (RAB): what, how much, at what unit price."""

    renovation = models.ForeignKey(
        Renovation, verbose_name="bedah rumah", on_delete=models.CASCADE, related_name="cost_items"
    )
    position = models.PositiveSmallIntegerField("urutan", default=0)
    category = models.CharField("kelompok", max_length=10, choices=CostCategory.choices)
    description = models.CharField("uraian pekerjaan/bahan", max_length=200)
    quantity = models.DecimalField(
        "volume", max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField("satuan", max_length=20)
    unit_price = models.DecimalField(
        "harga satuan (Rp)", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = "rincian RAB"
        verbose_name_plural = "rincian RAB"
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description

    @property
    def total(self):
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


class ProgressReport(models.Model):
    """Progress of the work on one date, in percent of the whole, with its photos."""

    renovation = models.ForeignKey(
        Renovation, verbose_name="bedah rumah", on_delete=models.CASCADE, related_name="reports"
    )
    reported_on = models.DateField("tanggal")
    percent = models.PositiveSmallIntegerField(
        "progres (%)", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.TextField("catatan", blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="pelapor", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "laporan progres"
        verbose_name_plural = "laporan progres"
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.percent}% {self.reported_on:%d-%m-%Y}"


class RenovationPhoto(models.Model):
    """A dated photo of the house: before the work, during it (with a progress
    report) or after it. Served only through the scoped photo view."""

    renovation = models.ForeignKey(
        Renovation, verbose_name="bedah rumah", on_delete=models.CASCADE, related_name="photos"
    )
    report = models.ForeignKey(
        ProgressReport,
        verbose_name="laporan progres",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    kind = models.CharField("jenis foto", max_length=10, choices=PhotoKind.choices)
    taken_on = models.DateField("tanggal foto")
    image = models.FileField("foto", upload_to=photo_path)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    caption = models.CharField("keterangan", max_length=200, blank=True)
    latitude = models.DecimalField("lintang", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("bujur", max_digits=9, decimal_places=6, null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diunggah oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "foto bedah rumah"
        verbose_name_plural = "foto bedah rumah"
        ordering = ["taken_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.taken_on:%d-%m-%Y}"


class RenovationStep(models.Model):
    """One step of a renovation (a typed domain event): who, when, what, why.
    Append-only; written by the actions together with the change."""

    renovation = models.ForeignKey(Renovation, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("langkah", max_length=15, choices=StepAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("waktu", auto_now_add=True)
    note = models.TextField("catatan/alasan", blank=True)

    class Meta:
        verbose_name = "langkah bedah rumah"
        verbose_name_plural = "langkah bedah rumah"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.renovation_id}"
