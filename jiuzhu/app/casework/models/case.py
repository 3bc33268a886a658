"""The case (救助案件): from 受理 to 结案, one person, one procuratorate unit."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models


class Category(models.TextChoices):
    """救助对象类别: 《人民检察院开展国家司法救助工作细则》第七条 (七类)."""

    SEVERE_INJURY = "severe_injury", "（一）被害人受犯罪侵害致重伤或严重残疾，不能获得赔偿，生活困难"
    URGENT_TREATMENT = "urgent_treatment", "（二）被害人受犯罪侵害危及生命，急需救治，无力承担医疗费用"
    DEATH_DEPENDANTS = "death_dependants", "（三）被害人受犯罪侵害致死，近亲属或被扶养人不能获得赔偿，生活困难"
    PROPERTY_LOSS = "property_loss", "（四）被害人财产遭受重大损失，不能获得赔偿，生活困难"
    RETALIATION = "retaliation", "（五）举报人、证人、鉴定人受打击报复致人身伤害或重大财产损失，生活困难"
    CIVIL_TORT = "civil_tort", "（六）道路交通事故等民事侵权致人身伤害，无法通过诉讼获得赔偿，生活困难"
    OTHER = "other", "（七）人民检察院认为需要救助的其他人员"


class Origin(models.TextChoices):
    SCREENING = "screening", "数据筛查线索"
    APPLICATION = "application", "当事人申请"
    HAND_CLUE = "hand_clue", "人工录入线索（移送、信访等）"


class CaseState(models.TextChoices):
    REVIEWING = "reviewing", "审查中"
    APPROVING = "approving", "审批中"
    APPROVED = "approved", "已审批待决定"
    GRANTED = "granted", "决定救助"
    PAYING = "paying", "发放中"
    PAID = "paid", "已发放"
    REFUSED = "refused", "不予救助"
    CLOSED = "closed", "已结案"


OPEN_CASE_STATES = (
    CaseState.REVIEWING, CaseState.APPROVING, CaseState.APPROVED, CaseState.GRANTED,
    CaseState.PAYING, CaseState.PAID, CaseState.REFUSED,
)


class Case(models.Model):
    number = models.CharField("案号", max_length=60, unique=True)
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="cases", verbose_name="承办单位")
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handled_cases",
                                verbose_name="承办检察官")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="cases", verbose_name="专项帮扶小组")
    clue = models.OneToOneField("clues.Clue", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="case", verbose_name="来源线索")
    origin = models.CharField("案件来源", max_length=16, choices=Origin.choices, default=Origin.SCREENING)
    state = models.CharField("状态", max_length=12, choices=CaseState.choices, default=CaseState.REVIEWING,
                             db_index=True)
    tags = models.JSONField("标签", default=list, blank=True)

    # the person helped (救助对象) and whoever applies for them
    person_key = models.CharField("人员键", max_length=32, blank=True, db_index=True)
    person_name = models.CharField("救助对象姓名", max_length=64)
    person_id_number = models.CharField("救助对象身份证号", max_length=18, blank=True, db_index=True)
    township = models.CharField("乡镇", max_length=30, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    applicant_name = models.CharField("申请人", max_length=64, blank=True)
    applicant_relation = models.CharField("与救助对象关系", max_length=20, blank=True, default="本人")
    applicant_phone = models.CharField("申请人电话", max_length=20, blank=True)
    category = models.CharField("救助对象类别", max_length=20, choices=Category.choices)
    documents_received = models.TextField("已收材料", blank=True)

    # the underlying 案件 (judgment / enforcement number): one grant per person per 案件
    underlying_case_no = models.CharField("原案案号", max_length=80, blank=True, db_index=True)
    crime_or_cause = models.CharField("案由/罪名", max_length=80, blank=True)

    accepted_on = models.DateField("受理日期")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="受理人")
    review_due = models.DateField("审查期限")

    urgent = models.BooleanField("先行救助", default=False)
    urgent_reason = models.CharField("先行救助理由", max_length=200, blank=True)
    urgent_paperwork_done_on = models.DateField("先行救助补办手续完成日期", null=True, blank=True)

    closed_on = models.DateField("结案日期", null=True, blank=True)
    outcome = models.TextField("结案情况", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    units = models.ManyToManyField("accounts.Unit", through="casework.CaseUnit", related_name="joined_cases",
                                   verbose_name="参与单位")

    class Meta:
        verbose_name = "救助案件"
        verbose_name_plural = "救助案件"
        ordering = ["-accepted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.person_name}"

    @property
    def report_or_none(self):
        """The case's 审查报告, or None before one is written (the reverse one-to-one raises instead)."""
        try:
            return self.report
        except ObjectDoesNotExist:
            return None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CASE_STATES


class CaseUnit(models.Model):
    """A unit taking part in a case: it sees the case's timeline (三共享三互通) and nothing else."""

    class How(models.TextChoices):
        LEAD = "lead", "承办"
        TEAM = "team", "专项小组协作单位"
        MEETING = "meeting", "参加联合研判"
        REFERRAL = "referral", "移送协作"
        MANUAL = "manual", "人工添加"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_units", verbose_name="案件")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="case_links",
                             verbose_name="单位")
    how = models.CharField("参与方式", max_length=10, choices=How.choices, default=How.MANUAL)
    joined_at = models.DateTimeField("加入时间", auto_now_add=True)

    class Meta:
        verbose_name = "案件参与单位"
        verbose_name_plural = "案件参与单位"
        constraints = [models.UniqueConstraint(fields=["case", "unit"], name="case_unit_once")]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.unit.name}"

    @classmethod
    def join(cls, case, unit, how: str) -> bool:
        """Add a unit to the case once (the first way it joined is kept); True when it was new."""
        _, created = cls.objects.get_or_create(case=case, unit=unit, defaults={"how": how})
        return created
