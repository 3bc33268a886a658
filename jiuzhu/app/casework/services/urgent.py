"""先行救助: approved first by the levels marked for it, papers completed afterwards: every level the
amount requires still signs (`approval.pending_level` in the paperwork), and only then are the papers
complete and the case may close."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from jiuzhu.app.casework.models import Case, CaseState, TaskKind, add_event
from jiuzhu.app.casework.services import approval
from jiuzhu.app.casework.services.common import audit_change, close_tasks, lock, snapshot
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.config.dates import today


@transaction.atomic
def mark_urgent(case: Case, *, by, reason: str) -> Case:
    case = lock(case)
    if case.state != CaseState.REVIEWING:
        raise CaseworkError("只有审查中的案件可以申请先行救助")
    if case.approvals.filter(agreed=False).exists():
        # a refused proposal must not be pushed through the shorter urgent chain
        raise CaseworkError("审批中已有不同意意见，不能再申请先行救助")
    if not reason.strip():
        raise CaseworkError("请写明先行救助的理由（急需医疗救治或生活陷入急迫困境）")
    before = snapshot(case)
    case.urgent, case.urgent_reason = True, reason
    case.save(update_fields=["urgent", "urgent_reason", "updated_at"])
    add_event(case, "urgent", f"申请先行救助：{reason}", actor=by)
    audit_change(by, case, before, step="urgent")
    return case


def paperwork_open(case: Case) -> bool:
    return case.urgent and case.urgent_paperwork_done_on is None


@transaction.atomic
def complete_paperwork(case: Case, *, by, on: date | None = None, note: str = "") -> Case:
    """The papers of an urgent case are complete: the full 审查报告 and the remaining signatures."""
    case = lock(case)
    if not paperwork_open(case):
        raise CaseworkError("该案件没有待补办的先行救助手续")
    report = case.report_or_none
    if report is None or not report.facts.strip() or not report.hardship.strip():
        raise CaseworkError("补办手续须完成审查报告（案件事实、困难情况）")
    waiting = approval.pending_level(case)
    if waiting is not None:
        raise CaseworkError(f"补办手续须经救助金额所需的各级审批同意：尚待{waiting.name}")
    on = on or today()
    before = snapshot(case)
    case.urgent_paperwork_done_on = on
    case.save(update_fields=["urgent_paperwork_done_on", "updated_at"])
    close_tasks(kind=TaskKind.PAPERWORK, case=case, on=on)
    add_event(case, "paperwork", "先行救助手续已补办完毕" + (f"：{note}" if note else ""), actor=by)
    audit_change(by, case, before, step="paperwork")
    return case
