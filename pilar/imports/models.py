"""Import batches: one uploaded file, its check, its preview and what it changed.

An ImportBatch's status is changed by pilar.imports.actions only (pages, tasks and
`pilar import`); the pipeline records its progress (stage, rows) as it runs. Its rows
(StagedRow) and problems (ImportProblem) are written set-based (COPY) by
pilar.imports.pipeline. Row history of every registry row an import changes carries
the batch id in its pghistory context; a row an import creates carries the batch and its
file row instead (decision 27).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class BatchStatus(models.TextChoices):
    WAITING = "menunggu", "Menunggu diperiksa"
    CHECKING = "memeriksa", "Sedang diperiksa"
    CHECKED = "siap", "Siap diimpor (pratinjau)"
    IMPORTING = "mengimpor", "Sedang diimpor"
    DONE = "selesai", "Selesai diimpor"
    REFUSED = "ditolak", "Berkas ditolak"
    CANCELLED = "dibatalkan", "Dibatalkan"
    FAILED = "gagal", "Gagal (kesalahan sistem)"


class ImportBatch(models.Model):
    """One import file: who uploaded it, when, which file (name and SHA-256), how far
    the check or the import has gone, and the summary of what it would do / did."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diunggah oleh",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("diunggah", auto_now_add=True)
    file_name = models.CharField("nama berkas", max_length=255)
    file_sha256 = models.CharField("SHA-256 berkas", max_length=64, db_index=True)
    file_size = models.BigIntegerField("ukuran berkas (byte)", default=0)
    # Where the uploaded file is kept (under MEDIA_ROOT); never deleted: it is the record
    # of what the batch created (decision 27).
    stored_path = models.CharField(max_length=500, blank=True)
    file_format = models.CharField("format", max_length=8, blank=True)
    status = models.CharField(
        "status", max_length=12, choices=BatchStatus.choices, default=BatchStatus.WAITING
    )
    # A dry run only checks: nothing is ever applied from it.
    dry_run = models.BooleanField("hanya periksa", default=False)
    stage = models.CharField("tahap", max_length=200, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    # Refusal of the whole file (unreadable, no header...), in Indonesian.
    file_problem = models.TextField("masalah berkas", blank=True)
    summary = models.JSONField("ringkasan", default=dict, blank=True)
    checked_at = models.DateTimeField("diperiksa", null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diimpor oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField("diimpor", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)

    class Meta:
        verbose_name = "batch impor"
        verbose_name_plural = "batch impor"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Impor #{self.pk} {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def is_running(self) -> bool:
        return self.status in (BatchStatus.WAITING, BatchStatus.CHECKING, BatchStatus.IMPORTING)


class ImportProblem(models.Model):
    """A problem found in one row (or cell) of an import file. `is_error` problems skip
    the row; the others are warnings shown in the preview (the row is imported)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="problems")
    row_number = models.PositiveIntegerField("baris")
    column = models.CharField("kolom", max_length=40, blank=True)
    message = models.TextField("masalah")
    is_error = models.BooleanField("galat", default=True)

    class Meta:
        verbose_name = "masalah impor"
        verbose_name_plural = "masalah impor"
        indexes = [models.Index(fields=["batch", "row_number"])]

    def __str__(self) -> str:
        return f"baris {self.row_number}: {self.message}"


class StagedRow(models.Model):
    """One valid row of an import file, parsed and normalised, waiting to be applied.
    Filled by COPY during the check; the plan columns (what the row will do) are set
    by SQL over the whole batch; deleted when the batch is finished or cancelled."""

    # No database-level foreign key, and no index of its own (the two below start with
    # it): a million-row COPY would otherwise queue a million foreign-key checks (~10 µs
    # each) for rows that all name the one batch the pipeline is checking. Deleting a
    # batch still deletes its staged rows (Django's cascade).
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    row_number = models.PositiveIntegerField()
    # Rows of one household: the No. KK, or "#<row>" for a row without one.
    group_key = models.CharField(max_length=24)
    source_id = models.CharField(max_length=64, blank=True)
    no_kk = models.CharField(max_length=16, null=True)
    nik = models.CharField(max_length=16, null=True)
    name = models.CharField(max_length=150)
    sex = models.CharField(max_length=1)
    birth_place = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField(null=True)
    relation = models.CharField(max_length=20, blank=True)
    marital_status = models.CharField(max_length=20, blank=True)
    education = models.CharField(max_length=20, blank=True)
    occupation = models.CharField(max_length=100, blank=True)
    disabilities = ArrayField(models.CharField(max_length=16), default=list)
    address = models.CharField(max_length=255, blank=True)
    rt = models.CharField(max_length=3, blank=True)
    rw = models.CharField(max_length=3, blank=True)
    village_id = models.CharField(max_length=13)
    ppks_numbers = ArrayField(models.PositiveSmallIntegerField(), default=list)
    desil = models.PositiveSmallIntegerField(null=True)
    nik_mismatch = models.CharField(max_length=300, blank=True)
    # The plan, set by the check: the existing person/household this row updates.
    person_id = models.BigIntegerField(null=True)
    household_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["batch", "group_key"]),
            models.Index(fields=["batch", "row_number"]),
        ]

    def __str__(self) -> str:
        return f"baris {self.row_number} ({self.name})"
