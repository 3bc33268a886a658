"""Tasks: every step someone owes, with its due date, for the deadlines views."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TaskKind(models.TextChoices):
    VERIFY = "verify", "核查线索"
    REVIEW = "review", "审查并提交审批"
    APPROVE = "approve", "审批"
    DECIDE = "decide", "作出决定"
    REQUEST_FUNDS = "request_funds", "申请救助资金"
    NOTIFY = "notify", "通知申请人领取"
    PAY = "pay", "发放救助金"
    FOLLOW_UP = "follow_up", "回访"
    PAPERWORK = "paperwork", "先行救助补办手续"
    CLOSE = "close", "结案"


class Task(models.Model):
    kind = models.CharField("事项", max_length=16, choices=TaskKind.choices)
    title = models.CharField("说明", max_length=120)
    case = models.ForeignKey("casework.Case", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="tasks", verbose_name="案件")
    clue = models.ForeignKey("clues.Clue", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name="线索")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="tasks", verbose_name="承办人")
    role = models.CharField("承办角色", max_length=20, blank=True, help_text="未指定到人时，由该角色任一人办理")
    limit_code = models.CharField("期限代码", max_length=40, blank=True)
    due_on = models.DateField("期限", null=True, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    overdue_at = models.DateTimeField("超期提醒时间", null=True, blank=True,
                                      help_text="超期后首次提醒承办人和负责人的时间；只提醒一次")

    class Meta:
        verbose_name = "待办事项"
        verbose_name_plural = "待办事项"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_on", "due_on"], name="task_open_due")]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        """The title without the case number, for the case's own page: "部门负责人审核", not "审批"."""
        if self.case_id and self.title.endswith(f"：{self.case.number}"):
            return self.title[: -len(self.case.number) - 1]
        return self.title
