"""PPKS types (reference data) and PPKS records of persons or households."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from pilar.audit.trackers import history_trackers
from pilar.ppks.choices import Level, RecordStatus
from pilar.ppks.querysets import PpksRecordQuerySet
from pilar.registry.choices import Disability, Sex


class PpksType(models.Model):
    """One of the 26 PPKS types with its data rules. Seeded by migration,
    edited by admins when a regulation changes (e.g. the toddler age bound)."""

    number = models.PositiveSmallIntegerField("nomor", unique=True)
    name = models.CharField("nama", max_length=200)
    short_name = models.CharField("singkatan", max_length=20)
    level = models.CharField("tingkat", max_length=10, choices=Level.choices)
    min_age = models.PositiveSmallIntegerField("usia minimal", null=True, blank=True)
    max_age = models.PositiveSmallIntegerField("usia maksimal", null=True, blank=True)
    sex = models.CharField(
        "jenis kelamin", max_length=1, choices=Sex.choices, blank=True, help_text="kosong: semua"
    )
    has_disability_subtypes = models.BooleanField("memakai jenis disabilitas", default=False)
    is_restricted = models.BooleanField(
        "data kesehatan terbatas", default=False, help_text="data kesehatan: akses dibatasi"
    )
    is_active = models.BooleanField("aktif", default=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "jenis PPKS"
        verbose_name_plural = "jenis PPKS"

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def history_label(self) -> str:
        """How a timeline names this type (pilar.audit.history)."""
        return self.name

    @property
    def age_rule_label(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return f"usia {self.min_age}–{self.max_age} tahun"
        if self.min_age is not None:
            return f"usia {self.min_age} tahun ke atas"
        if self.max_age is not None:
            return f"usia di bawah {self.max_age + 1} tahun"
        return ""


@pghistory.track(*history_trackers())
class PpksRecord(models.Model):
    """A person or household registered as a PPKS type. `household` is always set
    (the person's household at registration, moved with the person) so the
    record is scoped by area. Written by registry actions."""

    ppks_type = models.ForeignKey(
        PpksType, verbose_name="jenis PPKS", on_delete=models.PROTECT, related_name="records"
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name="individu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ppks_records",
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="keluarga",
        on_delete=models.PROTECT,
        related_name="ppks_records",
    )
    status = models.CharField(
        "status", max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE
    )
    disability_subtypes = ArrayField(
        models.CharField(max_length=16, choices=Disability.choices),
        verbose_name="jenis disabilitas",
        default=list,
        blank=True,
    )
    date_found = models.DateField("tanggal ditemukan")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pelapor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reporter_name = models.CharField("nama pelapor", max_length=150, blank=True)
    notes = models.TextField("catatan", blank=True)
    ended_on = models.DateField("tanggal selesai", null=True, blank=True)
    end_reason = models.CharField("alasan selesai", max_length=300, blank=True)
    # Validation by Dinas Sosial (the validating authority, domain.md "verivali").
    # Set by ppks.actions (entry or "Validasi" by dinsos/admin) and by the registry
    # importer in bulk; empty means not yet validated.
    validated_at = models.DateTimeField("tanggal validasi", null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="divalidasi oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when an import created the row (decision 27): the batch, and the row of its
    # stored file; such a creation has no history event of its own.
    import_batch = models.PositiveIntegerField("impor", null=True, blank=True, editable=False)
    import_row = models.PositiveIntegerField("baris impor", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PpksRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "data PPKS"
        verbose_name_plural = "data PPKS"
        constraints = [
            # One active record per person (or household) and type.
            models.UniqueConstraint(
                fields=["person", "ppks_type"],
                condition=Q(status="aktif", person__isnull=False),
                name="ppks_one_active_per_person_type",
            ),
            models.UniqueConstraint(
                fields=["household", "ppks_type"],
                condition=Q(status="aktif", person__isnull=True),
                name="ppks_one_active_per_household_type",
            ),
        ]
        indexes = [
            models.Index(fields=["ppks_type", "status"]),
            models.Index(fields=["household"]),
            models.Index(fields=["person"]),
        ]

    def __str__(self) -> str:
        return f"{self.ppks_type.short_name} - {self.person or self.household}"
