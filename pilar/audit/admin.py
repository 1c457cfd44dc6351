from django.contrib import admin

from pilar.audit.models import AccessLog, TrailSeal


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "action", "object_type", "object_id", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["user__username", "object_id", "reason"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrailSeal)
class TrailSealAdmin(admin.ModelAdmin):
    """Read-only: seals are written by `pilar audit seal` and checked by `verify`."""

    list_display = ["day", "rows", "digest", "sealed_at", "amended"]
    fields = ("day", "digest", "previous", "sealed_at", "tables", "amendments")
    readonly_fields = fields
    date_hierarchy = "day"

    @admin.display(description="baris")
    def rows(self, obj: TrailSeal) -> int:
        return sum(t.get("count", 0) for t in obj.tables.values())

    @admin.display(description="diubah lewat retensi", boolean=True)
    def amended(self, obj: TrailSeal) -> bool:
        return bool(obj.amendments)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
