"""Admin: clues (read-mostly), screening runs, and the rule switches a data administrator uses."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from jiuzhu.app.clues.models import Clue, RuleSetting, ScreeningRun


@admin.register(Clue)
class ClueAdmin(admin.ModelAdmin):
    list_display = ("id", "rule", "person_name", "priority", "state", "facts_current", "target_unit", "as_of",
                    "rule_version")
    list_filter = ("rule", "state", "facts_current", "target_unit")
    search_fields = ("person_name", "key")
    readonly_fields = ("key", "rule", "rule_name", "rule_version", "person_key", "person_name", "person_id_number",
                       "priority", "tags", "target_unit", "suggested_help", "reason", "records", "facts",
                       "facts_current", "as_of", "first_seen", "last_seen", "lapsed_at", "updated_at")


class RuleSettingForm(forms.ModelForm):
    class Meta:
        model = RuleSetting
        fields = ("rule", "enabled", "parameters", "definition", "note")

    def clean(self) -> dict:
        data = super().clean()
        # Reject unknown parameters or a malformed definition here, not at the next screening.
        # here, not at the top: the engine (DuckDB, Splink) loads when a setting is saved, not with every Django start
        from jiuzhu.engine.api import RuleError, check_rule_setting

        try:
            check_rule_setting(data.get("rule") or "", data.get("parameters") or {}, data.get("definition"))
        except RuleError as err:
            raise forms.ValidationError(str(err)) from err
        return data


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    form = RuleSettingForm
    list_display = ("rule", "enabled", "note", "updated_at", "updated_by")
    list_editable = ("enabled",)

    def save_model(self, request, obj, form, change) -> None:  # type: ignore[no-untyped-def]
        obj.updated_by = request.user.get_username()
        super().save_model(request, obj, form, change)


@admin.register(ScreeningRun)
class ScreeningRunAdmin(admin.ModelAdmin):
    list_display = ("as_of", "engine", "started_at", "finished_at", "created", "updated", "lapsed", "started_by")
    readonly_fields = [f.name for f in ScreeningRun._meta.fields]
