"""审查 and 审批: the report, 联合研判, the amount proposal and cap, the configured approval chain."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from jiuzhu.app.accounts.models import AuditEvent
from jiuzhu.app.casework.models import Approval, ApprovalLevel, CaseState, Task, TaskKind
from jiuzhu.app.casework.services import approval, review
from jiuzhu.app.casework.services.errors import CaseworkError
from tests.fixtures.cases import SHANGHAI, report_fields

pytestmark = pytest.mark.django_db

WAGE_2024 = 780_000  # 三明市 2024 in the seeded table: the base of a case accepted in 2025
CAP = 36 * WAGE_2024  # 28,080,000 分 = 280,800 元


def test_report_takes_last_years_wage_and_proposes_unpaid_compensation(new_case, people):
    report = review.write_report(new_case, by=people["alice"], **report_fields(amount_fen=0))
    assert (report.wage_year, report.wage_fen) == (2024, WAGE_2024)
    # judged 220,000 元, nothing received: the proposal is the unpaid compensation
    assert report.proposed_amount_fen == 22_000_000
    assert report.amount_fen == 0  # the handler's own figure is kept when given


def test_proposal_is_capped_and_rounded_to_hundreds(new_case, people):
    report = review.write_report(new_case, by=people["alice"], facts="f", hardship="h", loss_fen=50_000_012,
                                 judged_compensation_fen=None, compensation_received_fen=1_234_556)
    assert report.proposed_amount_fen == CAP
    assert report.amount_fen == CAP  # no figure given: the proposal is taken
    report = review.write_report(new_case, by=people["alice"], loss_fen=5_123_456, compensation_received_fen=0)
    assert report.proposed_amount_fen == 5_120_000


def test_missing_wage_year_is_a_clear_error(new_case, people):
    from jiuzhu.app.config.models import WageRate

    WageRate.objects.all().delete()
    with pytest.raises(CaseworkError, match="三明市2024年"):
        review.write_report(new_case, by=people["alice"], **report_fields())


def test_submit_needs_facts_and_hardship(new_case, people):
    review.write_report(new_case, by=people["alice"], **report_fields(hardship=""))
    with pytest.raises(CaseworkError, match="生活困难"):
        review.submit(new_case, by=people["alice"])


def test_amount_above_cap_refused_unless_exceptional(new_case, people):
    review.write_report(new_case, by=people["alice"], **report_fields(
        judged_compensation_fen=None, loss_fen=40_000_000, amount_fen=CAP + 100))
    with pytest.raises(CaseworkError, match="36个月"):
        review.submit(new_case, by=people["alice"])
    review.write_report(new_case, by=people["alice"], exceptional=True, exceptional_reason="")
    with pytest.raises(CaseworkError, match="特别"):
        review.submit(new_case, by=people["alice"])
    review.write_report(new_case, by=people["alice"], exceptional_reason="双目失明，丧失劳动能力")
    review.submit(new_case, by=people["alice"])
    new_case.refresh_from_db()
    # over the cap: the chief's level joins though its amount threshold is also reached
    assert [lv.role for lv in approval.required_levels(new_case)] == ["dept_head", "deputy_chief", "chief"]


def test_amount_never_above_judged_compensation(new_case, people):
    review.write_report(new_case, by=people["alice"], **report_fields(amount_fen=22_000_001, exceptional=True,
                                                                      exceptional_reason="x"))
    with pytest.raises(CaseworkError, match="判决确定的赔偿金额"):
        review.submit(new_case, by=people["alice"])


def test_two_levels_below_threshold_in_order_by_the_right_roles(case_at, people):
    case = case_at("approving")
    assert case.state == CaseState.APPROVING
    assert [lv.role for lv in approval.required_levels(case)] == ["dept_head", "deputy_chief"]
    task = Task.objects.get(case=case, kind=TaskKind.APPROVE, done_on=None)
    assert (task.role, task.due_on) == ("dept_head", date(2025, 10, 16))
    for wrong in ("alice", "carol", "dave", "erin", "frank"):
        with pytest.raises(CaseworkError, match="部门负责人"):
            approval.decide_level(case, by=people[wrong], agreed=True, opinion="同意")
    assert not approval.may_approve(people["carol"], case)
    assert approval.may_approve(people["bob"], case)
    approval.decide_level(case, by=people["bob"], agreed=True, opinion="同意，报分管副检察长")
    with pytest.raises(CaseworkError, match="分管副检察长"):
        approval.decide_level(case, by=people["bob"], agreed=True, opinion="再签一次")
    approval.decide_level(case, by=people["carol"], agreed=True, opinion="同意救助",
                          at=datetime(2025, 9, 26, 16, tzinfo=SHANGHAI))
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert list(case.approvals.values_list("level_name", "agreed")) == [
        ("部门负责人审核", True), ("分管副检察长审批", True)]
    assert Task.objects.get(case=case, kind=TaskKind.DECIDE).due_on == date(2025, 9, 29)  # Sun 28 Sep is worked
    assert AuditEvent.objects.filter(object_id=str(case.pk), detail__step="approve:2").count() == 1


def test_threshold_is_configuration(case_at, people):
    ApprovalLevel.objects.filter(role="chief").update(min_amount_fen=3_000_000)
    case = case_at("approving")  # 三万元 reaches the lowered threshold
    assert [lv.role for lv in approval.required_levels(case)] == ["dept_head", "deputy_chief", "chief"]


def test_disagreement_returns_the_case_and_a_new_round_starts(case_at, people):
    case = case_at("approving")
    approval.decide_level(case, by=people["bob"], agreed=False, opinion="困难情况证据不足，请补充")
    case.refresh_from_db()
    assert case.state == CaseState.REVIEWING
    assert Task.objects.filter(case=case, kind=TaskKind.REVIEW, done_on=None).count() == 1
    review.submit(case, by=people["alice"], on=date(2025, 10, 9))
    assert approval.current_round(case) == 2
    assert approval.pending_level(case).role == "dept_head"
    approval.decide_level(case, by=people["bob"], agreed=True, opinion="同意")
    assert Approval.objects.filter(case=case).count() == 2


def test_joint_meeting_adds_units_and_minutes(new_case, people, units):
    meeting = review.add_meeting(new_case, by=people["alice"], held_on=date(2025, 9, 29),
                                 units=[units["civil_affairs"], units["education"]],
                                 minutes="民政局核实低保情况；教育局落实助学", conclusion="建议救助并纳入低保")
    assert set(meeting.units.values_list("code", flat=True)) == {"civil_affairs", "education"}
    assert new_case.case_units.get(unit__code="civil_affairs").how == "meeting"
    assert new_case.case_units.get(unit__code="education").how == "team"  # already in by the team
    assert "参加单位：民政局、教育局" in new_case.timeline.last().text
    with pytest.raises(CaseworkError, match="纪要"):
        review.add_meeting(new_case, by=people["alice"], held_on=date(2025, 9, 29), units=[units["court"]],
                           minutes="")


def test_report_frozen_while_approving(case_at, people):
    case = case_at("approving")
    with pytest.raises(CaseworkError, match="审批中"):
        review.write_report(case, by=people["alice"], amount_fen=1)


def test_seven_day_target_is_a_configuration_row_not_enforced():
    from jiuzhu.app.config.models import TimeLimit

    row = TimeLimit.objects.get(code="approval_target")
    assert (row.working_days, row.enforced) == (7, False)


def test_approval_time_reported_against_the_configured_target(case_at, people, client):
    from jiuzhu.app.casework import metrics
    from jiuzhu.app.config.models import TimeLimit
    from tests.fixtures.cases import SHANGHAI

    case = case_at("approving")
    assert metrics.approval_against_target(case) is None
    approval.decide_level(case, by=people["bob"], agreed=True, opinion="同意",
                          at=datetime(2025, 10, 9, 9, tzinfo=SHANGHAI))
    approval.decide_level(case, by=people["carol"], agreed=True, opinion="同意",
                          at=datetime(2025, 10, 13, 9, tzinfo=SHANGHAI))
    # Fri 26 Sep → Mon 13 Oct: 28 Sep, 29, 30, 9 Oct, 10, 11 (Sat, worked), 13 = 7 working days
    assert metrics.approval_against_target(case) == {"days": 7, "target": 7, "met": True}
    TimeLimit.objects.filter(code="approval_target").update(working_days=5)
    assert metrics.approval_against_target(case) == {"days": 7, "target": 5, "met": False}
    client.force_login(people["bob"])
    page = client.get(f"/casework/{case.pk}/").content.decode()
    assert "自受理至审批完成 7 个工作日（县院目标 5 个工作日，未达标）" in page
