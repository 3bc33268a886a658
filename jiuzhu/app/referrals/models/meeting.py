"""定期会商: the county's regular joint meetings, held outside any one case. Each decision is tracked:
a unit answers for it by a due date, and closes it with its result."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RegularMeeting(models.Model):
    held_on = models.DateField("会商日期")
    title = models.CharField("会商名称", max_length=100, default="司法救助与社会救助衔接定期会商")
    place = models.CharField("地点", max_length=100, blank=True)
    units = models.ManyToManyField("accounts.Unit", related_name="regular_meetings", verbose_name="参加单位")
    cases = models.ManyToManyField("casework.Case", blank=True, related_name="regular_meetings",
                                   verbose_name="研究的案件")
    topics = models.TextField("议题")
    minutes = models.TextField("会商纪要", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="记录人")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "定期会商"
        verbose_name_plural = "定期会商"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class DecisionState(models.TextChoices):
    OPEN = "open", "待落实"
    DONE = "done", "已落实"
    NOT_POSSIBLE = "not_possible", "无法落实"


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(RegularMeeting, on_delete=models.CASCADE, related_name="decisions",
                                verbose_name="会商")
    text = models.TextField("议定事项")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="meeting_decisions",
                             verbose_name="落实单位")
    due_date = models.DateField("完成期限")
    state = models.CharField("状态", max_length=16, choices=DecisionState.choices, default=DecisionState.OPEN,
                             db_index=True)
    result = models.TextField("落实情况", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="办结人")

    class Meta:
        verbose_name = "会商议定事项"
        verbose_name_plural = "会商议定事项"
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.unit.name}：{self.text[:30]}"

    @property
    def is_open(self) -> bool:
        return self.state == DecisionState.OPEN
