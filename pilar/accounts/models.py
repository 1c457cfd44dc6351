"""User accounts, their role and area, API tokens and the login security policy."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from pilar.accounts.choices import (
    CITY_ROLES,
    EDITOR_ROLES,
    HEALTH_DATA_ROLES,
    PERSON_DATA_ROLES,
    REGISTRY_WRITE_ROLES,
    REVEAL_ROLES,
    Role,
)
from pilar.regions.deployment import regency


class User(AbstractUser):
    """A person who logs in. The role decides what they may do; the area
    (kecamatan for TKSK, kelurahan for PSM) decides which records they see.
    Written by admins (Django admin) and by `pilar demo`."""

    role = models.CharField("peran", max_length=16, choices=Role.choices, default=Role.PSM)
    district = models.ForeignKey(
        "regions.District",
        verbose_name="kecamatan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    village = models.ForeignKey(
        "regions.Village",
        verbose_name="kelurahan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    psks_worker = models.OneToOneField(
        "psks.PsksWorker",
        verbose_name="data PSKS",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    # For `mitra` users: the agency (OPD or partner) they act for.
    organization = models.CharField("instansi", max_length=200, blank=True)

    class Meta:
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"

    def clean(self) -> None:
        super().clean()
        if self.role == Role.TKSK and not self.district_id:
            raise ValidationError({"district": "TKSK wajib memiliki kecamatan."})
        if self.role == Role.PSM and not self.village_id:
            raise ValidationError({"village": "PSM wajib memiliki kelurahan."})
        if self.role == Role.PSM and self.village is not None:
            self.district_id = self.village.district_id

    @property
    def is_city_wide(self) -> bool:
        return self.role in CITY_ROLES

    @property
    def can_edit(self) -> bool:
        return self.is_active and self.role in EDITOR_ROLES

    @property
    def can_write_registry(self) -> bool:
        """Writes households, persons and PPKS records directly (not through a
        field report): Dinas Sosial and admins."""
        return self.is_active and self.role in REGISTRY_WRITE_ROLES

    @property
    def can_see_people(self) -> bool:
        return self.is_active and self.role in PERSON_DATA_ROLES

    @property
    def can_see_health_data(self) -> bool:
        return self.is_active and self.role in HEALTH_DATA_ROLES

    @property
    def can_reveal_ids(self) -> bool:
        return self.is_active and self.role in REVEAL_ROLES

    @property
    def area_label(self) -> str:
        if self.role == Role.PSM and self.village is not None:
            return f"Kelurahan {self.village.name}"
        if self.role == Role.TKSK and self.district is not None:
            return f"Kecamatan {self.district.name}"
        if self.role in CITY_ROLES:
            return regency().name
        return "-"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token itself
    is shown once by `pilar token create`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nama", max_length=100, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "token API"
        verbose_name_plural = "token API"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        key = "plr_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=cls.hash_key(key))
        return token, key


class SecurityPolicy(models.Model):
    """Deployment-wide login policy, edited by an admin (a single row)."""

    require_2fa_admin = models.BooleanField("wajib 2FA untuk admin", default=False)
    require_2fa_dinsos = models.BooleanField("wajib 2FA untuk operator Dinas Sosial", default=False)

    class Meta:
        verbose_name = "kebijakan keamanan"
        verbose_name_plural = "kebijakan keamanan"

    def __str__(self) -> str:
        return "Kebijakan keamanan"

    @classmethod
    def current(cls) -> SecurityPolicy:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    def requires_2fa(self, user: User) -> bool:
        if user.role == Role.ADMIN:
            return self.require_2fa_admin
        if user.role == Role.DINSOS:
            return self.require_2fa_dinsos
        return False
