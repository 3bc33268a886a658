from django.contrib import admin

from jiuzhu.app.registries.models import SourceAgreement


@admin.register(SourceAgreement)
class SourceAgreementAdmin(admin.ModelAdmin):
    list_display = ("unit", "source_types", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")
