"""The kinds of help a referral asks for or a plan item delivers (workflow.md §4), one vocabulary for both.

Each kind names the unit that usually takes it; that is only the default a new 职责清单 starts from —
the county's own 职责清单 in the admin decides where an item is routed."""

from __future__ import annotations

from django.db import models


class HelpKind(models.TextChoices):
    JUDICIAL_AID = "judicial_aid", "司法救助"
    DIBAO = "dibao", "低保"
    TEKUN = "tekun", "特困供养"
    TEMP_RELIEF = "temp_relief", "临时救助"
    CHILD_CARE = "child_care", "事实无人抚养儿童认定"
    DISABILITY_SUBSIDY = "disability_subsidy", "残疾人两项补贴"
    REHABILITATION = "rehabilitation", "残疾人康复"
    COUNSELLING = "counselling", "心理疏导"
    SCHOOL_TRANSFER = "school_transfer", "转学"
    FEE_WAIVER = "fee_waiver", "学费减免"
    STUDENT_GRANT = "student_grant", "助学金"
    TWO_FREE_ONE_SUBSIDY = "two_free_one_subsidy", "两免一补"
    LEGAL_AID = "legal_aid", "法律援助"
    SKILLS_TRAINING = "skills_training", "职业技能培训"
    JOB_REFERRAL = "job_referral", "岗位推荐"
    PUBLIC_WELFARE_JOB = "public_welfare_job", "公益性岗位"
    PAIRING = "pairing", "结对帮扶"
    POVERTY_MONITORING = "poverty_monitoring", "防止返贫监测帮扶"
    MEDICAL_AID = "medical_aid", "医疗救助"
    VETERAN_SUPPORT = "veteran_support", "退役军人帮扶"


# unit code → the kinds its 职责清单 lists when first created
DEFAULT_KINDS: dict[str, tuple[str, ...]] = {
    "procuratorate": (HelpKind.JUDICIAL_AID,),
    "civil_affairs": (HelpKind.DIBAO, HelpKind.TEKUN, HelpKind.TEMP_RELIEF, HelpKind.CHILD_CARE),
    "disability_federation": (HelpKind.DISABILITY_SUBSIDY, HelpKind.REHABILITATION),
    "rural_revitalization": (HelpKind.POVERTY_MONITORING, HelpKind.PAIRING),
    "human_resources": (HelpKind.SKILLS_TRAINING, HelpKind.JOB_REFERRAL, HelpKind.PUBLIC_WELFARE_JOB),
    "education": (HelpKind.SCHOOL_TRANSFER, HelpKind.FEE_WAIVER, HelpKind.STUDENT_GRANT, HelpKind.TWO_FREE_ONE_SUBSIDY),
    "womens_federation": (HelpKind.COUNSELLING,),
    "veterans_affairs": (HelpKind.VETERAN_SUPPORT,),
    "justice_bureau": (HelpKind.LEGAL_AID,),
    "medical_insurance": (HelpKind.MEDICAL_AID,),
    "court": (),
    "public_security": (),
}
