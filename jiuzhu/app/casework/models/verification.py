"""Assigning a clue to a handler and the outcome of 核查 (the Clue model itself belongs to clues)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Outcome(models.TextChoices):
    ACCEPT = "accept", "立案救助"
    REFER = "refer", "移送他单位"
    EXCLUDE = "exclude", "排除"


class Verification(models.Model):
    clue = models.OneToOneField("clues.Clue", on_delete=models.CASCADE, related_name="verification",
                                verbose_name="线索")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verifications",
                                verbose_name="核查人")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="分派人")
    assigned_on = models.DateField("分派日期")
    due_on = models.DateField("核查期限")
    findings = models.TextField("核查情况", blank=True)
    outcome = models.CharField("核查结论", max_length=10, choices=Outcome.choices, blank=True)
    reason = models.TextField("理由", blank=True)
    refer_to = models.ForeignKey("accounts.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="移送单位")
    decided_on = models.DateField("核查完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "线索核查"
        verbose_name_plural = "线索核查"

    def __str__(self) -> str:
        return f"核查 {self.clue_id}"
