"""Programs as data: what a program gives, to whom (person or household), how much,
when, with which budget and quotas, and its eligibility rule (a JSON tree compiled
by pilar.programs.rules, never evaluated as code).

Written only by pilar.programs.actions (Dinas Sosial and admins, pages and API)
and by the seeding migration; row history by pghistory.
"""

from __future__ import annotations

import os
import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
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
    ext = os.path.splitext(filename)[1].lower()[:10]
    return f"penyaluran/{instance.program_id}/{instance.pk}-{uuid.uuid4().hex[:8]}{ext}"


@pghistory.track(*history_trackers())
class Enrollment(models.Model):
    """One household (household programs) or person (person programs) in one program
    period, from proposed to completed (or rejected). Candidates are listed in
    Candidate (generated set-based from the program's rule with their priority score:
    `priority_parts` explains `priority_total`) and become an Enrollment, with the
    same id, when proposed; later statuses are set by pilar.programs.enrollment
    actions (Dinas Sosial, admins), each with an EnrollmentStep. `village` is the
    household's kelurahan when listed: the scope of the row and the area its quota
    counts against."""

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


def delivery_evidence_path(instance: Delivery, filename: str) -> str:
    ext = os.path.splitext(filename)[1].lower()[:10]
    program_id = instance.enrollment.program_id
    return f"penyaluran/{program_id}/{instance.enrollment_id}-{uuid.uuid4().hex[:8]}{ext}"


@pghistory.track(*history_trackers())
class Delivery(models.Model):
    """One benefit payment or handover to an enrollment: the month it pays (monthly
    programs such as Tangerang Cerdas, up to one per month of the program period) or
    none (one-off and yearly programs: one delivery per enrollment), the date, the
    amount, why it differs from the planned amount, a note and an evidence file.

    Written only by pilar.programs.enrollment (`deliver`, `deliver_month`; Dinas
    Sosial and admins) together with an EnrollmentStep; never edited afterwards.
    The enrollment's own delivered_on/delivered_amount/amount_reason/delivery_note/
    evidence repeat its latest delivery, for readers of one-off programs. What the
    budget counts as paid is the sum of these rows (enrollment.budget_usage)."""

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name="kepesertaan",
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    # First day of the month paid (monthly programs); null for one-off programs.
    period_month = models.DateField("bulan dibayar", null=True, blank=True)
    delivered_on = models.DateField("tanggal penyaluran")
    amount = models.DecimalField(
        "nilai disalurkan (Rp)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    # The enrollment's planned amount when paid: an amount that differs needs a reason.
    planned_amount = models.DecimalField(
        "nilai rencana (Rp)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    amount_reason = models.TextField("alasan nilai berbeda", blank=True)
    note = models.TextField("catatan penyaluran", blank=True)
    evidence = models.FileField(
        "bukti penyaluran", upload_to=delivery_evidence_path, max_length=200, blank=True
    )
    # Null only for deliveries copied by migration 0006 without a recorded step.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dicatat oleh",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField("dicatat pada", auto_now_add=True)

    class Meta:
        verbose_name = "penyaluran"
        verbose_name_plural = "penyaluran"
        ordering = ["period_month", "delivered_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "period_month"],
                condition=models.Q(period_month__isnull=False),
                name="delivery_month_once",
                violation_error_message="Bulan ini sudah dibayarkan kepada peserta ini.",
            ),
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=models.Q(period_month__isnull=True),
                name="delivery_one_off_once",
                violation_error_message="Manfaat ini sudah disalurkan kepada peserta ini.",
            ),
            models.CheckConstraint(
                condition=models.Q(period_month__isnull=True) | models.Q(period_month__day=1),
                name="delivery_month_first_day",
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="delivery_amount_gte_0"),
            models.CheckConstraint(
                condition=models.Q(planned_amount__isnull=True)
                | models.Q(amount=models.F("planned_amount"))
                | ~models.Q(amount_reason=""),
                name="delivery_differs_has_reason",
            ),
        ]

    def __str__(self) -> str:
        month = f" {self.period_month:%Y-%m}" if self.period_month else ""
        return f"#{self.enrollment_id}{month}: {self.amount}"


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


