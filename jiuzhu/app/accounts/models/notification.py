"""In-app notices to a user (超期提醒, 新移送, 反馈 …); e-mailed as well when the deployment configures mail.
The table keeps its first name, referrals_notification: the model moved here, the table did not."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name="接收人")
    key = models.CharField("去重键", max_length=80, help_text="同一接收人同一键只通知一次")
    text = models.CharField("内容", max_length=300)
    link = models.CharField("链接", max_length=200, blank=True)
    referral = models.ForeignKey("referrals.Referral", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="notifications", verbose_name="移送")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed = models.BooleanField("已发邮件", default=False)

    class Meta:
        db_table = "referrals_notification"
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once")]

    def __str__(self) -> str:
        return self.text
