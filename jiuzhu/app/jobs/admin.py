from django.contrib import admin

from jiuzhu.app.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs carry ids and counts only; the worker alone changes them."""

    list_display = ("id", "kind", "state", "submitted_by", "created_at", "finished_at", "message")
    list_filter = ("kind", "state")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