class CandidateGeneration(models.Model):
    """One generation of a program period's candidate list (the audit of the list,
    which has no row history of its own): who, when, with which rule and reference
    date, how many rows were listed and how many earlier candidates replaced.
    Append-only; written by pilar.programs.enrollment.generate_candidates."""

    program = models.ForeignKey(
        Program, verbose_name="program", on_delete=models.CASCADE, related_name="+"
    )
    period = models.PositiveSmallIntegerField("periode (tahun)")
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dibuat oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    generated_at = models.DateTimeField("waktu", auto_now_add=True)
    reference_date = models.DateField("tanggal acuan")
    rule = models.JSONField("aturan kelayakan saat itu", default=dict)
    created = models.PositiveIntegerField("jumlah kandidat")
    removed = models.PositiveIntegerField("kandidat lama yang diganti")
    duration_ms = models.PositiveIntegerField("lama (ms)", default=0)

    class Meta:
        verbose_name = "pembuatan daftar kandidat"
        verbose_name_plural = "pembuatan daftar kandidat"
        ordering = ["-generated_at", "-pk"]
        indexes = [models.Index(fields=["program", "period", "-generated_at"])]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.period} {self.generated_at:%Y-%m-%d %H:%M}: {self.created}"


class Candidate(models.Model):
    """One household (household programs) or person (person programs) on a program
    period's candidate list, with its priority score. A working list, not a record of
    what the office did: generate_candidates replaces a period's rows wholesale,
    set-based, without row history and without database foreign-key checks (decision
    24: 150,000 rows in well under 5 s); each generation is logged in
    CandidateGeneration. `propose` (pilar.programs.enrollment) turns a row into an
    Enrollment with the same id, from then on with row history and steps. Ids are
    drawn from Enrollment's id sequence, so a row keeps its id through the chain.

    The foreign keys are not constrained in the database (the rows are rebuilt from
    the registry each time; on_delete still removes them when Django deletes a
    household or person)."""

    id = models.BigIntegerField(primary_key=True)
    program = models.ForeignKey(
        Program,
        verbose_name="program",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    period = models.PositiveSmallIntegerField("periode (tahun)")
    household = models.ForeignKey(
        "registry.Household",
        verbose_name="keluarga",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name="individu",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    village = models.ForeignKey(
        "regions.Village",
        verbose_name="kelurahan",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    priority_total = models.IntegerField("skor prioritas", default=0)
    # [value, points] per component of pilar.programs.priority.COMPONENTS, flattened.
    priority_pairs = ArrayField(
        models.IntegerField(null=True), verbose_name="rincian skor", default=list, blank=True
    )
    amount = models.DecimalField(
        "nilai manfaat (Rp)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    school_level = models.CharField("jenjang", max_length=5, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnrollmentQuerySet.as_manager()

    # What the shared enrollment table and export read from every row.
    status = EnrollmentStatus.CANDIDATE
    reject_reason = ""
    delivered_on = None
    delivered_amount = None
    evidence = None

    class Meta:
        verbose_name = "kandidat program"
        verbose_name_plural = "kandidat program"
        ordering = ["-priority_total", "pk"]
        # The one index besides the primary key: the list's order within a period.
        indexes = [
            models.Index(
                fields=["program", "period", "-priority_total", "id"],
                name="programs_candidate_rank_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.period} kandidat #{self.pk}"

    def get_status_display(self) -> str:
        return EnrollmentStatus.CANDIDATE.label

    @property
    def priority_parts(self) -> dict:
        """The parts as an enrollment stores them: {key: {"value", "points"}}."""
        # A cycle: priority imports the rules, whose builders import these models.
        from pilar.programs.priority import parts_from_pairs

        return parts_from_pairs(self.priority_pairs)
