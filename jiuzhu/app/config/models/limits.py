"""Configuration a county changes in the admin, not in code: time limits and the wage table."""

from __future__ import annotations

from django.db import models


class TimeLimit(models.Model):
    """One time limit (期限), one row. Days are working days on the statutory calendar; a limit
    counted in calendar months instead (the first follow-up visit) sets `months` and leaves
    `working_days` at 0. Other apps add their own rows in their own data migrations."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    working_days = models.PositiveSmallIntegerField("工作日数", default=0)
    months = models.PositiveSmallIntegerField("自然月数", default=0, help_text="按自然月计的期限填写此项，工作日数填0")
    enforced = models.BooleanField("作为期限", default=True,
                                   help_text="不勾选表示只作考核目标统计（如县院7个工作日审批目标），不标逾期")
    note = models.CharField("依据/说明", max_length=200, blank=True)

    class Meta:
        db_table = "casework_timelimit"
        verbose_name = "期限设置"
        verbose_name_plural = "期限设置"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.describe()}）"

    def describe(self) -> str:
        return f"{self.months}个月" if self.months else f"{self.working_days}个工作日"


PLACEHOLDER_SOURCE = "初始示例数据"  # how casework's migration 0002 marks the seeded wage figures


class WageRate(models.Model):
    """上一年度职工月平均工资 of a 设区市: the base of every amount (36 × base is the normal cap)."""

    year = models.PositiveSmallIntegerField("年度")
    region = models.CharField("设区市", max_length=30)
    monthly_wage_fen = models.BigIntegerField("职工月平均工资（分）")
    source = models.CharField("数据来源", max_length=200, blank=True)

    class Meta:
        db_table = "casework_wagerate"
        verbose_name = "职工月平均工资"
        verbose_name_plural = "职工月平均工资"
        ordering = ["-year", "region"]
        constraints = [models.UniqueConstraint(fields=["year", "region"], name="wage_rate_year_region")]

    def __str__(self) -> str:
        return f"{self.region}{self.year}年 {self.monthly_wage_fen / 100:.2f}元/月"

    @property
    def is_placeholder(self) -> bool:
        """Seeded by the migration, not yet replaced by the published figure (its source still says so)."""
        return self.source.startswith(PLACEHOLDER_SOURCE)
