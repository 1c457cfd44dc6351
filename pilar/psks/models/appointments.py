"""Decrees appointing PSKS workers (SK) and their allowances (tali asih / insentif).
Written only by pilar.psks.appointments."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models

from pilar.audit.trackers import history_trackers
from pilar.psks.choices import EndReason, Issuer


def decree_path(instance: Appointment, filename: str) -> str:
    return f"sk-psks/{instance.worker_id}/{filename}"


@pghistory.track(*history_trackers())
class Appointment(models.Model):
    """One decree (SK) appointing a worker to an area for a period. A TKSK may hold
    two at once (Kemensos and the head of Dinas Sosial): one active SK per issuer.
    `ended_on` and `end_reason` record an early end (pemberhentian). A worker is
    "appointed" on a day when one of their SKs covers it (pilar.psks.appointments)."""

    worker = models.ForeignKey(
        "psks.PsksWorker",
        verbose_name="pekerja",
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    number = models.CharField("nomor SK", max_length=100)
    decree_date = models.DateField("tanggal SK")
    issuer = models.CharField("penerbit", max_length=10, choices=Issuer.choices)
    district = models.ForeignKey(
        "regions.District",
        verbose_name="kecamatan tugas",
        on_delete=models.PROTECT,
        related_name="+",
    )
    village = models.ForeignKey(
        "regions.Village",
        verbose_name="kelurahan tugas",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField("berlaku mulai")
    ends_on = models.DateField("berlaku sampai")
    ended_on = models.DateField("diberhentikan per", null=True, blank=True)
    end_reason = models.CharField(
        "alasan pemberhentian", max_length=15, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField("keterangan pemberhentian", blank=True)
    decree_file = models.FileField("pindaian SK", upload_to=decree_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "SK penugasan"
        verbose_name_plural = "SK penugasan"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "number"], name="appointment_number_once"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="appointment_order"
            ),
        ]
        indexes = [models.Index(fields=["worker", "ends_on"]), models.Index(fields=["ends_on"])]

    def __str__(self) -> str:
        return f"SK {self.number}"

    @property
    def last_day(self):
        """The last day the SK is in force (an early end cuts it short)."""
        if self.ended_on is not None and self.ended_on < self.ends_on:
            return self.ended_on
        return self.ends_on


class AllowancePeriod(models.Model):
    """A payment period of the allowance (a month, usually), with the amount proposed
    to each worker. Created by Dinas Sosial."""

    name = models.CharField("nama periode", max_length=60, unique=True)
    starts_on = models.DateField("mulai")
    ends_on = models.DateField("selesai")
    amount = models.BigIntegerField("besaran per orang (Rp)")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "periode tali asih"
        verbose_name_plural = "periode tali asih"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="allowance_period_order",
            )
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track(*history_trackers())
class Allowance(models.Model):
    """One worker's allowance for one period: amount, the bank account it goes to
    (copied from the worker when created) and whether it was paid. One per worker per
    period (a database constraint backs the action's check)."""

    period = models.ForeignKey(AllowancePeriod, on_delete=models.PROTECT, related_name="allowances")
    worker = models.ForeignKey(
        "psks.PsksWorker",
        verbose_name="pekerja",
        on_delete=models.PROTECT,
        related_name="allowances",
    )
    amount = models.BigIntegerField("besaran (Rp)")
    bank_name = models.CharField("nama bank", max_length=60, blank=True)
    bank_account = models.CharField("nomor rekening", max_length=30, blank=True)
    bank_account_name = models.CharField("nama pemilik rekening", max_length=150, blank=True)
    paid_on = models.DateField("dibayar tanggal", null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tali asih"
        verbose_name_plural = "tali asih"
        ordering = ["period", "worker__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "worker"], name="allowance_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.worker} · {self.period}"
