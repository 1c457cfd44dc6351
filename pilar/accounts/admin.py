"""Django admin for users, the security policy and API tokens.

The admin is for `is_staff` users only (Django's default) and sits behind the
same 2FA enforcement as the pages (TwoFactorRequiredMiddleware)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from pilar.accounts.actions import deactivate_users
from pilar.accounts.models import ApiToken, SecurityPolicy, User
from pilar.regions.deployment import districts, villages

AREA_FIELDS = ("role", "district", "village", "psks_worker", "organization")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "district", "village", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["district", "village"]
    search_fields = ["username", "first_name", "last_name", "email"]
    # A plain id field with a lookup pop-up: select2 (autocomplete) has no accessible name.
    raw_id_fields = ["psks_worker"]
    actions = ["deactivate"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Data pribadi", {"fields": ("first_name", "last_name", "email")}),
        (
            "Peran dan wilayah",
            {
                "fields": AREA_FIELDS,
                "description": "TKSK wajib memiliki kecamatan; PSM wajib memiliki kelurahan "
                "(kecamatannya diisi otomatis).",
            },
        ),
        (
            "Hak akses",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Waktu penting", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("Peran dan wilayah", {"classes": ("wide",), "fields": AREA_FIELDS}),
    )

    @admin.display(description="nama lengkap")
    def get_full_name(self, obj: User) -> str:
        return obj.get_full_name()

    def has_delete_permission(self, request, obj=None):
        # The trail names users (access log, history): deactivate, never delete.
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Nonaktifkan pengguna terpilih (token API ikut dicabut)")
    def deactivate(self, request, queryset):
        count = deactivate_users(queryset)
        self.message_user(request, f"{count} pengguna dinonaktifkan.", messages.SUCCESS)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Users belong to the deployment's own kecamatan and kelurahan only.
        if db_field.name == "district":
            kwargs["queryset"] = districts()
        elif db_field.name == "village":
            kwargs["queryset"] = villages()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    """A single editable row: the list page opens it directly."""

    fields = [
        "require_2fa_admin",
        "require_2fa_dinsos",
        "require_2fa_pimpinan",
        "require_2fa_tksk",
        "require_2fa_psm",
        "require_2fa_mitra",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # Roles the deployment requires 2FA for (PILAR_REQUIRE_2FA_ROLES) cannot be
        # switched off here; say so next to the box.
        for role in settings.PILAR_REQUIRE_2FA_ROLES:
            field = form.base_fields.get(f"require_2fa_{role}")
            if field is not None:
                field.disabled = True
                field.initial = True
                field.help_text = "Diwajibkan oleh konfigurasi server (PILAR_REQUIRE_2FA_ROLES)."
        return form

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        policy = SecurityPolicy.current()
        return redirect(
            reverse(
                f"admin:{policy._meta.app_label}_{policy._meta.model_name}_change",
                args=[policy.pk],
            )
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only list (tokens are created with `pilar token create`) with a revoke action."""

    list_display = [
        "prefix",
        "user",
        "name",
        "app",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["prefix", "user__username", "name"]
    readonly_fields = fields = (
        "prefix",
        "user",
        "name",
        "app",
        "read_only",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Keep revoked tokens: they show who had API access when.
        return False

    @admin.action(description="Cabut token terpilih")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token dicabut.", messages.SUCCESS)
