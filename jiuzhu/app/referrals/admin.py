"""The referral records in the admin (Chinese labels come from the models)."""

from __future__ import annotations

from django.contrib import admin

from jiuzhu.app.referrals.models import PlanItem, Referral, RegistryUpload


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "from_unit", "to_unit", "state", "sent_at", "receipt_due", "answer_due", "result")
    list_filter = ("state", "to_unit", "from_unit", "kind")
    search_fields = ("number",)
    readonly_fields = ("receipt_overdue_at", "answer_overdue_at")
    raw_id_fields = ("case", "clue")


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ("case", "kind", "unit", "due_date", "state")
    list_filter = ("state", "unit", "kind")
    raw_id_fields = ("case", "referral")


@admin.register(RegistryUpload)
class RegistryUploadAdmin(admin.ModelAdmin):
    list_display = ("created_at", "unit", "file_name", "state", "progress")
    list_filter = ("state", "unit")
