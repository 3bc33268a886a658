"""决定: grant as approved, refusal with a listed reason, the cap and one-grant-per-案件 rules."""

from __future__ import annotations

import pytest

from jiuzhu.app.casework.models import CaseState, Decision, RefusalReason, Task, TaskKind
from jiuzhu.app.casework.services import approval, decision, review
from jiuzhu.app.casework.services.acceptance import accept_case
from jiuzhu.app.casework.services.errors import CaseworkError
from tests.fixtures.cases import ACCEPTED_ON, report_fields, walk

pytestmark = pytest.mark.django_db


def test_grant_issues_numbered_decision_and_funds_task(case_at):
    case = case_at("granted")
    assert case.state == CaseState.GRANTED
    d = case.decision
    assert (d.kind, d.amount_fen, d.document_number) == ("grant", 3_000_000, "大田检救决〔2025〕1号")
    assert Task.objects.get(case=case, kind=TaskKind.REQUEST_FUNDS).role == "finance"


def test_decide_only_after_approval(case_at, people):
    case = case_at("approving")
    with pytest.raises(CaseworkError, match="审批完成后"):
        decision.decide(case, by=people["alice"])


@pytest.mark.parametrize("reason", [r for r in RefusalReason.values if r != "other"])
def test_refusal_with_each_listed_reason(case_at, reason):
    case = case_at("granted", report=report_fields(proposal="refuse", refusal_reason=reason))
    assert case.state == CaseState.REFUSED
    d = case.decision
    assert (d.kind, d.amount_fen, d.refusal_reason) == ("refuse", 0, reason)
    assert d.document_number == "大田检救不〔2025〕1号"
    assert d.reason_text == RefusalReason(reason).label


def test_refusal_other_needs_text(new_case, people):
    review.write_report(new_case, by=people["alice"], **report_fields(proposal="refuse", refusal_reason="other"))
    with pytest.raises(CaseworkError, match="其他"):
        review.submit(new_case, by=people["alice"])
    review.write_report(new_case, by=people["alice"], refusal_text="申请人已迁居外省")
    case = walk(new_case, "granted", people, report={})
    assert case.decision.reason_text == "申请人已迁居外省"


def test_refusal_without_reason_is_refused(new_case, people):
    review.write_report(new_case, by=people["alice"], **report_fields(proposal="refuse"))
    with pytest.raises(CaseworkError, match="不予救助的理由"):
        review.submit(new_case, by=people["alice"])


def test_refused_case_has_only_two_approvals(case_at):
    case = case_at("granted", report=report_fields(proposal="refuse", refusal_reason="waived"))
    assert case.approvals.count() == 2


def test_exceptional_amount_needs_the_chief(case_at, people):

    over = 36 * 780_000 + 1_000_000
    case = case_at("approved", report=report_fields(judged_compensation_fen=None, loss_fen=40_000_000,
                                                    amount_fen=over, exceptional=True,
                                                    exceptional_reason="特别困难"))
    assert case.approvals.filter(role="chief", agreed=True).exists()
    assert decision.decide(case, by=people["alice"]).amount_fen == over


def test_exceptional_amount_refused_if_chief_level_was_configured_away(new_case, people):
    from jiuzhu.app.casework.models import ApprovalLevel

    ApprovalLevel.objects.filter(role="chief").update(for_exceptional=False, min_amount_fen=10**12)
    over = 36 * 780_000 + 1_000_000
    case = walk(new_case, "approved", people, report=report_fields(
        judged_compensation_fen=None, loss_fen=40_000_000, amount_fen=over, exceptional=True,
        exceptional_reason="特别困难"))
    assert case.state == CaseState.APPROVED
    ApprovalLevel.objects.filter(role="chief").update(for_exceptional=True)
    with pytest.raises(CaseworkError, match="检察长"):
        decision.decide(case, by=people["alice"])


def _second_case(people, **report):
    case = accept_case(by=people["alice"], handler=people["alice"], person_name="郑小梅", category="severe_injury",
                       on=ACCEPTED_ON, person_id_number="350425198001011234",
                       underlying_case_no="(2025)闽0425刑初12号")
    return case


def test_second_grant_for_same_case_needs_new_hardship(case_at, people):
    case_at("paid")
    second = _second_case(people)
    review.write_report(second, by=people["alice"], **report_fields())
    with pytest.raises(CaseworkError, match="新的、不同的困难"):
        review.submit(second, by=people["alice"])
    review.write_report(second, by=people["alice"], new_hardship="2025年10月确诊尿毒症，需长期透析")
    second = walk(second, "granted", people, report={})
    assert second.decision.kind == "grant"
    assert Decision.objects.filter(case__person_id_number="350425198001011234", kind="grant").count() == 2


def test_grant_for_other_underlying_case_is_independent(case_at, people):
    case_at("granted")
    other = accept_case(by=people["alice"], handler=people["alice"], person_name="郑小梅", category="civil_tort",
                        on=ACCEPTED_ON, person_id_number="350425198001011234",
                        underlying_case_no="(2025)闽0425民初99号")
    other = walk(other, "granted", people)
    assert other.decision.kind == "grant"


def test_decision_is_made_once(case_at, people):
    case = case_at("granted")
    with pytest.raises(CaseworkError):
        decision.decide(case, by=people["alice"])
    assert Decision.objects.count() == 1


def test_urgent_case_approved_by_deputy_alone_then_paperwork(new_case, people):
    from jiuzhu.app.casework.services import urgent

    urgent.mark_urgent(new_case, by=people["alice"], reason="急需手术费用")
    case = walk(new_case, "approving", people)
    assert [lv.role for lv in approval.required_levels(case)] == ["deputy_chief"]
    approval.decide_level(case, by=people["carol"], agreed=True, opinion="同意先行救助")
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    task = Task.objects.get(case=case, kind=TaskKind.PAPERWORK, done_on=None)
    assert task.assignee == people["alice"]
    assert "先行救助" in case.timeline.filter(kind="approved").get().text
