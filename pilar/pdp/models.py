"""The registers UU 27/2022 asks of the office: data-subject requests (art. 14, 30,
32), personal-data breaches (art. 46), impact assessments (art. 34) and what the
retention rule did (minimise, then archive).

Written only through pilar.pdp.actions (pages, by Dinas Sosial and admins) and
pilar.pdp.retention (`pilar pdp retention`). Requests, breaches and assessments keep
row history (pghistory); the *Step tables are their typed steps (who, when, why).
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models

from pilar.audit.trackers import history_trackers
from pilar.pdp import choices
from pilar.pdp.querysets import RegisterQuerySet, SubjectRequestQuerySet


@pghistory.track(*history_trackers())
class SubjectRequest(models.Model):
    """A request by a data subject (or their guardian): access, correction,
    restriction or objection. Due 3×24 hours after it was received (art. 30, 32).
    `person` is the registry record it concerns (empty while nobody matches);
    `correction` holds the fields asked to change ({field: new value}) and, once
    applied, what the registry action wrote."""

    kind = models.CharField("jenis permintaan", max_length=12, choices=choices.RequestKind.choices)
    status = models.CharField(
        "status",
        max_length=10,
        choices=choices.RequestStatus.choices,
        default=choices.RequestStatus.RECEIVED,
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name="individu",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pdp_requests",
    )
    requester_name = models.CharField("nama pemohon", max_length=150)
    requester_relation = models.CharField(
        "hubungan pemohon", max_length=100, default="diri sendiri"
    )
    requester_contact = models.CharField("kontak pemohon", max_length=200, blank=True)
    channel = models.CharField("saluran", max_length=10, choices=choices.Channel.choices)
    identity_checked = models.BooleanField("identitas pemohon sudah diperiksa", default=False)
    received_at = models.DateTimeField("diterima pada")
    due_at = models.DateTimeField("batas waktu")
    details = models.TextField("isi permintaan")
    correction = models.JSONField("perbaikan yang diminta", default=dict, blank=True)
    outcome = models.TextField("hasil", blank=True)
    closed_at = models.DateTimeField("diselesaikan pada", null=True, blank=True)
    told_at = models.DateTimeField("pemohon diberi tahu pada", null=True, blank=True)
    told_how = models.CharField("cara pemberitahuan", max_length=200, blank=True)
    # A granted restriction or objection holds until lifted (decision 43).
    lifted_at = models.DateTimeField("pembatasan dicabut pada", null=True, blank=True)
    lift_reason = models.TextField("alasan pencabutan", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ditangani oleh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dicatat oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubjectRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "permintaan subjek data"
        verbose_name_plural = "permintaan subjek data"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="pdp_request_clock_idx"),
            models.Index(fields=["person"], name="pdp_request_person_idx"),
        ]

    def __str__(self) -> str:
        return f"Permintaan PDP #{self.pk}"

    def history_label(self) -> str:
        return f"Permintaan PDP #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in choices.OPEN_REQUEST


class RequestStep(models.Model):
    """One step of a request (a typed domain event): who, when, what, why.
    Append-only; written by pilar.pdp.actions together with the change."""

    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("langkah", max_length=12, choices=choices.RequestAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("waktu", auto_now_add=True)
    note = models.TextField("catatan", blank=True)

    class Meta:
        verbose_name = "langkah permintaan PDP"
        verbose_name_plural = "langkah permintaan PDP"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.request_id}"


@pghistory.track(*history_trackers())
class Breach(models.Model):
    """A personal-data breach (kegagalan pelindungan data pribadi, art. 46): what
    happened, when it was found, how, which data and how many people, what is done,
    and when the people concerned and the authority were told in writing (due 3×24
    hours after it was found). Recorded by Dinas Sosial or an admin."""

    title = models.CharField("judul", max_length=200)
    discovered_at = models.DateTimeField("diketahui pada")
    occurred_at = models.DateTimeField("terjadi pada", null=True, blank=True)
    due_at = models.DateTimeField("batas pemberitahuan")
    description = models.TextField("apa yang terjadi")
    cause = models.TextField("bagaimana terjadi")
    data_categories = models.TextField("data pribadi yang terungkap")
    affected_count = models.PositiveIntegerField("perkiraan jumlah subjek data", default=0)
    persons = models.ManyToManyField(
        "registry.Person", verbose_name="subjek data yang diketahui", blank=True, related_name="+"
    )
    consequences = models.TextField("akibat yang mungkin", blank=True)
    measures = models.TextField("upaya penanganan dan pemulihan")
    contact = models.CharField("narahubung", max_length=300)
    status = models.CharField(
        "status", max_length=15, choices=choices.BreachStatus.choices, default="terbuka"
    )
    authority_notified_at = models.DateTimeField(
        "diberitahukan ke lembaga pada", null=True, blank=True
    )
    subjects_notified_at = models.DateTimeField(
        "diberitahukan ke subjek data pada", null=True, blank=True
    )
    closed_at = models.DateTimeField("ditutup pada", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dicatat oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = "insiden data pribadi"
        verbose_name_plural = "insiden data pribadi"
        ordering = ["-discovered_at", "-pk"]

    def __str__(self) -> str:
        return f"Insiden #{self.pk}: {self.title}"

    def history_label(self) -> str:
        return f"Insiden #{self.pk}"

    @property
    def is_notified(self) -> bool:
        return self.authority_notified_at is not None and self.subjects_notified_at is not None


class BreachStep(models.Model):
    """One step of a breach record: who, when, what, why. Append-only."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField("langkah", max_length=10, choices=choices.BreachAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="oleh", on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField("waktu", auto_now_add=True)
    note = models.TextField("catatan", blank=True)

    class Meta:
        verbose_name = "langkah insiden"
        verbose_name_plural = "langkah insiden"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.breach_id}"


