"""Case handling (penanganan) of PPKS records: intake, assessment, plan of
interventions, follow-up visits and closure with an outcome.

All rows are written by pilar.cases.actions (pages and API call them); every
step also appends a CaseStep (the typed domain event: who, when, what, why).
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from pilar.audit.trackers import history_trackers
from pilar.cases import choices
from pilar.cases.querysets import CaseQuerySet
from pilar.core.dates import today


def default_followup_days() -> int:
    return int(getattr(settings, "PILAR_CASE_FOLLOWUP_DAYS", 30))


@pghistory.track(*history_trackers())
class Case(models.Model):
    """The handling of one PPKS record by Dinas Sosial and its field workers.
    At most one open case per record. Opened and closed by Dinas Sosial/admin;
    the assigned worker (TKSK, PSM or a Dinas Sosial social worker) assesses,
    visits and records intervention results."""

    record = models.ForeignKey(
        "ppks.PpksRecord", verbose_name="data PPKS", on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(
        "status",
        max_length=10,
        choices=choices.CaseStatus.choices,
        default=choices.CaseStatus.INTAKE,
    )
    # Intake
    intake_date = models.DateField("tanggal penerimaan")
    intake_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diterima oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    intake_source = models.CharField("sumber", max_length=10, choices=choices.IntakeSource.choices)
    intake_notes = models.TextField("catatan penerimaan", blank=True)
    # Assessment
    needs = ArrayField(
        models.CharField(max_length=16, choices=choices.NeedArea.choices),
        verbose_name="bidang kebutuhan",
        default=list,
        blank=True,
    )
    assessment_notes = models.TextField("hasil asesmen", blank=True)
    assessed_on = models.DateField("tanggal asesmen", null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diasesmen oleh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Assignment and follow-up
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="petugas",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    followup_days = models.PositiveSmallIntegerField(
        "interval tindak lanjut (hari)", default=default_followup_days
    )
    next_due = models.DateField("tindak lanjut berikutnya", null=True, blank=True)
    # The `next_due` of the overdue period the assigned worker was last told about
    # (`pilar cases notify-overdue`): one notice per overdue period, however often
    # the command runs. A visit moves `next_due`, so a new lapse is a new period.
    overdue_notified_due = models.DateField(
        "pemberitahuan terlambat untuk jatuh tempo", null=True, blank=True, editable=False
    )
    # Closure
    closed_on = models.DateField("tanggal ditutup", null=True, blank=True)
    outcome = models.CharField(
        "hasil akhir", max_length=12, choices=choices.Outcome.choices, blank=True
    )
    closure_note = models.TextField("catatan penutupan", blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ditutup oleh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "kasus penanganan"
        verbose_name_plural = "kasus penanganan"
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=~Q(status="ditutup"),
                name="cases_one_open_case_per_record",
            ),
            # A closed case has its outcome and date; an open one has neither.
            models.CheckConstraint(
                condition=(Q(status="ditutup", closed_on__isnull=False) & ~Q(outcome=""))
                | (~Q(status="ditutup") & Q(closed_on__isnull=True, outcome="")),
                name="cases_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_due"]),
            models.Index(fields=["outcome", "closed_on"]),
        ]

    def __str__(self) -> str:
        return f"Kasus #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != choices.CaseStatus.CLOSED

    @property
    def is_overdue(self) -> bool:

        return self.is_open and self.next_due is not None and self.next_due < today()

    def get_needs_display(self) -> list[str]:
        labels = dict(choices.NeedArea.choices)
        return [str(labels.get(n, n)) for n in self.needs]


@pghistory.track(*history_trackers())
class Intervention(models.Model):
    """One item of a case's plan: a referral, a program enrollment, counselling or
    aid, with its target, planned date and result. Added by Dinas Sosial or the
    assigned worker; the result is recorded by them too."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField("jenis", max_length=16, choices=choices.InterventionType.choices)
    target = models.CharField(
        "tujuan", max_length=200, blank=True, help_text="Nama panti, LKS, rumah sakit, dst."
    )
    # For "pendaftaran program": the program planned, and once the household or
    # person is listed there, its enrollment (written by pilar.programs, only linked here).
    program = models.ForeignKey(
        "programs.Program",
        verbose_name="program",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enrollment = models.ForeignKey(
        "programs.Enrollment",
        verbose_name="kepesertaan program",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    planned_date = models.DateField("tanggal rencana")
    status = models.CharField(
        "status",
        max_length=10,
        choices=choices.InterventionStatus.choices,
        default=choices.InterventionStatus.PLANNED,
    )
    done_on = models.DateField("tanggal terlaksana", null=True, blank=True)
    result_note = models.TextField("hasil", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "intervensi"
        verbose_name_plural = "intervensi"
        ordering = ["planned_date", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.target or self.program or '-'})"

    @property
    def target_label(self) -> str:
        if self.program_id and self.program is not None:
            return self.program.name + (f" · {self.target}" if self.target else "")
        return self.target


@pghistory.track(*history_trackers())
class Visit(models.Model):
    """A follow-up visit to the person or household of a case; moves the case's
    next due date. Recorded by the assigned worker or Dinas Sosial."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField("tanggal kunjungan")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="petugas", on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField("catatan")
    latitude = models.DecimalField("lintang", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("bujur", max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kunjungan"
        verbose_name_plural = "kunjungan"
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"Kunjungan {self.visited_on} kasus #{self.case_id}"


class CaseStep(models.Model):
    """One step of a case (a typed domain event): who, when, what, why.
    Append-only; written by the actions together with the change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("langkah", max_length=12, choices=choices.StepAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("waktu", auto_now_add=True)
    note = models.TextField("catatan", blank=True)

    class Meta:
        verbose_name = "langkah penanganan"
        verbose_name_plural = "langkah penanganan"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.case_id}"
