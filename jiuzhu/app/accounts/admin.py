from django.contrib import admin

from jiuzhu.app.accounts.models import AuditEvent, Notification, Profile, Team, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """The data administrator adds the county's own units (乡镇, 学校, 心理咨询机构, 社会组织); each gets a
    职责清单 at once (referrals' post_save), edited under 协作移送 › 职责清单."""

    list_display = ("name", "code", "kind", "active")
    list_filter = ("kind", "active")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "unit", "role")
    list_filter = ("unit", "role")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "tag")
    filter_horizontal = ("members", "partner_units")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "object_type", "object_id", "ip")
    # before/after and detail may hold what a person's record said: not shown in the admin
    fields = ("at", "username", "action", "object_type", "object_id", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_id")

    def has_add_permission(self, request):  # the trail is written by the system only
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "text", "read_at", "emailed")
    list_filter = ("emailed",)
