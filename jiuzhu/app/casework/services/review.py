"""审查: the 审查报告, 联合研判 meetings, and submitting the proposal for approval."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from jiuzhu.app.accounts import audit
from jiuzhu.app.casework.models import (
    Case,
    CaseState,
    CaseUnit,
    Decision,
    JointMeeting,
    Proposal,
    RefusalReason,
    ReviewReport,
    TaskKind,
    add_event,
)
from jiuzhu.app.casework.services import amount, approval
from jiuzhu.app.casework.services.common import audit_change, close_tasks, lock, snapshot
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.config.dates import today
from jiuzhu.engine.identity.casenumbers import normalise_case_number

REPORT_FIELDS = ("facts", "hardship", "loss_fen", "judged_compensation_fen", "compensation_received_fen",
                 "other_help", "proposal", "amount_fen", "exceptional", "exceptional_reason", "new_hardship",
                 "refusal_reason", "refusal_text")


def _editable(case: Case) -> Case:
    case = lock(case)
    if case.state != CaseState.REVIEWING:
        raise CaseworkError(f"案件当前为“{case.get_state_display()}”，不能修改审查报告")
    return case


@transaction.atomic
def write_report(case: Case, *, by, **fields) -> ReviewReport:
    """Save the 审查报告 (draft until submitted). The base wage and the proposal are computed here."""
    case = _editable(case)
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown report fields {sorted(unknown)}")
    base = amount.base_for(case.accepted_on.year)
    report = case.report_or_none
    before = {f: getattr(report, f) for f in REPORT_FIELDS} if report else None
    if report is None:
        report = ReviewReport(case=case, written_by=by, facts="", hardship="", wage_year=base.year,
                              wage_fen=base.wage_fen, proposed_amount_fen=0)
    for name, value in fields.items():
        setattr(report, name, value)
    report.wage_year, report.wage_fen = base.year, base.wage_fen
    report.proposed_amount_fen = amount.propose(
        loss_fen=report.loss_fen, judged_compensation_fen=report.judged_compensation_fen,
        compensation_received_fen=report.compensation_received_fen, base=base)
    if "amount_fen" not in fields and not report.amount_fen and report.proposal == Proposal.GRANT:
        report.amount_fen = report.proposed_amount_fen
    report.written_by = by
    report.save()
    audit.record(by, "update" if before else "create", report, detail={"step": "report"}, before=before,
                 after={f: getattr(report, f) for f in REPORT_FIELDS})
    return report


def check_report(case: Case, report: ReviewReport) -> None:
    """What must hold before the proposal goes to the approvers."""
    if not report.facts.strip() or not report.hardship.strip():
        raise CaseworkError("审查报告应写明案件事实和生活困难情况")
    if report.proposal == Proposal.GRANT:
        base = amount.Base(report.wage_year, "", report.wage_fen)
        amount.check_amount(report.amount_fen, cap_fen=base.cap_fen,
                            judged_compensation_fen=report.judged_compensation_fen,
                            exceptional=report.exceptional)
        if report.exceptional and not report.exceptional_reason.strip():
            raise CaseworkError("特别重大损失或特别困难须写明情况")
        if earlier_grants(case) and not report.new_hardship.strip():
            raise CaseworkError("该救助对象已就同一原案获得救助：再次救助须记载新的、不同的困难情况并经审批")
    else:
        if report.refusal_reason not in RefusalReason.values:
            raise CaseworkError("请选择不予救助的理由")
        if report.refusal_reason == RefusalReason.OTHER and not report.refusal_text.strip():
            raise CaseworkError("选择“其他”时须写明理由")


def _same_person(case: Case) -> Q:
    """The linked person: the ID number or the person key of the linkage; only a case with neither
    falls back to the name (a hand-entered case without ID), which the case page says."""
    q = Q()
    if case.person_id_number:
        q |= Q(case__person_id_number__iexact=case.person_id_number.strip())
    if case.person_key:
        q |= Q(case__person_key=case.person_key)
    return q if q else Q(case__person_name=case.person_name.strip())


def _other_grants(case: Case):
    return (Decision.objects.filter(_same_person(case), kind=Decision.Kind.GRANT).exclude(case=case)
            .select_related("case"))


def earlier_grants(case: Case) -> list:
    """Grants in other cases to the same person for the same underlying 案件 (案号 compared after
    normalising brackets, full-width digits and spaces). A blank 原案案号 on either side cannot show
    that the 案件 differs, so it counts as the same."""
    mine = normalise_case_number(case.underlying_case_no)
    return [d for d in _other_grants(case)
            if mine is None or normalise_case_number(d.case.underlying_case_no) in (None, mine)]


def grant_warnings(case: Case) -> list[str]:
    """Another 案件's grant to the same person still being paid (decided, not yet closed): allowed by
    workflow.md §2, but the handler and the approvers are told."""
    same = {d.pk for d in earlier_grants(case)}
    return [f"该救助对象另有救助案件{d.case.number}（{d.case.get_state_display()}），请核实是否重复救助"
            for d in _other_grants(case) if d.pk not in same and d.case.state != CaseState.CLOSED]


@transaction.atomic
def add_meeting(case: Case, *, by, held_on: date, units, minutes: str, place: str = "", attendees: str = "",
                conclusion: str = "") -> JointMeeting:
    """联合研判: the units attending join the case (they then share its timeline)."""
    if not minutes.strip():
        raise CaseworkError("请填写会议纪要")
    units = list(units)
    if not units:
        raise CaseworkError("请选择参加联合研判的单位")
    meeting = JointMeeting.objects.create(case=case, held_on=held_on, place=place, attendees=attendees,
                                          minutes=minutes, conclusion=conclusion, recorded_by=by)
    meeting.units.set(units)
    for unit in units:
        CaseUnit.join(case, unit, CaseUnit.How.MEETING)
    add_event(case, "meeting", f"联合研判（{held_on:%Y年%m月%d日}），参加单位：" + "、".join(u.name for u in units)
              + (f"；研判意见：{conclusion}" if conclusion else ""), actor=by)
    audit.record(by, "create", meeting, detail={"step": "meeting", "units": [u.pk for u in units]})
    return meeting


@transaction.atomic
def submit(case: Case, *, by, on: date | None = None) -> Case:
    """Send the proposal to the first approval level."""
    case = _editable(case)
    report = case.report_or_none
    if report is None:
        raise CaseworkError("请先填写审查报告")
    check_report(case, report)
    on = on or today()
    before = snapshot(case)
    report.submitted_on = on
    report.save(update_fields=["submitted_on"])
    case.state = CaseState.APPROVING
    case.save(update_fields=["state", "updated_at"])
    close_tasks(kind=TaskKind.REVIEW, case=case, on=on)
    approval.open_next(case)
    what = (f"建议救助{report.amount_fen / 100:,.2f}元" if report.proposal == Proposal.GRANT
            else "建议不予救助")
    add_event(case, "submitted", f"审查报告提交审批：{what}", actor=by)
    if report.proposal == Proposal.GRANT:
        for warning in grant_warnings(case):
            add_event(case, "grant_warning", "提示：" + warning, actor=by)
    audit_change(by, case, before, step="submit")
    return case
