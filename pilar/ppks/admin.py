"""Django admin for the PPKS reference table. PPKS records are people's data and
are only reached through the scoped, logged pages and API, so they have no admin."""

from __future__ import annotations

from django.contrib import admin

from pilar.ppks.models import PpksType


@admin.register(PpksType)
class PpksTypeAdmin(admin.ModelAdmin):
    """The 26 types are seeded; an admin adjusts their rules when a regulation
    changes (e.g. the toddler age bound). Number and level identify the type in
    reports and validation, so they are fixed once created."""

    list_display = [
        "number",
        "name",
        "short_name",
        "level",
        "age_rule",
        "sex",
        "is_restricted",
        "is_active",
    ]
    list_display_links = ["number", "name"]
    list_filter = ["level", "is_active", "is_restricted"]
    search_fields = ["name", "short_name"]
    ordering = ["number"]
    fields = [
        "number",
        "name",
        "short_name",
        "level",
        ("min_age", "max_age"),
        "sex",
        "has_disability_subtypes",
        "is_restricted",
        "is_active",
    ]

    @admin.display(description="aturan usia")
    def age_rule(self, obj: PpksType) -> str:
        return obj.age_rule_label or "-"

    def get_readonly_fields(self, request, obj=None):
        return ["number", "level"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Records point at types (PROTECT); retire a type with "aktif" instead.
        return False
