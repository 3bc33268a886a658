"""职责清单: what a unit takes, who answers for it, and which time limits apply to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jiuzhu.app.config.models.kinds import HelpKind

# Codes of the TimeLimit rows the referral flow reads.
RECEIPT_LIMIT = "referral_receipt"
ANSWER_LIMIT = "referral_answer"
ANSWER_LIMIT_RURAL = "referral_answer_rural"
PLAN_ITEM_LIMIT = "plan_item"


class ResponsibilityList(models.Model):
    unit = models.OneToOneField("accounts.Unit", on_delete=models.CASCADE, related_name="responsibilities",
                                verbose_name="单位")
    kinds = models.JSONField("承接事项", default=list, blank=True,
                             help_text="该单位承接的移送和救助方案事项种类（代码列表），决定事项分派到哪个单位")
    duties = models.TextField("职责说明", blank=True)
    liaisons = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="liaison_for",
                                      verbose_name="联络员")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="leads_units", verbose_name="负责人")
    receipt_limit_code = models.CharField("签收时限", max_length=40, default=RECEIPT_LIMIT,
                                          help_text="期限配置表中的代码")
    answer_limit_code = models.CharField("反馈时限", max_length=40, default=ANSWER_LIMIT,
                                         help_text="期限配置表中的代码；扶贫/乡村振兴为 referral_answer_rural")
    active = models.BooleanField("启用", default=True)

    class Meta:
        db_table = "referrals_responsibilitylist"
        verbose_name = "职责清单"
        verbose_name_plural = "职责清单"
        ordering = ["unit_id"]

    def __str__(self) -> str:
        return f"{self.unit.name}职责清单"

    def takes(self, kind: str) -> bool:
        return kind in (self.kinds or [])

    def kind_labels(self) -> list[str]:
        return [HelpKind(k).label if k in HelpKind.values else k for k in self.kinds or []]
