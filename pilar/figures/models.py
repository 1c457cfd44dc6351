"""Summary tables: the figures leaders read, kept current instead of counted per page.

Every figure table holds one row per kelurahan (and type, sex, age group, program …)
with counts; `snapshot` is null for the kept (current) figures and names a `Snapshot`
for a month's frozen ones, so a month reads the same rows whether it is this month or
a past one. Written only by pilar.figures.refresh (rebuild and incremental refresh of
the kelurahan that database triggers marked in `Dirty`) and pilar.figures.snapshots
(freeze, backfill). Nobody edits them; `pilar figures rebuild` recomputes them from
the registry at any time.

The foreign keys carry no database constraint: the rows are derived and rebuilt, and
a constraint check per row would only slow the refresh and lock registry rows.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from pilar.figures.choices import AgeGroup, SnapshotMethod, Topic


def _village() -> models.ForeignKey:
    return models.ForeignKey(
        "regions.Village",
        verbose_name="kelurahan",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )


def _snapshot() -> models.ForeignKey:
    return models.ForeignKey(
        "figures.Snapshot",
        verbose_name="potret bulan",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )


class FigureState(models.Model):
    """The kept figures' state (one row): the reference date their ages and overdue
    counts are computed on, and when they were last rebuilt. Written by
    pilar.figures.refresh."""

    as_of = models.DateField("angka per tanggal")
    rebuilt_at = models.DateTimeField("dihitung ulang pada")
    rebuild_seconds = models.FloatField("lama hitung ulang (detik)", default=0)
    refreshed_at = models.DateTimeField("diperbarui pada", null=True, blank=True)

    class Meta:
        verbose_name = "status angka"
        verbose_name_plural = "status angka"

    def __str__(self) -> str:
        return f"angka per {self.as_of:%d-%m-%Y}"


class Dirty(models.Model):
    """A kelurahan whose figures of one topic are stale (possibly several rows for one
    kelurahan and topic). Inserted by the statement triggers on the registry's tables
    (migration 0002) in the writing transaction, so it commits or rolls back with the
    write; deleted by the refresh that recounts it."""

    village_id = models.CharField("kelurahan", max_length=13)
    topic = models.PositiveSmallIntegerField("topik", choices=Topic.choices)
    marked_at = models.DateTimeField("ditandai", auto_now_add=True)

    class Meta:
        verbose_name = "angka usang"
        verbose_name_plural = "angka usang"
        # No unique constraint: a writer would wait on another transaction's
        # uncommitted mark of the same kelurahan (an import holds its marks for a
        # minute); duplicates are cheap and the refresh deletes them all.

    def __str__(self) -> str:
        return f"{self.village_id}/{self.topic}"


class Snapshot(models.Model):
    """A month's frozen figures. `beku`: copied from the kept figures while the month
    was current (the last copy of the month stays); `susulan`: recomputed later from the
    records' own dates for a month before the first frozen one, with `note` saying which
    figures could not be recomputed honestly (left empty). A past month's snapshot is
    never rewritten. Written by pilar.figures.snapshots."""

    month = models.DateField("bulan", unique=True)  # the first day of the month
    method = models.CharField("cara", max_length=8, choices=SnapshotMethod.choices)
    as_of = models.DateField("angka per tanggal")
    taken_at = models.DateTimeField("diambil pada")
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField("catatan", blank=True)

    class Meta:
        verbose_name = "potret bulanan"
        verbose_name_plural = "potret bulanan"
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} ({self.get_method_display()})"


class PpksFigure(models.Model):
    """Active PPKS records per kelurahan × type × sex × age group (sex and age group
    empty for household- and community-level records)."""

    snapshot = _snapshot()
    village = _village()
    ppks_type = models.ForeignKey(
        "ppks.PpksType",
        verbose_name="jenis PPKS",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    sex = models.CharField("jenis kelamin", max_length=1, blank=True)
    age_group = models.CharField("kelompok usia", max_length=5, choices=AgeGroup.choices)
    n = models.PositiveIntegerField("jumlah")

    class Meta:
        verbose_name = "angka PPKS"
        verbose_name_plural = "angka PPKS"
        indexes = [models.Index(fields=["snapshot", "village"], name="figures_ppks_idx")]

    def __str__(self) -> str:
        return f"{self.village_id} PPKS {self.ppks_type_id} {self.sex}/{self.age_group}: {self.n}"


class AreaFigure(models.Model):
    """One kelurahan's population, poverty, RTLH, data-quality and waiting-report
    figures. In a backfilled snapshot a figure that cannot be recomputed from the
    records' dates is null (Snapshot.note says which)."""

    snapshot = _snapshot()
    village = _village()
    households = models.PositiveIntegerField("keluarga aktif")
    persons = models.PositiveIntegerField("individu hidup", null=True)
    persons_no_nik = models.PositiveIntegerField("individu tanpa NIK", null=True)
    # desil[0] = households in desil 1 … desil[9] = desil 10 (the national decile).
    desil = ArrayField(models.PositiveIntegerField(), size=10, verbose_name="desil", null=True)
    desil_unknown = models.PositiveIntegerField("desil tidak diketahui", null=True)
    poverty_assessed = models.PositiveIntegerField("keluarga diasesmen (14 kriteria)")
    poverty_poor = models.PositiveIntegerField("keluarga miskin (14 kriteria BPS)")
    fakir_miskin = models.PositiveIntegerField("keluarga fakir miskin (PPKS 24)")
    rtlh_assessed = models.PositiveIntegerField("rumah diasesmen RTLH")
    rtlh = models.PositiveIntegerField("RTLH tersisa")
    never_visited = models.PositiveIntegerField("keluarga belum pernah dikunjungi", null=True)
    assessments_overdue = models.PositiveIntegerField("asesmen jatuh tempo", null=True)
    duplicates_open = models.PositiveIntegerField("pasangan duplikat menunggu")
    reports_to_verify = models.PositiveIntegerField("laporan menunggu verifikasi TKSK")
    reports_to_validate = models.PositiveIntegerField("laporan menunggu validasi Dinas Sosial")
    reports_returned = models.PositiveIntegerField("laporan dikembalikan", null=True)
    # Households whose next visit (pilar.freshness) is past on the reference date. Null
    # in a backfilled month: the freshness table keeps only the current due date.
    visits_overdue = models.PositiveIntegerField("kunjungan terlambat", null=True)

    class Meta:
        verbose_name = "angka kelurahan"
        verbose_name_plural = "angka kelurahan"
        indexes = [models.Index(fields=["snapshot", "village"], name="figures_area_idx")]

    def __str__(self) -> str:
        return f"{self.village_id}: {self.households} keluarga"


