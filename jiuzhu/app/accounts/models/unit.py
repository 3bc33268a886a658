from __future__ import annotations

from django.db import models


class UnitKind(models.TextChoices):
    """What sort of body a unit is: the built-in departments, and what a county adds itself."""

    DEPARTMENT = "department", "政法机关/政府部门"
    TOWNSHIP = "township", "乡镇/街道"
    SCHOOL = "school", "学校"
    COUNSELLING = "counselling", "心理咨询机构"
    SOCIAL_ORG = "social_org", "社会组织"
    OTHER = "other", "其他"


class Unit(models.Model):
    """A department that takes part: the procuratorate or a partner unit (民政, 残联 …), or one the data
    administrator adds (a 乡镇, a school, a counselling body, a social organisation) with its 职责清单."""

    code = models.SlugField("代码", max_length=40, unique=True,
                            help_text="英文字母、数字、下划线，如 town_junxi；内置单位为 engine/units.py 的代码")
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("单位类型", max_length=16, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
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
