"""Admin: dedup runs only (read-only), for following and diagnosing scoring runs.

Candidate pairs and merges hold people's data and change only through
pilar.dedup.actions (area checks, history, undo), so they have no admin, like the
registry; their row history is browsable through pghistory's admin."""

from django.contrib import admin

from pilar.dedup.models import DedupRun


@admin.register(DedupRun)
class DedupRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "status",
        "started_by",
        "village_prefix",
        "persons_scored",
        "pairs_found",
        "pairs_new",
        "created_at",
        "finished_at",
    )
    list_filter = ("status",)
    readonly_fields = [f.name for f in DedupRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
