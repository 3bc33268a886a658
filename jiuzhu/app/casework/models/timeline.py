"""The shared timeline of a case (三共享三互通): every unit in the case reads the same events."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimelineEvent(models.Model):
    case = models.ForeignKey("casework.Case", on_delete=models.CASCADE, related_name="timeline",
                             verbose_name="案件")
    at = models.DateTimeField("时间", db_index=True)
    unit = models.ForeignKey("accounts.Unit", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name="单位")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name="经办人")
    kind = models.CharField("类型", max_length=30)
    text = models.TextField("内容")

    class Meta:
        verbose_name = "案件进展"
        verbose_name_plural = "案件进展"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.text[:30]}"


def add_event(case, kind: str, text: str, *, actor=None, unit=None, at: datetime | None = None) -> TimelineEvent:
    """Append one event. `unit` defaults to the actor's unit. Text is what every unit in the
    case reads: plain Chinese, no ID numbers."""
    if unit is None and actor is not None:
        profile = getattr(actor, "profile", None)
        unit = getattr(profile, "unit", None)
    return TimelineEvent.objects.create(case=case, kind=kind, text=text, actor=actor, unit=unit,
                                        at=at or timezone.now())
