"""When each household was last visited and verified, and when it is due again.

One row per active household, kept by pilar.freshness.refresh: set-based for the
whole registry (`pilar freshness`, nightly) and for one household when a report,
a death, a move or a disaster record touches it (signals.py). The rules are in
rules.py; `village` is copied from the household so the due list of a kelurahan
reads one index."""

from __future__ import annotations

from django.db import models

from pilar.accounts.scope import ScopedQuerySet
from pilar.freshness.choices import DueReason, EventKind


class FreshnessQuerySet(ScopedQuerySet):
    village_path = "village"


class HouseholdFreshness(models.Model):
    """A household's last visit (a field report reached the office) and last
    verification (a validated report, or a date an import or the office recorded),
    the latest event that calls for an earlier visit, and the resulting due date."""

    household = models.OneToOneField(
        "registry.Household", primary_key=True, on_delete=models.CASCADE, related_name="freshness"
    )
    village = models.ForeignKey(
        "regions.Village", verbose_name="kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    last_visited_on = models.DateField("kunjungan terakhir", null=True, blank=True)
    last_verified_on = models.DateField("verifikasi terakhir", null=True, blank=True)
    event_kind = models.CharField("peristiwa", max_length=10, choices=EventKind.choices, blank=True)
    event_on = models.DateField("tanggal peristiwa", null=True, blank=True)
    due_on = models.DateField("kunjungan berikutnya")
    due_reason = models.CharField("dasar jatuh tempo", max_length=15, choices=DueReason.choices)
    computed_at = models.DateTimeField("dihitung")

    objects = FreshnessQuerySet.as_manager()

    class Meta:
        verbose_name = "kesegaran data keluarga"
        verbose_name_plural = "kesegaran data keluarga"
        indexes = [
            # The due list of one kelurahan, earliest first; and overdue counts.
            # (household last: the lists' tie-break, so no sort is left to do.)
            models.Index(fields=["village", "due_on", "household"], name="freshness_village_due"),
            models.Index(fields=["due_on"], name="freshness_due"),
        ]

    def __str__(self) -> str:
        return f"Keluarga #{self.household_id}: {self.due_on}"


class OverdueAlert(models.Model):
    """Whether a kecamatan's overdue share is above the alert threshold, so its TKSK is
    told once when it passes the threshold (not every night it stays above)."""

    district = models.OneToOneField(
        "regions.District", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    above = models.BooleanField(default=False)
    share = models.DecimalField("persen terlambat", max_digits=5, decimal_places=1, default=0)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "peringatan keterlambatan"
        verbose_name_plural = "peringatan keterlambatan"

    def __str__(self) -> str:
        return f"{self.district_id}: {self.share}%"


class DueMonth(models.Model):
    """A month whose pending visits per kelurahan (DueMonthVillage) are frozen, so the
    performance figures of a past month ("households visited against those due") stay
    what they were at its end. Written by pilar.freshness.monthly: every night for the
    current month (`pilar freshness`), and once more after the month ended by the
    first run or read that is closer to its end than its last nightly write."""

    month = models.DateField("bulan", primary_key=True)
    taken_at = models.DateTimeField("dihitung")

    class Meta:
        verbose_name = "kunjungan tertunda bulanan"
        verbose_name_plural = "kunjungan tertunda bulanan"

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({self.taken_at:%Y-%m-%d %H:%M})"


class DueMonthVillage(models.Model):
    """Households of a kelurahan whose visit was due by the month's end and not made
    since its start, as counted when the month was frozen (DueMonth.taken_at). A
    kelurahan with none has no row."""

    month = models.ForeignKey(DueMonth, on_delete=models.CASCADE, related_name="villages")
    village = models.ForeignKey(
        "regions.Village", verbose_name="kelurahan", on_delete=models.PROTECT, related_name="+"
    )
    pending = models.PositiveIntegerField("tertunda")

    class Meta:
        verbose_name = "kunjungan tertunda bulanan per kelurahan"
        verbose_name_plural = "kunjungan tertunda bulanan per kelurahan"
        constraints = [
            models.UniqueConstraint(fields=["month", "village"], name="freshness_due_month_village")
        ]

    def __str__(self) -> str:
        return f"{self.month_id:%Y-%m} {self.village_id}: {self.pending}"
