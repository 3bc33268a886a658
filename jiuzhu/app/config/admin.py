"""The configuration a county edits in the admin: time limits, the wage table and the 职责清单 (Chinese labels
come from the models)."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from jiuzhu.app.config.models import HelpKind, ResponsibilityList, TimeLimit, WageRate


@admin.register(TimeLimit)
class TimeLimitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "working_days", "months", "enforced", "note")
    list_editable = ("working_days", "months", "enforced")


@admin.register(WageRate)
class WageRateAdmin(admin.ModelAdmin):
    list_display = ("year", "region", "monthly_wage_fen", "source", "placeholder")

    @admin.display(description="示例数据（待核实）", boolean=True)
    def placeholder(self, obj: WageRate) -> bool:
        return obj.is_placeholder


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
