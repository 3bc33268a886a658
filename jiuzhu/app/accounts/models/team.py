from __future__ import annotations

from django.conf import settings
from django.db import models


class Team(models.Model):
    """专项帮扶小组: cases with its tag go to its members' queue, and its partner unit joins them."""

    code = models.SlugField("代码", max_length=30, unique=True)
    name = models.CharField("名称", max_length=50)
    tag = models.CharField("对应标签", max_length=20, unique=True)  # 未成年人 / 残疾人 / 退役军人
    partner_units = models.ManyToManyField("accounts.Unit", blank=True, verbose_name="协作单位", related_name="teams")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, verbose_name="成员", related_name="teams")

    class Meta:
        verbose_name = "专项帮扶小组"
        verbose_name_plural = "专项帮扶小组"

    def __str__(self) -> str:
        return self.name
