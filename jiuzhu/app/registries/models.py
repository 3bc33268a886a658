"""A unit's data-sharing agreement: the source types it may send (api.md "What a unit may send")."""

from __future__ import annotations

from django.db import models


class SourceAgreement(models.Model):
    """Absent for a unit: the defaults (each type's usual sender, sources.md §3) apply."""

    unit = models.OneToOneField("accounts.Unit", on_delete=models.CASCADE, related_name="source_agreement",
                                verbose_name="单位")
    source_types = models.JSONField("可报送的名单类型", default=list, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.CharField("修改人", max_length=150, blank=True)

    class Meta:
        verbose_name = "名单报送范围"
        verbose_name_plural = "名单报送范围"
        ordering = ["unit_id"]

    def __str__(self) -> str:
        return f"{self.unit} 报送范围"
