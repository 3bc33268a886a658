"""救助方案 items (物质 + 精神 + 发展): each routed to a unit, with its due date, state and result.
A case cannot close while one of its items is open (casework checks `case.plan_items.open()`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiuzhu.app.config.models import HelpKind


class PlanItemState(models.TextChoices):
    OPEN = "open", "待落实"
    IN_PROGRESS = "in_progress", "落实中"
    DONE = "done", "已落实"
    NOT_POSSIBLE = "not_possible", "无法落实"
    CANCELLED = "cancelled", "已撤销"


OPEN_PLAN_STATES = (PlanItemState.OPEN, PlanItemState.IN_PROGRESS)


class PlanItemQuerySet(models.QuerySet):
    def open(self) -> PlanItemQuerySet:
        return self.filter(state__in=OPEN_PLAN_STATES)

    def closed(self) -> PlanItemQuerySet:
        return self.exclude(state__in=OPEN_PLAN_STATES)


class PlanItem(models.Model):
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="plan_items",
                             verbose_name="案件")
    kind = models.CharField("帮扶事项", max_length=30, choices=HelpKind.choices)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="plan_items",
                             verbose_name="承办单位")
    description = models.TextField("具体内容", blank=True)
    due_date = models.DateField("完成期限")
    state = models.CharField("状态", max_length=16, choices=PlanItemState.choices, default=PlanItemState.OPEN,
                             db_index=True)
    referral = models.ForeignKey("referrals.Referral", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="plan_items", verbose_name="对应移送")
    result = models.TextField("落实结果", blank=True)
    amount_fen = models.BigIntegerField("金额（分）", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="制定人")
    created_at = models.DateTimeField("制定时间", auto_now_add=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = "救助方案事项"
        verbose_name_plural = "救助方案事项"
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.unit.name}）"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_PLAN_STATES
