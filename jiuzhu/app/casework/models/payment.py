"""发放: one payment per case, requested → received → paid. The unique case is the exactly-once guard."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PaymentState(models.TextChoices):
    REQUESTED = "requested", "已申请资金"
    RECEIVED = "received", "资金已到账"
    PAID = "paid", "已发放"


class Method(models.TextChoices):
    BANK = "bank", "银行转账"
    CASH = "cash", "现金"
    CARD = "card", "社保卡/惠民卡"


class Payment(models.Model):
    case = models.OneToOneField("casework.Case", on_delete=models.PROTECT, related_name="payment",
                                verbose_name="案件")
    amount_fen = models.BigIntegerField("发放金额（分）")
    state = models.CharField("状态", max_length=10, choices=PaymentState.choices, default=PaymentState.REQUESTED)
    requested_on = models.DateField("申请资金日期")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="申请人")
    received_on = models.DateField("资金到账日期", null=True, blank=True)
    notify_due = models.DateField("通知申请人期限", null=True, blank=True)
    notified_on = models.DateField("通知申请人日期", null=True, blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    method = models.CharField("发放方式", max_length=8, choices=Method.choices, blank=True)
    account = models.CharField("收款账户", max_length=60, blank=True)
    receipt_no = models.CharField("收据/凭证号", max_length=60, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="发放人")

    class Meta:
        verbose_name = "救助金发放"
        verbose_name_plural = "救助金发放"
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~models.Q(state="paid") | (models.Q(paid_on__isnull=False) & ~models.Q(receipt_no="")),
                name="payment_paid_has_date_and_receipt"),
        ]

    def __str__(self) -> str:
        return f"发放 {self.case.number}"
