"""Demo cooperation for `jiuzhu demo` (after casework's demo): 职责清单 contacts, plan items, and referrals in
every state — one overdue — on the first demo cases, plus a clue 民政 sends the procuratorate."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.casework.models import OPEN_CASE_STATES, Case, Category
from jiuzhu.app.casework.services.acceptance import accept_case
from jiuzhu.app.config.dates import today
from jiuzhu.app.config.models import ResponsibilityList
from jiuzhu.app.referrals.models import Referral, ResultCode
from jiuzhu.app.referrals.services import flow, plans
from jiuzhu.app.referrals.services.overdue import check_overdue
from jiuzhu.engine.identity.calendar import add_working_days

SHANGHAI = ZoneInfo("Asia/Shanghai")
# unit code → (liaison usernames, leader username) among the demo users of accounts/demo.py
CONTACTS = {
    "civil_affairs": (("mz_liaison",), "mz_leader"),
    "disability_federation": (("cl_liaison",), None),
    "education": (("jy_liaison",), None),
    "rural_revitalization": (("xczx_liaison",), None),
    "womens_federation": (("fl_liaison",), None),
}
# persons of the seed article, for when casework's demo made no cases
_FALLBACK_CASES = (
    ("卢某某", Category.OTHER, ["未成年人"]),
    ("陈某", Category.SEVERE_INJURY, ["未成年人"]),
    ("郑某某", Category.CIVIL_TORT, ["残疾人"]),
)


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _working_days_ago(n: int, hour: int = 10) -> datetime:
    day = add_working_days(today(), -n)
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _contacts() -> None:
    for code, (liaisons, leader) in CONTACTS.items():
        duties = ResponsibilityList.objects.filter(unit__code=code).first()
        if duties is None:
            continue
        duties.liaisons.add(*[u for u in map(_user, liaisons) if u])
        if leader and _user(leader):
            duties.leader = _user(leader)
            duties.save(update_fields=["leader"])


def _cases(handler) -> list[Case]:
    """Three open cases of casework's demo, or three accepted here when it made none."""
    cases = list(Case.objects.filter(state__in=OPEN_CASE_STATES).order_by("id")[:3])
    if len(cases) >= 3:
        return cases

    on = add_working_days(today(), -30)
    for name, category, tags in _FALLBACK_CASES[len(cases):]:
        cases.append(accept_case(by=handler, handler=handler, person_name=name, category=category, on=on, tags=tags))
    return cases


@transaction.atomic
def populate() -> None:
    if Referral.objects.exists():
        return
    handler, mz, cl, jy = _user("jcg_zhang"), _user("mz_liaison"), _user("cl_liaison"), _user("jy_liaison")
    if not all((handler, mz, cl, jy)):
        return
    _contacts()
    lu, chen, zheng = _cases(handler)
    # 卢某某: the seed's child without de-facto care — referred, signed, answered (1,891元 a month)
    care = plans.add_item(lu.handler, lu, kind="child_care", refer=True, now=_working_days_ago(12),
                          description="父亲服刑、母亲二级智力残疾，申请认定事实无人抚养儿童",
                          facts="救助对象之子因父亲在监狱服刑、母亲二级智力残疾，陷入事实无人抚养困境")
    flow.sign(mz, care.referral, now=_working_days_ago(11))
    flow.start(mz, care.referral, now=_working_days_ago(10))
    flow.answer(mz, care.referral, result=ResultCode.CHILD_RECOGNISED, monthly_amount_fen=189100,
                note="每月发放基本生活保障金", now=_working_days_ago(6))
    # … and 低保 for the household: signed, being handled
    dibao = plans.add_item(lu.handler, lu, kind="dibao", refer=True, now=_working_days_ago(4),
                           description="家庭收入低于低保标准，建议纳入低保", facts="家庭主要劳动力服刑，收入来源中断")
    flow.sign(mz, dibao.referral, now=_working_days_ago(3))
    # 陈某: counselling and a school transfer; the school transfer lies unsigned past its limit (overdue)
    plans.add_item(chen.handler, chen, kind="counselling", refer=True, now=_working_days_ago(1),
                   description="遭受心理创伤，需一对一心理疏导", facts="被害人遭受心理创伤，学业难以继续")
    plans.add_item(chen.handler, chen, kind="school_transfer", refer=True, now=_working_days_ago(8),
                   description="协调办理转学", facts="被害人需转学以离开原环境")
    plans.add_item(chen.handler, chen, kind="legal_aid", description="申请法律援助")
    # 郑某某: two subsidies returned (already granted), rehabilitation in progress
    subsidy = plans.add_item(zheng.handler, zheng, kind="disability_subsidy", refer=True, now=_working_days_ago(9),
                             description="核查残疾人两项补贴", facts="交通肇事致左小腿截肢")
    flow.return_referral(cl, subsidy.referral, reason="该对象已享受残疾人两项补贴，无需重复办理",
                         now=_working_days_ago(8))
    rehab = plans.add_item(zheng.handler, zheng, kind="rehabilitation", refer=True, now=_working_days_ago(5),
                           description="假肢适配与康复训练", facts="交通肇事致左小腿截肢")
    flow.sign(cl, rehab.referral, now=_working_days_ago(4))
    flow.start(cl, rehab.referral, now=_working_days_ago(3))
    # the other direction: 民政 sends the procuratorate a judicial-aid clue
    flow.send(mz, to_unit=Unit.objects.get(code="procuratorate"), kind="judicial_aid", person_name="吴某某",
              facts="低保申请人，因交通事故致残，法院判决赔偿款尚有3万余元未执行到位", now=_working_days_ago(1))
    check_overdue()


