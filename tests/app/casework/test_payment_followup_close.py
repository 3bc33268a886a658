"""发放 (requested → received → paid), the 2-working-day notice, 回访 within a month, 结案."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.app.casework.models import CaseState, Payment, PaymentState, Task, TaskKind
from jiuzhu.app.casework.services import closing, followup, payment, urgent
from jiuzhu.app.casework.services.errors import CaseworkError

pytestmark = pytest.mark.django_db


def test_funds_requested_then_received_sets_notice_limit_across_spring_festival(case_at, people):
    case = case_at("paying")
    assert case.state == CaseState.PAYING
    p = Payment.objects.get(case=case)
    assert (p.state, p.amount_fen) == (PaymentState.REQUESTED, 3_000_000)
    # funds arrive Fri 13 Feb 2026: Sat 14 Feb is a 调休 working day, 15–23 Feb are 春节
    payment.record_received(case, by=people["erin"], on=date(2026, 2, 13))
    p.refresh_from_db()
    assert (p.state, p.notify_due) == (PaymentState.RECEIVED, date(2026, 2, 24))
    assert Task.objects.get(case=case, kind=TaskKind.NOTIFY).due_on == date(2026, 2, 24)
    assert Task.objects.get(case=case, kind=TaskKind.PAY).due_on == date(2026, 2, 27)


def test_notice_limit_across_national_day(case_at, people):
    case = case_at("paying")
    payment.record_received(case, by=people["erin"], on=date(2025, 9, 30))
    assert Payment.objects.get(case=case).notify_due == date(2025, 10, 10)


def test_paid_records_date_method_receipt_and_schedules_first_visit(case_at):
    case = case_at("paid")
    p = case.payment
    assert (p.state, p.paid_on, p.method, p.receipt_no) == ("paid", date(2025, 10, 10), "bank", "NO.0001")
    assert case.state == CaseState.PAID
    visit = case.follow_ups.get()
    assert (visit.planned_on, visit.due_on, visit.done_on) == (date(2025, 11, 10), date(2025, 11, 10), None)
    assert Task.objects.get(case=case, kind=TaskKind.FOLLOW_UP).due_on == date(2025, 11, 10)
    assert not Task.objects.filter(case=case, kind__in=["notify", "pay", "request_funds"], done_on=None).exists()


def test_first_visit_due_one_month_after_payment_at_month_end():
    from jiuzhu.app.config.dates import add_months

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)


def test_paying_twice_is_refused(case_at, people):
    case = case_at("paid")
    with pytest.raises(CaseworkError, match="不能重复发放"):
        payment.record_paid(case, by=people["erin"], method="cash", receipt_no="NO.0002")
    assert Payment.objects.filter(case=case).count() == 1
    assert case.timeline.filter(kind="paid").count() == 1


def test_request_twice_is_refused(case_at, people):
    case = case_at("paying")
    with pytest.raises(CaseworkError, match="只有决定救助"):
        payment.request_funds(case, by=people["erin"])
    assert Payment.objects.count() == 1


def test_pay_needs_funds_receipt_and_method(case_at, people):
    case = case_at("paying")
    with pytest.raises(CaseworkError, match="到账后"):
        payment.record_paid(case, by=people["erin"], method="bank", receipt_no="R1")
    payment.record_received(case, by=people["erin"], on=date(2025, 10, 9))
    with pytest.raises(CaseworkError, match="收据"):
        payment.record_paid(case, by=people["erin"], method="bank", receipt_no=" ")
    with pytest.raises(CaseworkError, match="发放方式"):
        payment.record_paid(case, by=people["erin"], method="gold", receipt_no="R1")


def test_database_refuses_paid_without_receipt(case_at):
    from django.db import IntegrityError, transaction

    case = case_at("received")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(case=case).update(state="paid", paid_on=date(2025, 10, 10), receipt_no="")


def test_late_notice_is_marked_in_the_timeline(case_at, people):
    case = case_at("paying")
    payment.record_received(case, by=people["erin"], on=date(2025, 10, 9))
    payment.record_notified(case, by=people["alice"], on=date(2025, 10, 14))  # due Mon 13 Oct (Sat 11 worked)
    assert case.timeline.filter(kind="notified").get().text == "已通知申请人领取救助金（超过期限）"


def test_close_needs_a_visit_first(case_at, people):
    case = case_at("paid")
    assert closing.blockers(case) == ["发放后尚未回访"]
    with pytest.raises(CaseworkError, match="尚未回访"):
        closing.close(case, by=people["alice"], outcome="x")


def test_visit_recorded_then_case_closed_with_total(case_at, people, units):
    case = case_at("followed")
    visit = case.follow_ups.get()
    assert (visit.done_on, visit.situation) == (date(2025, 10, 30), "生活基本稳定")
    assert Task.objects.get(case=case, kind=TaskKind.CLOSE, done_on=None).due_on == date(2025, 11, 13)
    with pytest.raises(CaseworkError, match="已记录"):
        followup.record_visit(visit, by=people["alice"], visitors="x", situation="y")
    closing.close(case, by=people["alice"], outcome="救助金已发放", on=date(2025, 11, 3))
    case.refresh_from_db()
    assert (case.state, case.closed_on) == (CaseState.CLOSED, date(2025, 11, 3))
    assert case.timeline.last().text == "结案：救助金已发放（发放救助金合计30,000.00元）"
    assert not Task.objects.filter(case=case, done_on=None).exists()


def test_further_visits_can_be_planned(case_at, people):
    case = case_at("followed")
    visit = followup.schedule(case, by=people["alice"], planned_on=date(2026, 3, 1))
    assert (visit.planned_on, visit.due_on) == (date(2026, 3, 1), date(2026, 3, 1))
    assert closing.blockers(case) == []  # a later visit does not hold the case open


def test_refused_case_closes_without_payment(case_at, people):
    from tests.fixtures.cases import report_fields

    case = case_at("granted", report=report_fields(proposal="refuse", refusal_reason="not_case_caused"))
    closing.close(case, by=people["alice"], outcome="不予救助，已告知并引导申请社会救助", on=date(2025, 10, 9))
    assert case.state == CaseState.CLOSED


def test_close_refused_while_urgent_paperwork_open(new_case, people):
    urgent.mark_urgent(new_case, by=people["alice"], reason="急需手术")
    from tests.fixtures.cases import walk

    case = walk(new_case, "followed", people)
    assert closing.blockers(case) == ["先行救助手续尚未补办"]
    with pytest.raises(CaseworkError, match="先行救助手续"):
        closing.close(case, by=people["alice"], outcome="x")
    with pytest.raises(CaseworkError, match="尚待部门负责人审核"):
        urgent.complete_paperwork(case, by=people["alice"], on=date(2025, 10, 20))
    from jiuzhu.app.casework.services import approval

    approval.decide_level(case, by=people["bob"], agreed=True, opinion="补签同意")
    urgent.complete_paperwork(case, by=people["alice"], on=date(2025, 10, 20), note="补签部门负责人意见")
    assert not Task.objects.filter(case=case, kind=TaskKind.PAPERWORK, done_on=None).exists()
    closing.close(case, by=people["alice"], outcome="已结", on=date(2025, 11, 3))
    assert case.state == CaseState.CLOSED


def test_urgent_paperwork_limit(new_case, people):
    from datetime import datetime

    from jiuzhu.app.casework.services import approval
    from tests.fixtures.cases import SHANGHAI, walk

    urgent.mark_urgent(new_case, by=people["alice"], reason="急需手术")
    case = walk(new_case, "approving", people)
    approval.decide_level(case, by=people["carol"], agreed=True, opinion="同意",
                          at=datetime(2025, 9, 30, 10, tzinfo=SHANGHAI))
    # 10 working days from Tue 30 Sep: 9,10,11(Sat),13,14,15,16,17,20,21 Oct
    assert Task.objects.get(case=case, kind=TaskKind.PAPERWORK).due_on == date(2025, 10, 21)


def test_close_refused_while_plan_items_open(case_at, people, units):
    from jiuzhu.app.referrals.models.plan import PlanItem

    case = case_at("followed")
    kind = PlanItem._meta.get_field("kind").choices[0][0]
    item = PlanItem.objects.create(case=case, kind=kind, unit=units["civil_affairs"], due_date=date(2025, 12, 1))
    assert closing.blockers(case) == ["救助方案尚有1项未办结"]
    with pytest.raises(CaseworkError, match="救助方案尚有1项未办结"):
        closing.close(case, by=people["alice"], outcome="x")
    item.state = "done"
    item.save()
    closing.close(case, by=people["alice"], outcome="方案事项均已落实", on=date(2025, 12, 2))
    assert case.state == CaseState.CLOSED
