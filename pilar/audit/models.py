"""Accountability records beyond row history (row history is django-pghistory).

AccessLog: who looked at or took out people's data (revealing a NIK, opening a
full record, exporting a list), with a reason where one was asked.
"""

from django.conf import settings
from django.db import models


class AccessAction(models.TextChoices):
    REVEAL_NIK = "buka_nik", "Membuka NIK"
    REVEAL_KK = "buka_kk", "Membuka No. KK"
    VIEW_PERSON = "lihat_individu", "Melihat data individu"
    VIEW_HOUSEHOLD = "lihat_keluarga", "Melihat data keluarga"
    EXPORT = "ekspor", "Ekspor data"
    # An API answer that carried full NIK / No. KK (a list page, a write's answer).
    DISCLOSE_IDS = "nik_api", "Menerima NIK/No. KK utuh lewat API"


class AccessLog(models.Model):
    """One access to people's data. Append-only; written by audit.actions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("tindakan", max_length=20, choices=AccessAction.choices)
    object_type = models.CharField("jenis objek", max_length=50)
    object_id = models.CharField("ID objek", max_length=50, blank=True)
    reason = models.CharField("alasan", max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "log akses"
        verbose_name_plural = "log akses"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.object_type}#{self.object_id}"


class TrailSeal(models.Model):
    """One sealed day of the trail (pilar.audit.chain): for each trail table, the
    columns hashed, the number of rows dated that day and the SHA-256 over their hashes
    in order; ``digest`` hashes all of that with the previous day's digest, so changing,
    removing or adding a row of a sealed day, or a seal, breaks every later link.
    Written by `pilar audit seal` (daily, also by `pilar serve`) and resealed only by
    the retention path, which appends to ``amendments``. Guarded like the trail."""

    day = models.DateField("tanggal", unique=True)
    tables = models.JSONField("tabel", default=dict)
    previous = models.CharField("digest hari sebelumnya", max_length=64, blank=True)
    digest = models.CharField("digest", max_length=64)
    sealed_at = models.DateTimeField("disegel pada", auto_now_add=True)
    amendments = models.JSONField("perubahan lewat retensi", default=list, blank=True)

    class Meta:
        verbose_name = "segel jejak harian"
        verbose_name_plural = "segel jejak harian"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.digest[:12]}"
