"""Duplicate people: scoring runs, the candidate pairs they propose, the reviewers'
decisions and the merges (with everything needed to undo them).

Written only through pilar.dedup.actions (queue page, background task, CLI).
Pairs and merges hold people's data, so they keep row history (pghistory) like
the registry; the merged persons' own rows keep theirs through the registry's
trackers.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from pilar.audit.trackers import history_trackers
from pilar.dedup.querysets import CandidatePairQuerySet, MergeQuerySet


class RunStatus(models.TextChoices):
    QUEUED = "antre", "Menunggu giliran"
    RUNNING = "berjalan", "Sedang berjalan"
    DONE = "selesai", "Selesai"
    FAILED = "gagal", "Gagal"


class DedupRun(models.Model):
    """One scoring of the registry by the linkage engine: who started it (empty when
    started from the command line), over which area, how far it got and what it found.
    Written by dedup.actions.run_dedup (queue-page button via a background task, or
    `pilar dedup run`)."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dijalankan oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    village_prefix = models.CharField("wilayah (awalan kode)", max_length=20, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress_text = models.CharField("kemajuan", max_length=300, blank=True)
    progress_percent = models.PositiveSmallIntegerField("kemajuan (%)", default=0)
    threshold = models.FloatField("ambang peluang", null=True, blank=True)
    persons_scored = models.PositiveIntegerField("individu dinilai", default=0)
    pairs_found = models.PositiveIntegerField("pasangan ditemukan", default=0)
    pairs_new = models.PositiveIntegerField("pasangan baru", default=0)
    pairs_removed = models.PositiveIntegerField("pasangan lama dihapus", default=0)
    error = models.TextField("galat", blank=True)
    # The parameters the run scored with (training.Model.as_json): estimated on the
    # persons scored, refined by reviewers' decisions, or the shipped model (issue 14).
    # The create forms' look-alike check scores with the latest run's model.
    model = models.JSONField("model yang dipakai", null=True, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    started_at = models.DateTimeField("mulai", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)

    class Meta:
        verbose_name = "proses pencarian duplikat"
        verbose_name_plural = "proses pencarian duplikat"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Pencarian duplikat #{self.pk} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class PairStatus(models.TextChoices):
    OPEN = "terbuka", "Belum diperiksa"
    SAME = "sama", "Orang yang sama (digabung)"
    DIFFERENT = "berbeda", "Orang berbeda"


# Only decisions are history: runs replace open pairs wholesale, and a row event
# per re-scored pair would say nothing a reader needs.
_PAIR_DECISION = pghistory.AnyChange("status", "note", "decided_by")


@pghistory.track(
    pghistory.UpdateEvent("before_update", row=pghistory.Old, condition=_PAIR_DECISION),
    pghistory.UpdateEvent(condition=_PAIR_DECISION),
    pghistory.DeleteEvent(),
    fields=["person_a", "person_b", "probability", "status", "decided_by", "decided_at", "note"],
    model_name="CandidatePairEvent",
)
class CandidatePair(models.Model):
    """Two persons the linkage engine thinks may be one (`person_a` has the lower id),
    with the probability and the per-field evidence it gave, and the reviewer's
    decision. Open pairs are replaced by each run; decided pairs are kept and never
    proposed again. Written by dedup.actions (run_dedup, decide_different, merge,
    undo_merge)."""

    person_a = models.ForeignKey(
        "registry.Person", verbose_name="individu A", on_delete=models.PROTECT, related_name="+"
    )
    person_b = models.ForeignKey(
        "registry.Person", verbose_name="individu B", on_delete=models.PROTECT, related_name="+"
    )
    probability = models.FloatField("peluang sama")
    # A list of FieldEvidence as dicts: field, label, level, weight.
    evidence = models.JSONField("bukti per kolom", default=list, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=PairStatus.choices, default=PairStatus.OPEN
    )
    run = models.ForeignKey(
        DedupRun,
        verbose_name="proses",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pairs",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diputuskan oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("diputuskan pada", null=True, blank=True)
    note = models.CharField("catatan", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidatePairQuerySet.as_manager()

    class Meta:
        verbose_name = "pasangan calon duplikat"
        verbose_name_plural = "pasangan calon duplikat"
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="dedup_pair_unique"),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="dedup_pair_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-probability"], name="dedup_pair_queue_idx"),
            models.Index(fields=["person_b"], name="dedup_pair_person_b_idx"),
        ]

    def __str__(self) -> str:
        return f"Pasangan #{self.pk}: {self.person_a_id} & {self.person_b_id}"

    @property
    def percent(self) -> int:
        # 0.9995 is not certainty: only an exact 1.0 shows as 100%.
        value = round(self.probability * 100)
        return min(value, 99) if self.probability < 1 else value


@pghistory.track(*history_trackers())
class Merge(models.Model):
    """A decision "same person" carried out: `merged` was made inactive and recorded
    as merged into `survivor`, which received the chosen value of each field.
    `snapshot` holds both persons' rows and every membership / PPKS row the merge
    touched, before and after, so an undo can put everything back exactly.
    Written by dedup.actions.merge_pair and undo_merge."""

    pair = models.ForeignKey(
        CandidatePair, verbose_name="pasangan", on_delete=models.PROTECT, related_name="merges"
    )
    survivor = models.ForeignKey(
        "registry.Person",
        verbose_name="data yang dipertahankan",
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged = models.ForeignKey(
        "registry.Person",
        verbose_name="data yang digabungkan",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # field -> "a" | "b": whose value the reviewer chose, with the value itself.
    chosen = models.JSONField("pilihan nilai", default=dict)
    # {"persons": {id: {"before": {...}, "after": {...}}},
    #  "memberships": {id: {"before": {...}, "after": {...}}}, "ppks": {...}}
    snapshot = models.JSONField("keadaan sebelum dan sesudah", default=dict)
    moved_memberships = models.JSONField("keanggotaan dipindah", default=list)
    moved_ppks = models.JSONField("data PPKS dipindah", default=list)
    closed_memberships = models.JSONField("keanggotaan ditutup", default=list)
    closed_ppks = models.JSONField("data PPKS diselesaikan", default=list)
    note = models.CharField("catatan", max_length=500, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="digabung oleh",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField("digabung pada", auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dibatalkan oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField("dibatalkan pada", null=True, blank=True)

    objects = MergeQuerySet.as_manager()

    class Meta:
        verbose_name = "penggabungan individu"
        verbose_name_plural = "penggabungan individu"
        indexes = [
            models.Index(fields=["survivor"], name="dedup_merge_survivor_idx"),
            models.Index(fields=["merged"], name="dedup_merge_merged_idx"),
        ]

    def __str__(self) -> str:
        return f"Penggabungan #{self.pk}: {self.merged_id} ke {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
