"""Django admin for PSKS types and workers. Worker edits go through
`pilar.psks.actions` (same rules and messages as the pages)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from pilar.core.errors import InvalidInput
from pilar.psks import actions
from pilar.psks.models import PsksType, PsksWorker
from pilar.regions.deployment import districts, villages


@admin.register(PsksType)
class PsksTypeAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "short_name", "is_person", "min_age", "max_age"]
    list_display_links = ["number", "name"]
    ordering = ["number"]

    def get_readonly_fields(self, request, obj=None):
        # The number identifies PSM and TKSK in the worker rules (actions.py).
        return ["number"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False


class PsksWorkerAdminForm(forms.ModelForm):
    class Meta:
        model = PsksWorker
        fields = actions.WORKER_FIELDS

    def clean(self):
        cleaned = super().clean() or {}
        data = {field: cleaned.get(field) for field in actions.WORKER_FIELDS}
        try:
            self.action_values = actions.clean_worker(data)
        except InvalidInput as exc:
            for field, messages in exc.errors.items():
                target = field if field in self.fields else None
                for message in messages:
                    if target is None or target not in self.errors:
                        self.add_error(target, message)
        return cleaned


@admin.register(PsksWorker)
class PsksWorkerAdmin(admin.ModelAdmin):
    form = PsksWorkerAdminForm
    list_display = [
        "name",
        "psks_type",
        "district",
        "village",
        "phone",
        "active_from",
        "active_until",
    ]
    list_filter = ["psks_type", "district"]
    list_select_related = ["psks_type", "district", "village"]
    search_fields = ["name", "phone", "village__name", "district__name"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district":
            kwargs["queryset"] = districts()
        elif db_field.name == "village":
            kwargs["queryset"] = villages()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and actions.can_manage(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and actions.can_manage(request.user)

    def has_delete_permission(self, request, obj=None):
        # A worker who leaves gets an "aktif sampai" date; history stays.
        return False

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data.get(field) for field in actions.WORKER_FIELDS}
        if change:
            current = PsksWorker.objects.get(pk=obj.pk)
            actions.update_worker(current, acting_user=request.user, data=data)
        else:
            obj.pk = actions.create_worker(acting_user=request.user, data=data).pk
