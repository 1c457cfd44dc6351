"""The monthly reports for the mayor (one PDF per month), listed on /rekap/."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportStatus(models.TextChoices):
    QUEUED = "menunggu", "Menunggu"
    RUNNING = "diproses", "Sedang dibuat"
    DONE = "selesai", "Selesai"
    FAILED = "gagal", "Gagal"


def report_path(instance: MonthlyReport, filename: str) -> str:
    return f"laporan-bulanan/{instance.month:%Y}/{filename}"


class MonthlyReport(models.Model):
    """The month's report PDF (headline figures, charts, recaps). Written by
    `recaps.monthly.generate`, run by `pilar figures monthly` (cron), the task worker
    or the /rekap/ page; a second run for the same month replaces the file."""

    month = models.DateField("bulan", unique=True)  # the first day of the month
    status = models.CharField(
        "status", max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    file = models.FileField("berkas", upload_to=report_path, blank=True)
    size = models.PositiveIntegerField("ukuran (byte)", default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diminta oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    error = models.TextField("kesalahan", blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)

    class Meta:
        verbose_name = "laporan bulanan"
        verbose_name_plural = "laporan bulanan"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"Laporan bulanan {self.month:%Y-%m}"
