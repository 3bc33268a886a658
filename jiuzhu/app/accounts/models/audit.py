from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who saw, exported or changed what, and when. Personal data goes in no field but `before`/`after`
    of a change, which only the audit page shows; `detail` holds ids and counts, never names or ID numbers."""

    class Action(models.TextChoices):
        VIEW = "view", "查看"
        EXPORT = "export", "导出"
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        DENIED = "denied", "越权访问被拒"
        LOGIN = "login", "登录"
        IMPORT = "import", "导入"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="用户")
    username = models.CharField("用户名", max_length=150, blank=True)  # kept if the user is deleted
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象编号", max_length=100, blank=True)
    detail = models.JSONField("说明", default=dict, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_type}:{self.object_id}"
