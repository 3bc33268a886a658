from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who saw, exported or changed what, and when: an append-only hash chain (accounts/chain.py).

    No field holds personal data: ids, field names, counts, and keyed hashes (`hmac:…`) of personal values.
    On PostgreSQL a trigger refuses UPDATE and DELETE; `jiuzhu audit verify` finds any change on any database."""

    class Action(models.TextChoices):
        VIEW = "view", "查看"
        EXPORT = "export", "导出"
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        DENIED = "denied", "越权访问被拒"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "登录被锁定"
        LOGOUT = "logout", "退出登录"
        IMPORT = "import", "导入"

    seq = models.BigIntegerField("序号", unique=True, null=True, editable=False)
    at = models.DateTimeField("时间", db_index=True)
    # No database constraint: deleting a user must not touch the trail (the trigger refuses the SET NULL).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+", verbose_name="用户")
    username = models.CharField("用户名", max_length=150, blank=True)  # kept if the user is deleted
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象编号", max_length=100, blank=True)
    detail = models.JSONField("说明", default=dict, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    prev_hash = models.CharField("前一条校验值", max_length=64, blank=True, editable=False)
    hash = models.CharField("校验值", max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_type}:{self.object_id}"
        )

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:  # the same refusal as the PostgreSQL trigger, on every database
            raise ValueError("审计记录只能追加，不能修改 / audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("审计记录不能删除 / audit entries cannot be deleted")