@pghistory.track(*history_trackers())
class ImpactAssessment(models.Model):
    """A data-protection impact assessment (DPIA, art. 34) of one processing: what
    it does, why it is needed, the risks to the people concerned, the measures, the
    residual risk, who approved it and when it is reviewed. Two are seeded (duplicate
    matching, program scoring); Dinas Sosial and admins edit and approve them."""

    topic = models.CharField("pemrosesan", max_length=10, choices=choices.AssessmentTopic.choices)
    title = models.CharField("judul", max_length=200)
    processing = models.TextField("uraian pemrosesan")
    purpose = models.TextField("tujuan")
    legal_basis = models.TextField("dasar hukum")
    data_used = models.TextField("data pribadi yang dipakai")
    necessity = models.TextField("kebutuhan dan proporsionalitas")
    risks = models.TextField("risiko bagi subjek data")
    measures = models.TextField("langkah pengendalian")
    risk_level = models.CharField(
        "tingkat risiko sisa", max_length=10, choices=choices.RiskLevel.choices
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="disetujui oleh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_on = models.DateField("tanggal persetujuan", null=True, blank=True)
    review_due = models.DateField("tinjau ulang paling lambat")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diubah oleh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = "penilaian dampak (DPIA)"
        verbose_name_plural = "penilaian dampak (DPIA)"
        ordering = ["topic", "pk"]

    def __str__(self) -> str:
        return self.title


class RetentionRun(models.Model):
    """One run of the retention rule (`pilar pdp retention`): when, by whom, dry run
    or not, the rule in force, and which persons were minimised or archived (ids;
    names are not repeated here). Append-only; written by pilar.pdp.retention."""

    started_at = models.DateTimeField("mulai")
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dijalankan oleh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dry_run = models.BooleanField("uji coba (tanpa perubahan)", default=True)
    minimise_years = models.PositiveSmallIntegerField("minimalkan setelah (tahun)")
    archive_years = models.PositiveSmallIntegerField("arsipkan setelah (tahun)")
    reference_date = models.DateField("tanggal acuan")
    minimised = models.JSONField("individu diminimalkan", default=list)
    archived = models.JSONField("individu diarsipkan", default=list)
    history_removed = models.PositiveIntegerField("riwayat lama dihapus", default=0)
    archive_file = models.CharField("berkas arsip", max_length=300, blank=True)
    archive_sha256 = models.CharField("SHA-256 berkas arsip", max_length=64, blank=True)

    class Meta:
        verbose_name = "proses retensi"
        verbose_name_plural = "proses retensi"
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Retensi {self.started_at:%Y-%m-%d %H:%M}"


class RetainedPerson(models.Model):
    """Where the retention rule has taken one person: minimised (specific data blanked,
    older history removed) or archived (record written to the archive file, live row
    pseudonymised). Written by pilar.pdp.retention; read by the next run and by the
    access export."""

    person = models.OneToOneField(
        "registry.Person", on_delete=models.PROTECT, related_name="retention"
    )
    stage = models.CharField("tahap", max_length=10, choices=choices.RetentionStage.choices)
    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("waktu")

    class Meta:
        verbose_name = "retensi individu"
        verbose_name_plural = "retensi individu"

    def __str__(self) -> str:
        return f"{self.person_id}: {self.get_stage_display()}"
