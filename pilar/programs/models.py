"""Programs as data: what a program gives, to whom (person or household), how much,
when, with which budget and quotas, and its eligibility rule (a JSON tree compiled
by pilar.programs.rules, never evaluated as code).

Written only by pilar.programs.actions (Dinas Sosial and admins, pages and API)
and by the seeding migration; row history by pghistory.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from pilar.audit.trackers import history_trackers
from pilar.programs.choices import BenefitType, Frequency, Level
from pilar.programs.querysets import ProgramQuerySet


def empty_rule() -> dict:
    return {"op": "and", "rules": []}


@pghistory.track(*history_trackers())
class Program(models.Model):
    """One social-assistance program run by an agency (OPD) or received from the
    national government (`is_national`: participation is recorded, nobody is
    enrolled against a local budget). The rule selects eligible persons or
    households depending on `level`; an empty rule selects nobody for
    enrollment purposes and everybody in a preview (national programs have none)."""

    code = models.SlugField("kode", max_length=40, unique=True)
    name = models.CharField("nama program", max_length=150)
    agency = models.CharField("OPD pelaksana", max_length=150)
    level = models.CharField("sasaran", max_length=10, choices=Level.choices)
    benefit_type = models.CharField("jenis manfaat", max_length=15, choices=BenefitType.choices)
    amount = models.DecimalField(
        "nilai manfaat (Rp)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # Amount per school level for education aid, e.g. {"SD": 80000, "SMP": 100000, "SMA": 200000}.
    amount_by_level = models.JSONField("nilai per jenjang (Rp)", default=dict, blank=True)
    frequency = models.CharField(
        "frekuensi", max_length=10, choices=Frequency.choices, default=Frequency.ONCE
    )
    year = models.PositiveSmallIntegerField("tahun anggaran", null=True, blank=True)
    start_date = models.DateField("mulai", null=True, blank=True)
    end_date = models.DateField("selesai", null=True, blank=True)
    budget = models.DecimalField(
        "pagu anggaran (Rp)",
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    is_national = models.BooleanField("program nasional", default=False)
    is_active = models.BooleanField("aktif", default=True)
    rule = models.JSONField("aturan kelayakan", default=empty_rule, blank=True)
    description = models.TextField("keterangan", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diubah oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = "program"
        verbose_name_plural = "program"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="program_period_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_rule(self) -> bool:
        return bool((self.rule or {}).get("rules"))

    @property
    def period_label(self) -> str:
        if self.start_date and self.end_date:
            return f"{self.start_date:%d-%m-%Y} s.d. {self.end_date:%d-%m-%Y}"
        if self.start_date:
            return f"mulai {self.start_date:%d-%m-%Y}"
        if self.year:
            return f"tahun {self.year}"
        return ""


@pghistory.track(*history_trackers())
class ProgramQuota(models.Model):
    """How many recipients a program may have in one kecamatan or kelurahan
    (`area_code`: a Kemendagri code, 36.71.01 or 36.71.01.1001)."""

    program = models.ForeignKey(
        Program, verbose_name="program", on_delete=models.CASCADE, related_name="quotas"
    )
    area_code = models.CharField("kode wilayah", max_length=13)
    quota = models.PositiveIntegerField("kuota")

    class Meta:
        verbose_name = "kuota program"
        verbose_name_plural = "kuota program"
        ordering = ["area_code"]
        constraints = [
            models.UniqueConstraint(fields=["program", "area_code"], name="program_quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.area_code}: {self.quota}"
