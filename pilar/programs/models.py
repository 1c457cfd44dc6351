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
from pilar.programs.choices import (
    ACTIVE_ENROLLMENT,
    BenefitType,
    EnrollmentStatus,
    Frequency,
    Level,
    StepAction,
)
from pilar.programs.querysets import EnrollmentQuerySet, ProgramQuerySet

MSG_TWICE_HOUSEHOLD = "Keluarga ini sudah terdaftar pada program ini untuk periode yang sama."
MSG_TWICE_PERSON = "Individu ini sudah terdaftar pada program ini untuk periode yang sama."


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


def evidence_path(instance: Enrollment, filename: str) -> str:
    import os
    import uuid

    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"penyaluran/{instance.program_id}/{instance.pk}-{uuid.uuid4().hex[:8]}{ext}"


@pghistory.track(*history_trackers())
class Enrollment(models.Model):
    """One household (household programs) or person (person programs) in one program
    period, from candidate to completed (or rejected). Candidates are generated
    set-based from the program's rule with their priority score (pilar.programs.
    priority: `priority_parts` explains `priority_total`); later statuses are set by
    pilar.programs.enrollment actions (Dinas Sosial, admins), each with an
    EnrollmentStep. `village` is the household's kelurahan when listed: the scope
    of the row and the area its quota counts against."""

    # The foreign keys' own indexes would repeat the composite ones below (each
    # index costs every candidate-list insert of 150,000 rows): db_index=False.
    program = models.ForeignKey(
        Program,
        verbose_name="program",
        on_delete=models.PROTECT,
        related_name="enrollments",
        db_index=False,
    )
    period = models.PositiveSmallIntegerField("periode (tahun)")
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="keluarga",
        on_delete=models.PROTECT,
        related_name="enrollments",
        db_index=False,
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name="individu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrollments",
        db_index=False,
    )
    village = models.ForeignKey(
        "regions.Village", verbose_name="kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "status",
        max_length=12,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.CANDIDATE,
    )
    priority_total = models.IntegerField("skor prioritas", default=0)
    priority_parts = models.JSONField("rincian skor", default=dict, blank=True)
    # Planned amount per delivery (program amount, or by school level).
    amount = models.DecimalField(
        "nilai manfaat (Rp)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    school_level = models.CharField("jenjang", max_length=5, blank=True)
    reject_reason = models.TextField("alasan penolakan", blank=True)
    delivered_on = models.DateField("tanggal penyaluran", null=True, blank=True)
    delivered_amount = models.DecimalField(
        "nilai disalurkan (Rp)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_reason = models.TextField("alasan nilai berbeda", blank=True)
    delivery_note = models.TextField("catatan penyaluran", blank=True)
    evidence = models.FileField("bukti penyaluran", upload_to=evidence_path, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = "kepesertaan program"
        verbose_name_plural = "kepesertaan program"
        ordering = ["-priority_total", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "period", "household"],
                condition=models.Q(person__isnull=True, status__in=ACTIVE_ENROLLMENT),
                name="enrollment_household_once",
                violation_error_message=MSG_TWICE_HOUSEHOLD,
            ),
            models.UniqueConstraint(
                fields=["program", "period", "person"],
                condition=models.Q(person__isnull=False, status__in=ACTIVE_ENROLLMENT),
                name="enrollment_person_once",
                violation_error_message=MSG_TWICE_PERSON,
            ),
            models.CheckConstraint(
                condition=~models.Q(status=EnrollmentStatus.REJECTED) | ~models.Q(reject_reason=""),
                name="enrollment_reject_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "period", "status", "-priority_total"]),
            models.Index(fields=["household", "status"]),
            models.Index(fields=["person"]),
            models.Index(fields=["village", "program"]),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.period} #{self.pk} ({self.get_status_display()})"


class EnrollmentStep(models.Model):
    """One step of an enrollment (a typed domain event): who, when, from which status
    to which, why. Append-only; written by the enrollment actions with the change."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("langkah", max_length=12, choices=StepAction.choices)
    from_status = models.CharField("dari", max_length=12, choices=EnrollmentStatus.choices)
    to_status = models.CharField("menjadi", max_length=12, choices=EnrollmentStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("waktu", auto_now_add=True)
    note = models.TextField("catatan/alasan", blank=True)

    class Meta:
        verbose_name = "langkah kepesertaan"
        verbose_name_plural = "langkah kepesertaan"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.enrollment_id}"


class PartnerAccess(models.Model):
    """What a partner (`mitra` user) may see of one program's beneficiaries beyond
    the default (masked NIK / No. KK). Managed by admins in Django admin; a partner
    sees beneficiaries of their agency's programs with or without a row here."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pengguna mitra",
        on_delete=models.CASCADE,
        related_name="partner_access",
        limit_choices_to={"role": "mitra"},
    )
    program = models.ForeignKey(
        Program, verbose_name="program", on_delete=models.CASCADE, related_name="partner_access"
    )
    may_see_nik = models.BooleanField("boleh melihat NIK/No. KK lengkap", default=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diberikan oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("dasar pemberian (mis. no. perjanjian)", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "akses mitra"
        verbose_name_plural = "akses mitra"
        constraints = [
            models.UniqueConstraint(fields=["user", "program"], name="partner_access_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.program}"
