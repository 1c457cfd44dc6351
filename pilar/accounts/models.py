"""User accounts, their role and area, API tokens and the login security policy."""

from __future__ import annotations

import datetime
import hashlib
import secrets

import pghistory
from django.conf import settings
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
    TOKEN_APP_PREFIXES,
    TOKEN_SHARED_PREFIXES,
    Role,
    TokenApp,
)
from pilar.regions.deployment import regency

# What the trail keeps of a user: who they are, their role, area and rights. Not the
# password hash nor the login time (a login is not a change of rights).
USER_AUDITED = (
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "district",
    "village",
    "psks_worker",
    "organization",
    "is_active",
    "is_staff",
    "is_superuser",
)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pghistory.AnyChange(*USER_AUDITED)),
    pghistory.DeleteEvent(),
    fields=list(USER_AUDITED),
    model_name="UserEvent",
)
class User(AbstractUser):
    """A person who logs in. The role decides what they may do; the area
    (kecamatan for TKSK, kelurahan for PSM) decides which records they see.
    Written by admins (Django admin) and by `pilar demo`. Never deleted (the trail
    names them): deactivated instead; role, area and rights changes are row history
    (accounts_userevent)."""

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


@pghistory.track(
    pghistory.InsertEvent("issued"),
    pghistory.UpdateEvent(
        "changed", condition=pghistory.AnyChange("revoked_at", "expires_at", "read_only", "app")
    ),
    pghistory.DeleteEvent(),
    exclude=["key_hash", "last_used_at"],
    model_name="ApiTokenEvent",
)
class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token itself
    is shown once by `pilar token create` (or handed to the field app after a full,
    2FA-verified login). It expires, and may be narrower than its user: read-only,
    and/or one part of the API (``app``). Issuance and revocation are row history
    (accounts_apitokenevent)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField("nama", max_length=100, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField("berlaku sampai", null=True, blank=True)
    read_only = models.BooleanField("hanya baca", default=False)
    app = models.CharField(
        "bagian API", max_length=20, blank=True, choices=TokenApp.choices, default=TokenApp.ALL
    )

    class Meta:
        verbose_name = "token API"
        verbose_name_plural = "token API"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(
        cls,
        user: User,
        name: str = "",
        *,
        days: int | None = None,
        read_only: bool = False,
        app: str = TokenApp.ALL,
    ) -> tuple[ApiToken, str]:
        """A new token valid ``days`` days (default PILAR_TOKEN_DAYS; 0 = no expiry)."""
        key = "plr_" + secrets.token_urlsafe(32)
        days = settings.PILAR_TOKEN_DAYS if days is None else days
        expires = (
            datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=days) if days else None
        )
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:8],
            key_hash=cls.hash_key(key),
            expires_at=expires,
            read_only=read_only,
            app=app,
        )
        return token, key

    def allows_path(self, api_path: str) -> bool:
        """Whether this token may call ``api_path`` (the path after /api/v1)."""
        if not self.app:
            return True
        allowed = TOKEN_APP_PREFIXES.get(self.app, ()) + TOKEN_SHARED_PREFIXES
        return api_path.startswith(allowed)


class SecurityPolicy(models.Model):
    """Deployment-wide login policy, edited by an admin (a single row). Roles listed
    in PILAR_REQUIRE_2FA_ROLES need 2FA whatever this row says (an admin's click
    cannot weaken what the deployment decided)."""

    require_2fa_admin = models.BooleanField("wajib 2FA untuk admin", default=False)
    require_2fa_dinsos = models.BooleanField("wajib 2FA untuk operator Dinas Sosial", default=False)
    require_2fa_pimpinan = models.BooleanField("wajib 2FA untuk pimpinan", default=False)
    require_2fa_tksk = models.BooleanField("wajib 2FA untuk TKSK", default=False)
    require_2fa_psm = models.BooleanField("wajib 2FA untuk PSM", default=False)
    require_2fa_mitra = models.BooleanField("wajib 2FA untuk mitra", default=False)

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
        if user.role in settings.PILAR_REQUIRE_2FA_ROLES:
            return True
        return bool(getattr(self, f"require_2fa_{user.role}", False))
