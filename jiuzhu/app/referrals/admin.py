"""职责清单 and the referral records in the admin (Chinese labels come from the models)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from jiuzhu.app.casework.models import TimeLimit
from jiuzhu.app.referrals.models import (
    HelpKind,
    Notification,
    PlanItem,
    Referral,
    RegistryUpload,
    ResponsibilityList,
)


def _limit_choices() -> list[tuple[str, str]]:
    return [(t.code, str(t)) for t in TimeLimit.objects.filter(working_days__gt=0)]


class ResponsibilityListForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(label="承接事项", choices=HelpKind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text="决定救助方案事项和移送分派到哪个单位；同一事项可由几个单位承接"
                                                "（如公益性岗位：人社局和乡镇），分派时由检察官选择")
    receipt_limit_code = forms.ChoiceField(label="签收时限", choices=_limit_choices)
    answer_limit_code = forms.ChoiceField(label="反馈时限", choices=_limit_choices)

    class Meta:
        model = ResponsibilityList
        fields = "__all__"


@admin.register(ResponsibilityList)
class ResponsibilityListAdmin(admin.ModelAdmin):
    form = ResponsibilityListForm
    list_display = ("unit", "kinds_text", "leader", "receipt_limit_code", "answer_limit_code", "active")
    filter_horizontal = ("liaisons",)

    @admin.display(description="承接事项")
    def kinds_text(self, obj: ResponsibilityList) -> str:
        return "、".join(obj.kind_labels()) or "—"


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


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "text", "read_at", "emailed")
    list_filter = ("emailed",)


@admin.register(RegistryUpload)
class RegistryUploadAdmin(admin.ModelAdmin):
    list_display = ("created_at", "unit", "file_name", "state", "progress")
    list_filter = ("state", "unit")
