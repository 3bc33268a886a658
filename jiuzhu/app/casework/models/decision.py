"""决定: 救助决定书 or 不予救助通知书."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RefusalReason(models.TextChoices):
    MAJOR_FAULT = "major_fault", "对案件发生有重大过错"
    NO_COOPERATION = "no_cooperation", "无正当理由拒不配合查明案件事实"
    FALSE_STATEMENT = "false_statement", "故意作虚假陈述或伪造证据"
    WAIVED = "waived", "主动放弃民事赔偿请求或拒绝加害人赔偿"
    NOT_CASE_CAUSED = "not_case_caused", "生活困难非案件原因所致"
    ALREADY_HELPED = "already_helped", "已通过社会救助等措施获得合理补偿救助"
    OTHER = "other", "其他"


class Decision(models.Model):
    class Kind(models.TextChoices):
        GRANT = "grant", "决定救助"
        REFUSE = "refuse", "不予救助"

    case = models.OneToOneField("casework.Case", on_delete=models.CASCADE, related_name="decision",
                                verbose_name="案件")
    kind = models.CharField("决定", max_length=8, choices=Kind.choices)
    amount_fen = models.BigIntegerField("救助金额（分）", default=0)
    refusal_reason = models.CharField("不予救助理由", max_length=20, choices=RefusalReason.choices, blank=True)
    refusal_text = models.TextField("理由说明", blank=True)
    document_number = models.CharField("文书编号", max_length=60, unique=True)
    decided_on = models.DateField("决定日期")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="经办人")

    class Meta:
        verbose_name = "救助决定"
        verbose_name_plural = "救助决定"
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="decision_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.document_number}"

    @property
    def reason_text(self) -> str:
        if self.refusal_reason == RefusalReason.OTHER:
            return self.refusal_text
        return self.get_refusal_reason_display()
