"""Approvals that cannot be skipped (issue 13), each written as the attack on the demo at 44b473a:
先行救助 with one signature, urgent after a refusal, approving one's own case, and the one-grant
check fooled by a blank or differently bracketed 原案案号."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.app.casework.models import CaseState, Task, TaskKind
from jiuzhu.app.casework.services import approval, closing, decision, followup, payment, review, urgent
from jiuzhu.app.casework.services.acceptance import accept_case
from jiuzhu.app.casework.services.errors import CaseworkError
from tests.fixtures.cases import ACCEPTED_ON, PERSON_ID, report_fields, walk

pytestmark = pytest.mark.django_db

TWO_HUNDRED_THOUSAND = 20_000_000  # 20万元 in 分: needs 部门负责人, 分管副检察长 and 检察长


def test_urgent_path_needs_every_level_before_the_papers_are_complete(new_case, people):
    alice, bob, carol, dave, erin = (people[n] for n in ("alice", "bob", "carol", "dave", "erin"))
    urgent.mark_urgent(new_case, by=alice, reason="急需手术费用")
    review.write_report(new_case, by=alice, **report_fields(amount_fen=TWO_HUNDRED_THOUSAND))
    review.submit(new_case, by=alice, on=ACCEPTED_ON)
    case = new_case
    # the 分管副检察长 releases the money alone …
    approval.decide_level(case, by=carol, agreed=True, opinion="同意先行救助")
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    decision.decide(case, by=alice, on=ACCEPTED_ON)
    payment.request_funds(case, by=erin, on=ACCEPTED_ON)
    payment.record_received(case, by=erin, on=date(2025, 10, 9))
    payment.record_notified(case, by=alice, on=date(2025, 10, 9))
    payment.record_paid(case, by=erin, method="bank", receipt_no="NO.1", on=date(2025, 10, 10))
    followup.record_visit(case.follow_ups.get(), by=alice, visitors="艾检察官", situation="稳定", on=date(2025, 10, 30))
    case.refresh_from_db()
    assert case.payment.amount_fen == TWO_HUNDRED_THOUSAND
    # … but the papers are not complete, and the case does not close, until every level the amount needs signed
    assert approval.pending_level(case).role == "dept_head"
    assert Task.objects.filter(case=case, kind=TaskKind.APPROVE, role="dept_head", done_on=None).count() == 1
    with pytest.raises(CaseworkError, match="尚待部门负责人审核"):
        urgent.complete_paperwork(case, by=alice)
    with pytest.raises(CaseworkError, match="先行救助手续尚未补办"):
        closing.close(case, by=alice, outcome="已发放")
    assert approval.may_approve(bob, case) and not approval.may_approve(dave, case)
    approval.decide_level(case, by=bob, agreed=True, opinion="补签同意")
    with pytest.raises(CaseworkError, match="尚待检察长（检察委员会）审批"):
        urgent.complete_paperwork(case, by=alice)
    with pytest.raises(CaseworkError, match="本级审批应由检察长"):
        approval.decide_level(case, by=carol, agreed=True, opinion="再签")
    approval.decide_level(case, by=dave, agreed=True, opinion="补签同意")
    assert approval.pending_level(case) is None
    urgent.complete_paperwork(case, by=alice, on=date(2025, 10, 31))
    closing.close(case, by=alice, outcome="已发放，手续齐全", on=date(2025, 11, 3))
    assert case.state == CaseState.CLOSED
    signed = list(case.approvals.values_list("level_name", "agreed"))
    assert signed == [("部门负责人审核", True), ("分管副检察长审批", True), ("检察长（检察委员会）审批", True)]


def test_a_refusal_in_the_paperwork_keeps_the_case_open_until_all_agree_again(new_case, people):
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    urgent.mark_urgent(new_case, by=alice, reason="急需手术费用")
    case = walk(new_case, "followed", people)
    approval.decide_level(case, by=bob, agreed=False, opinion="补充医疗费票据")
    with pytest.raises(CaseworkError, match="尚待部门负责人审核"):
        urgent.complete_paperwork(case, by=alice)
    approval.decide_level(case, by=bob, agreed=True, opinion="已补充，同意")
    with pytest.raises(CaseworkError, match="尚待分管副检察长"):
        urgent.complete_paperwork(case, by=alice)
    approval.decide_level(case, by=carol, agreed=True, opinion="同意")
    urgent.complete_paperwork(case, by=alice, on=date(2025, 10, 31))
    assert not closing.blockers(case)


def test_urgent_cannot_be_set_after_a_refusal(case_at, people):
    case = case_at("approving")
    approval.decide_level(case, by=people["bob"], agreed=False, opinion="困难情况证据不足")
    case.refresh_from_db()
    assert case.state == CaseState.REVIEWING
    with pytest.raises(CaseworkError, match="已有不同意意见"):
        urgent.mark_urgent(case, by=people["alice"], reason="急需")
    case.refresh_from_db()
    assert not case.urgent


def test_nobody_approves_a_case_they_handle(people, clue):
    bob = people["bob"]
    case = accept_case(by=bob, handler=bob, person_name="郑小梅", category="severe_injury", clue=clue,
                       on=ACCEPTED_ON, underlying_case_no="(2025)闽0425刑初12号")
    review.write_report(case, by=bob, **report_fields())
    review.submit(case, by=bob, on=ACCEPTED_ON)
    assert approval.pending_level(case).role == "dept_head"
    assert not approval.may_approve(bob, case)
    with pytest.raises(CaseworkError, match="不能审批本案"):
        approval.decide_level(case, by=bob, agreed=True, opinion="同意")
    assert not case.approvals.exists()


def test_the_report_writer_does_not_approve_either(case_at, people, client):
    case = case_at("reviewing")
    review.write_report(case, by=people["bob"], **report_fields())  # a leader wrote (part of) the report
    review.submit(case, by=people["alice"], on=ACCEPTED_ON)
    client.force_login(people["bob"])
    assert client.post(f"/casework/{case.pk}/approve/", {"agreed": "1", "opinion": "同意"}).status_code == 403
    assert not case.approvals.exists()


def _second(people, **fields):
    values = {"person_id_number": PERSON_ID, "underlying_case_no": "(2025)闽0425刑初12号"}
    values.update(fields)
    case = accept_case(by=people["alice"], handler=people["alice"], person_name="郑晓梅", category="severe_injury",
                       on=ACCEPTED_ON, **values)
    review.write_report(case, by=people["alice"], **report_fields())
    return case


@pytest.mark.parametrize("number", ["（2025）闽0425刑初12号", "〔2025〕闽0425刑初12号", "( 2025 )闽0425刑初１２号", ""])
def test_one_grant_survives_other_brackets_and_a_blank_case_number(case_at, people, number):
    case_at("granted")
    second = _second(people, underlying_case_no=number)  # another spelling of the name, too
    with pytest.raises(CaseworkError, match="新的、不同的困难"):
        review.submit(second, by=people["alice"])


def test_one_grant_when_the_first_case_had_no_case_number(people, clue):
    first = accept_case(by=people["alice"], handler=people["alice"], person_name="郑小梅", category="severe_injury",
                        clue=clue, on=ACCEPTED_ON)
    walk(first, "granted", people)
    second = _second(people)
    with pytest.raises(CaseworkError, match="新的、不同的困难"):
        review.submit(second, by=people["alice"])


def test_one_grant_follows_the_person_key_without_an_id_number(case_at, people):
    first = case_at("granted")
    second = _second(people, person_id_number="", person_key=first.person_key)
    with pytest.raises(CaseworkError, match="新的、不同的困难"):
        review.submit(second, by=people["alice"])
    # another person with the same name and no link is a different person
    stranger = _second(people, person_id_number="", person_key="", underlying_case_no="(2025)闽0425刑初99号")
    review.submit(stranger, by=people["alice"])


def test_a_second_grant_for_another_case_is_flagged_to_the_approvers(case_at, people, client):
    case_at("paying")
    second = _second(people, underlying_case_no="(2025)闽0425民初99号")
    review.submit(second, by=people["alice"])
    [warning] = second.timeline.filter(kind="grant_warning")
    assert warning.text == "提示：该救助对象另有救助案件大田检救〔2025〕1号（发放中），请核实是否重复救助"
    client.force_login(people["bob"])
    assert "另有救助案件大田检救〔2025〕1号" in client.get(f"/casework/{second.pk}/").content.decode()