class ProgramFigure(models.Model):
    """One program period's coverage in one kelurahan: eligible (listed as candidate
    or enrolled), proposed, enrolled (approved, delivered or completed), delivered,
    and the amounts planned for and paid to the enrolled."""

    snapshot = _snapshot()
    village = _village()
    program = models.ForeignKey(
        "programs.Program",
        verbose_name="program",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    period = models.PositiveSmallIntegerField("periode (tahun)")
    eligible = models.PositiveIntegerField("layak (kandidat dan peserta)", null=True)
    proposed = models.PositiveIntegerField("diusulkan", null=True)
    enrolled = models.PositiveIntegerField("peserta")
    delivered = models.PositiveIntegerField("sudah menerima")
    amount_planned = models.DecimalField("nilai rencana (Rp)", max_digits=18, decimal_places=2)
    amount_delivered = models.DecimalField("nilai disalurkan (Rp)", max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = "angka program"
        verbose_name_plural = "angka program"
        indexes = [models.Index(fields=["snapshot", "village"], name="figures_program_idx")]

    def __str__(self) -> str:
        return f"{self.village_id} program {self.program_id}/{self.period}: {self.enrolled}"


class ReportFigure(models.Model):
    """Field reports of one kelurahan by month (Asia/Jakarta): submitted for the first
    time that month, validated or rejected that month, and the days from first
    submission to that decision (summed, for the mean turnaround). A decided report's
    month never changes, so past months stay as they were without a snapshot."""

    village = _village()
    month = models.DateField("bulan")
    submitted = models.PositiveIntegerField("diajukan")
    validated = models.PositiveIntegerField("divalidasi")
    rejected = models.PositiveIntegerField("ditolak")
    decided_days = models.FloatField("jumlah hari sampai keputusan")

    class Meta:
        verbose_name = "angka laporan lapangan"
        verbose_name_plural = "angka laporan lapangan"
        indexes = [models.Index(fields=["village", "month"], name="figures_report_idx")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.month:%Y-%m}: {self.submitted} laporan"


class Boundary(models.Model):
    """The outline of one kecamatan or kelurahan for the dashboard map (GeoJSON
    geometry, [longitude, latitude]). Loaded from the region data shipped with Pilar
    (pilar/regions/data/geo/) or by `pilar figures boundaries --file`; nothing else
    writes it."""

    code = models.CharField("kode wilayah", max_length=13, primary_key=True)
    level = models.CharField("tingkat", max_length=10)  # "kecamatan" / "kelurahan"
    name = models.CharField("nama", max_length=100)
    geometry = models.JSONField("geometri (GeoJSON)")
    source = models.CharField("sumber", max_length=200, blank=True)

    class Meta:
        verbose_name = "batas wilayah"
        verbose_name_plural = "batas wilayah"
        indexes = [models.Index(fields=["level", "code"], name="figures_boundary_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
