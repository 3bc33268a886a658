"""回访: visits, planned with a due date and recorded when done."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FollowUp(models.Model):
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="follow_ups",
                             verbose_name="案件")
    planned_on = models.DateField("计划日期")
    due_on = models.DateField("期限")
    done_on = models.DateField("回访日期", null=True, blank=True)
    visitors = models.CharField("回访人员", max_length=200, blank=True)
    units = models.ManyToManyField("accounts.Unit", blank=True, related_name="+", verbose_name="参加单位")
    situation = models.TextField("生活现状", blank=True)
    further_needs = models.TextField("进一步需求", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="记录人")

    class Meta:
        verbose_name = "回访"
        verbose_name_plural = "回访"
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return f"回访 {self.planned_on}"
