"""审批: the configured levels and each approver's opinion."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApprovalLevel(models.Model):
    """One level of the chain, in order. A level applies when the amount reaches its threshold, or
    when the case is exceptional (over the 36-month cap) and the level is marked for that."""

    order = models.PositiveSmallIntegerField("顺序", unique=True)
    name = models.CharField("名称", max_length=40)
    role = models.CharField("审批角色", max_length=20)
    min_amount_fen = models.BigIntegerField("起审金额（分）", default=0,
                                            help_text="拟救助金额达到此数时需本级审批；0表示每案都需")
    for_exceptional = models.BooleanField("超上限案件必经", default=False)
    for_urgent = models.BooleanField("先行救助时审批", default=False,
                                     help_text="先行救助只经勾选的层级先行审批，其余层级补办")

    class Meta:
        verbose_name = "审批层级"
        verbose_name_plural = "审批层级"
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Approval(models.Model):
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="approvals",
                             verbose_name="案件")
    level = models.PositiveSmallIntegerField("层级顺序")
    level_name = models.CharField("层级", max_length=40)
    role = models.CharField("审批角色", max_length=20)
    round = models.PositiveSmallIntegerField("审批轮次", default=1, help_text="退回补充后重新提交为新一轮")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="审批人")
    agreed = models.BooleanField("同意")
    opinion = models.TextField("审批意见")
    at = models.DateTimeField("审批时间")

    class Meta:
        verbose_name = "审批意见"
        verbose_name_plural = "审批意见"
        ordering = ["round", "level"]
        # Two approvers clicking at once still give one opinion per level and round.
        constraints = [models.UniqueConstraint(fields=["case", "round", "level"], name="approval_once_per_level")]

    def __str__(self) -> str:
        return f"{self.level_name} {'同意' if self.agreed else '不同意'}"
