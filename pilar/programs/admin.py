"""Django admin: partner access grants (who at a partner agency may see full NIK)."""

from django.contrib import admin

from pilar.programs.models import PartnerAccess


@admin.register(PartnerAccess)
class PartnerAccessAdmin(admin.ModelAdmin):
    list_display = ("user", "program", "may_see_nik", "note", "granted_by", "created_at")
    list_filter = ("may_see_nik", "program")
    search_fields = ("user__username", "user__organization", "program__name", "note")
    autocomplete_fields = ()
    readonly_fields = ("granted_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change or "may_see_nik" in form.changed_data:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
