"""PSKS types (reference data) and the registry of PSKS workers (TKSK, PSM, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q

from pilar.accounts.choices import Role
from pilar.accounts.scope import ScopedQuerySet, area_q
from pilar.audit.trackers import history_trackers

if TYPE_CHECKING:  # annotations only
    from pilar.accounts.models import User


class PsksType(models.Model):
    """One of the 12 PSKS types. Seeded by migration, editable by admins."""

    number = models.PositiveSmallIntegerField("nomor", unique=True)
    name = models.CharField("nama", max_length=200)
    short_name = models.CharField("singkatan", max_length=20)
    is_person = models.BooleanField("perorangan", default=True)
    min_age = models.PositiveSmallIntegerField("usia minimal", null=True, blank=True)
    max_age = models.PositiveSmallIntegerField("usia maksimal", null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "jenis PSKS"
        verbose_name_plural = "jenis PSKS"

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class PsksWorkerQuerySet(ScopedQuerySet):
    village_path = "village"

    def restrict(self, user: User, action="view"):

        # A TKSK is assigned to a kecamatan only; they are visible to their kecamatan.
        q = area_q(user, "village", action)
        if getattr(user, "role", None) == Role.TKSK and user.district_id and action == "view":
            q |= Q(district_id=user.district_id, village__isnull=True)
        elif getattr(user, "is_city_wide", False):
            q |= Q(district__regency_id=settings.PILAR_REGION, village__isnull=True)
        return self.filter(q)


@pghistory.track(*history_trackers())
class PsksWorker(models.Model):
    """A PSKS worker (TKSK of a kecamatan, PSM of a kelurahan, ...) with contact
    and active period. User accounts of TKSK and PSM link here. Written by
    Dinas Sosial staff and by `pilar demo`."""

    psks_type = models.ForeignKey(PsksType, verbose_name="jenis PSKS", on_delete=models.PROTECT)
    name = models.CharField("nama", max_length=150)
    nik = models.CharField("NIK", max_length=16, blank=True)
    phone = models.CharField("telepon", max_length=20, blank=True)
    email = models.EmailField("email", blank=True)
    address = models.CharField("alamat", max_length=255, blank=True)
    district = models.ForeignKey(
        "regions.District", verbose_name="kecamatan", on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "regions.Village",
        verbose_name="kelurahan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active_from = models.DateField("aktif sejak")
    active_until = models.DateField("aktif sampai", null=True, blank=True)
    notes = models.TextField("catatan", blank=True)
    # Where the allowance (tali asih) is paid; copied onto each Allowance when it is
    # created, so a later change of account does not rewrite past payments.
    bank_name = models.CharField("nama bank", max_length=60, blank=True)
    bank_account = models.CharField("nomor rekening", max_length=30, blank=True)
    bank_account_name = models.CharField("nama pemilik rekening", max_length=150, blank=True)

    objects = PsksWorkerQuerySet.as_manager()

    class Meta:
        verbose_name = "pekerja PSKS"
        verbose_name_plural = "pekerja PSKS"
        ordering = ["district", "village", "name"]

    def __str__(self) -> str:
        return f"{self.psks_type.short_name} {self.name}"
