"""Admin: the approval levels a county edits and read views of cases."""

from __future__ import annotations

from django.contrib import admin

from jiuzhu.app.casework.models import (
    Approval,
    ApprovalLevel,
    Case,
    CaseUnit,
    Decision,
    FollowUp,
    JointMeeting,
    Payment,
    ReviewReport,
    Task,
    TimelineEvent,
)


@admin.register(ApprovalLevel)
class ApprovalLevelAdmin(admin.ModelAdmin):
    list_display = ("order", "name", "role", "min_amount_fen", "for_exceptional", "for_urgent")
    list_editable = ("name", "role", "min_amount_fen", "for_exceptional", "for_urgent")


class CaseUnitInline(admin.TabularInline):
    model = CaseUnit
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    # Cases change through the web pages (each step audited); the admin only reads them.
    list_display = ("number", "person_name", "state", "category", "accepted_on", "review_due", "urgent", "handler")
    list_filter = ("state", "category", "urgent", "origin")
    search_fields = ("number", "person_name")
    inlines = [CaseUnitInline]

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


for _model in (ReviewReport, JointMeeting, Approval, Decision, Payment, FollowUp, Task, TimelineEvent):
    admin.site.register(_model, type("ReadOnlyAdmin", (admin.ModelAdmin,), {
        "has_change_permission": lambda self, request, obj=None: False,
        "has_add_permission": lambda self, request: False,
    }))
