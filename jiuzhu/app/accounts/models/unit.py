from __future__ import annotations

from django.db import models


class Unit(models.Model):
    """A department that takes part: the procuratorate or a partner unit (民政, 残联 …)."""

    code = models.SlugField("代码", max_length=40, unique=True)  # a unit kind code of engine/units.py
    name = models.CharField("名称", max_length=100)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_procuratorate(self) -> bool:
        return self.code == "procuratorate"
