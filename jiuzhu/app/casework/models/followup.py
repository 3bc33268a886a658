"""回访: visits, planned with a due date and recorded when done."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiuzhu.app.config.models import HelpKind


class NeedState(models.TextChoices):
    """A need found at a visit: proposed by whoever visited, routed (or declined) by the procuratorate."""

    NONE = "", "—"
    PROPOSED = "proposed", "待检察院确认"
    ROUTED = "routed", "已纳入救助方案"
    DECLINED = "declined", "不纳入"


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
    need_kind = models.CharField("需求事项", max_length=30, blank=True,
                                 help_text="回访人建议的帮扶事项（职责清单中的事项代码），检察院确认时可改")
    need_state = models.CharField("需求处理", max_length=10, choices=NeedState.choices, blank=True, default="")
    need_plan_item = models.ForeignKey("referrals.PlanItem", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name="纳入的救助方案事项")
    need_note = models.CharField("不纳入理由", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="记录人")

    class Meta:
        verbose_name = "回访"
        verbose_name_plural = "回访"
        ordering = ["planned_on", "id"]

    def __str__(self) -> str:
        return f"回访 {self.planned_on}"

    @property
    def need_kind_label(self) -> str:

        return HelpKind(self.need_kind).label if self.need_kind in HelpKind.values else ""
