"""Every referral transition, who may make it, and the working-day limits it sets (holidays included)."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.app.accounts.models import AuditEvent, Notification
from jiuzhu.app.casework.models import CaseUnit, TimelineEvent
from jiuzhu.app.referrals.models import PlanItemState, ReferralState, ResultCode
from jiuzhu.app.referrals.services import flow, plans
from jiuzhu.app.referrals.services.errors import ReferralError
from tests.app.referrals.conftest import at

pytestmark = pytest.mark.django_db


def _send(user, units, case=None, kind="dibao", to="civil_affairs", when=None):
    return flow.send(user, to_unit=units[to], kind=kind, person_name="卢某某", facts="父亲服刑，母亲二级智力残疾",
                     request="建议纳入低保", case=case, now=when or at(2025, 9, 29))


def test_receipt_limit_skips_national_day_and_counts_make_up_saturday(alice, units, case):
    # sent Tue 30 Sep 2025: 1–8 Oct are holidays; Thu 9 (1), Fri 10 (2), Sat 11 Oct is a 调休 working day (3)
    referral = _send(alice, units, case, when=at(2025, 9, 30))
    assert (referral.state, referral.receipt_due) == (ReferralState.SENT, date(2025, 10, 11))
    assert referral.number == "检移〔2025〕1号"
    assert referral.letter_title == "社会救助建议函"


def test_receipt_limit_on_ordinary_week(alice, units):
    referral = _send(alice, units, when=at(2025, 11, 5))  # Wed → Thu, Fri, Mon
    assert referral.receipt_due == date(2025, 11, 10)
    assert referral.letter_title == "线索移送函"


def test_sign_sets_answer_due_fifteen_working_days(alice, frank, units, case):
    referral = _send(alice, units, case)
    referral = flow.sign(frank, referral, now=at(2025, 10, 9))
    assert referral.state == ReferralState.RECEIVED
    assert referral.received_by == frank
    assert referral.answer_due == date(2025, 10, 29)


def test_rural_revitalization_answers_in_five_working_days(alice, units, case):
    from django.contrib.auth import get_user_model

    from jiuzhu.app.accounts.models import Profile

    xc = get_user_model().objects.create_user("xc")
    Profile.objects.create(user=xc, unit=units["rural_revitalization"], role="liaison", display_name="乡村振兴联络员")
    referral = _send(alice, units, case, kind="poverty_monitoring", to="rural_revitalization")
    referral = flow.sign(xc, referral, now=at(2025, 10, 9))
    assert referral.answer_due == date(2025, 10, 15)


def test_limits_come_from_the_configuration_rows(alice, frank, units):
    from jiuzhu.app.config.models import TimeLimit

    TimeLimit.objects.filter(code="referral_receipt").update(working_days=5)
    TimeLimit.objects.filter(code="referral_answer").update(working_days=10)
    referral = _send(alice, units, when=at(2025, 11, 5))
    assert referral.receipt_due == date(2025, 11, 12)
    referral = flow.sign(frank, referral, now=at(2025, 11, 6))
    assert referral.answer_due == date(2025, 11, 20)


def test_full_path_sent_received_in_progress_answered(alice, frank, units, case):
    referral = _send(alice, units, case)
    flow.sign(frank, referral, now=at(2025, 9, 30))
    referral = flow.start(frank, referral, now=at(2025, 10, 9))
    assert referral.state == ReferralState.IN_PROGRESS
    referral = flow.answer(frank, referral, result=ResultCode.ENROLLED_DIBAO, monthly_amount_fen=189100,
                           effective_date=date(2025, 11, 1), now=at(2025, 10, 20))
    assert referral.state == ReferralState.ANSWERED
    assert (referral.result, referral.monthly_amount_fen, referral.answered_by) == ("enrolled_dibao", 189100, frank)
    assert flow.describe_result(referral) == "已纳入低保，月保障金额1,891.00元，自2025-11-01起"
    kinds = list(TimelineEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["referral_sent", "referral_received", "referral_in_progress", "referral_answered"]
    answered = TimelineEvent.objects.get(case=case, kind="referral_answered")
    assert answered.text == "民政局反馈移送检移〔2025〕1号：已纳入低保，月保障金额1,891.00元，自2025-11-01起"
    assert answered.unit == units["civil_affairs"]
    assert Notification.objects.filter(recipient=alice, key=f"referral-answered-{referral.pk}").count() == 1


def test_answer_straight_after_signing(alice, frank, units):
    referral = _send(alice, units)
    flow.sign(frank, referral)
    referral = flow.answer(frank, referral, result=ResultCode.NOT_ELIGIBLE, note="家庭人均收入高于低保标准")
    assert (referral.state, referral.result_note) == (ReferralState.ANSWERED, "家庭人均收入高于低保标准")


def test_not_eligible_needs_a_reason(alice, frank, units):
    referral = _send(alice, units)
    flow.sign(frank, referral)
    with pytest.raises(ReferralError, match="须写明理由"):
        flow.answer(frank, referral, result=ResultCode.NOT_ELIGIBLE, note="  ")


def test_dibao_answer_needs_monthly_amount(alice, frank, units):
    referral = _send(alice, units)
    flow.sign(frank, referral)
    with pytest.raises(ReferralError, match="月保障金额"):
        flow.answer(frank, referral, result=ResultCode.ENROLLED_DIBAO)


@pytest.mark.parametrize("state_step", ["sent", "received", "in_progress"])
def test_return_with_reason_from_every_pending_state(alice, frank, units, case, state_step):
    referral = _send(alice, units, case)
    if state_step in ("received", "in_progress"):
        flow.sign(frank, referral)
    if state_step == "in_progress":
        flow.start(frank, referral)
    referral = flow.return_referral(frank, referral, reason="属残联职责")
    assert (referral.state, referral.return_reason) == (ReferralState.RETURNED, "属残联职责")
    assert Notification.objects.get(recipient=alice, key=f"referral-returned-{referral.pk}").referral == referral


def test_return_needs_reason(alice, frank, units):
    referral = _send(alice, units)
    with pytest.raises(ReferralError, match="退回须写明理由"):
        flow.return_referral(frank, referral, reason="")


@pytest.mark.parametrize(
    ("done", "step"),
    [
        ("sent", "start"), ("sent", "answer"),
        ("received", "sign"),
        ("answered", "sign"), ("answered", "start"), ("answered", "answer"), ("answered", "return"),
        ("returned", "sign"), ("returned", "answer"),
    ],
)
def test_steps_out_of_order_are_refused(alice, frank, units, done, step):
    referral = _send(alice, units)
    if done in ("received", "answered"):
        flow.sign(frank, referral)
    if done == "answered":
        flow.answer(frank, referral, result=ResultCode.SERVICE_PROVIDED)
    if done == "returned":
        flow.return_referral(frank, referral, reason="不属本单位")
    referral.refresh_from_db()
    calls = {
        "sign": lambda: flow.sign(frank, referral),
        "start": lambda: flow.start(frank, referral),
        "answer": lambda: flow.answer(frank, referral, result=ResultCode.SERVICE_PROVIDED),
        "return": lambda: flow.return_referral(frank, referral, reason="x"),
    }
    with pytest.raises(ReferralError, match="不能"):
        calls[step]()
    referral.refresh_from_db()
    assert referral.state == done


def test_only_the_receiving_unit_acts(alice, grace, units):
    referral = _send(alice, units)
    for user in (grace, alice):
        with pytest.raises(ReferralError, match="只有接收单位"):
            flow.sign(user, referral)


def test_referring_a_case_makes_the_unit_a_participant(alice, units, case):
    _send(alice, units, case)
    assert CaseUnit.objects.get(case=case, unit=units["civil_affairs"]).how == "referral"


def test_cannot_refer_to_own_unit(alice, units):
    with pytest.raises(ReferralError, match="本单位"):
        _send(alice, units, to="procuratorate", kind="judicial_aid")


def test_unit_sends_clue_to_procuratorate(frank, alice, units):
    """The other direction: 民政 finds a 低保 applicant whose hardship comes from an unpaid judgment."""
    referral = flow.send(frank, to_unit=units["procuratorate"], kind="judicial_aid", person_name="郑某某",
                         facts="低保申请人，交通肇事赔偿22万余元未执行到位", now=at(2025, 11, 5))
    assert (referral.from_unit, referral.number, referral.letter_title) == (
        units["civil_affairs"], "民政移〔2025〕1号", "线索移送函")
    referral = flow.sign(alice, referral, now=at(2025, 11, 6))
    referral = flow.answer(alice, referral, result=ResultCode.JUDICIAL_AID_ACCEPTED, now=at(2025, 11, 7))
    assert Notification.objects.filter(recipient=frank, referral=referral).count() == 2  # signed, answered


def test_each_step_is_audited(alice, frank, units):
    referral = _send(alice, units)
    flow.sign(frank, referral)
    rows = list(AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(referral.pk))
                .filter(detail__via__isnull=True).order_by("id").values_list("username", "action"))
    assert rows == [("alice", "create"), ("frank", "update")]


def test_answer_closes_the_plan_item_it_carries(alice, frank, units, case):
    item = plans.add_item(alice, case, kind="dibao", description="申请低保", refer=True, now=at(2025, 9, 29))
    assert (item.state, item.unit, item.referral.to_unit) == (PlanItemState.IN_PROGRESS, units["civil_affairs"],
                                                             units["civil_affairs"])
    flow.sign(frank, item.referral)
    flow.answer(frank, item.referral, result=ResultCode.ENROLLED_DIBAO, monthly_amount_fen=189100)
    item.refresh_from_db()
    assert (item.state, item.amount_fen) == (PlanItemState.DONE, 189100)
    assert case.plan_items.open().count() == 0


def test_negative_answer_closes_item_as_not_possible_and_return_reopens(alice, frank, units, case):
    first = plans.add_item(alice, case, kind="dibao", refer=True)
    second = plans.add_item(alice, case, kind="temp_relief", refer=True)
    flow.sign(frank, first.referral)
    flow.answer(frank, first.referral, result=ResultCode.NOT_ELIGIBLE, note="收入超标")
    flow.return_referral(frank, second.referral, reason="已由乡镇办理")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, second.referral) == (PlanItemState.NOT_POSSIBLE, PlanItemState.OPEN, None)


def test_numbers_count_per_sending_unit_and_year(alice, frank, units):
    first = _send(alice, units, when=at(2025, 12, 30))
    second = _send(alice, units, when=at(2026, 1, 5))
    third = _send(alice, units, when=at(2026, 1, 6))
    clue = flow.send(frank, to_unit=units["procuratorate"], kind="judicial_aid", person_name="吴某", facts="x",
                     now=at(2026, 1, 6))
    assert [r.number for r in (first, second, third, clue)] == [
        "检移〔2025〕1号", "检移〔2026〕1号", "检移〔2026〕2号", "民政移〔2026〕1号"]


def _clue(**extra):
    from django.utils import timezone

    from jiuzhu.app.clues.models import Clue

    now = timezone.now()
    return Clue.objects.create(key="MZ-01:p1:r1", rule="MZ-01", rule_version="1", person_key="p1",
                               person_name="郑某某", person_id_number="350425198001010011", target_unit="civil_affairs",
                               reason="低保边缘户，判决赔偿未执行到位", as_of=date(2025, 10, 31), first_seen=now,
                               last_seen=now, **extra)


def test_refer_clue_picks_the_kind_the_suggestion_names(alice, units):
    clue = _clue(suggested_help="建议民政部门核查是否符合临时救助条件")
    referral = flow.refer_clue(alice, clue, units["civil_affairs"], now=at(2025, 11, 5))
    assert (referral.kind, referral.clue, referral.letter_title, referral.facts, referral.person_id_number) == (
        "temp_relief", clue, "线索移送函", "低保边缘户，判决赔偿未执行到位", "350425198001010011")


def test_refer_clue_falls_back_to_the_units_first_kind(alice, units):
    referral = flow.refer_clue(alice, _clue(suggested_help=""), units["disability_federation"])
    assert referral.kind == "disability_subsidy"


def test_refer_clue_to_a_unit_with_an_empty_list_needs_a_kind(alice, units):
    with pytest.raises(ReferralError, match="法院的职责清单没有承接事项"):
        flow.refer_clue(alice, _clue(), units["court"])
