"""决定: 救助决定书 or 不予救助通知书, as the approvers agreed."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from jiuzhu.app.casework.models import ApprovalLevel, Case, CaseState, Decision, Proposal, TaskKind, add_event
from jiuzhu.app.casework.services import amount, approval
from jiuzhu.app.casework.services.acceptance import case_number_prefix
from jiuzhu.app.casework.services.common import audit_change, close_tasks, lock, open_task, snapshot
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.casework.services.review import check_report
from jiuzhu.app.config.dates import today


def _document_number(kind: str, year: int) -> str:
    prefix = case_number_prefix() + ("决" if kind == Decision.Kind.GRANT else "不") + f"〔{year}〕"
    return f"{prefix}{Decision.objects.filter(document_number__startswith=prefix).count() + 1}号"


def _check_higher_approval(case: Case) -> None:
    """Over the 36-month cap: a level marked for exceptional cases must have agreed in this round."""
    if not approval.over_cap(case):
        return
    exceptional_orders = set(ApprovalLevel.objects.filter(for_exceptional=True).values_list("order", flat=True))
    agreed = set(case.approvals.filter(round=approval.current_round(case), agreed=True)
                 .values_list("level", flat=True))
    if not exceptional_orders & agreed:
        raise CaseworkError("超过36个月工资上限的救助须经检察长（检委会）审批同意")


@transaction.atomic
def decide(case: Case, *, by, on: date | None = None) -> Decision:
    case = lock(case)
    if case.state != CaseState.APPROVED:
        raise CaseworkError(f"案件当前为“{case.get_state_display()}”，审批完成后才能作出决定")
    report = case.report
    check_report(case, report)  # the rules again: the wage table or another grant may have changed
    on = on or today()
    kind = Decision.Kind.GRANT if report.proposal == Proposal.GRANT else Decision.Kind.REFUSE
    if kind == Decision.Kind.GRANT:
        _check_higher_approval(case)
        amount.check_amount(report.amount_fen, cap_fen=36 * report.wage_fen,
                            judged_compensation_fen=report.judged_compensation_fen, exceptional=report.exceptional)
    before = snapshot(case)
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                case=case, kind=kind, amount_fen=report.amount_fen if kind == Decision.Kind.GRANT else 0,
                refusal_reason=report.refusal_reason if kind == Decision.Kind.REFUSE else "",
                refusal_text=report.refusal_text if kind == Decision.Kind.REFUSE else "",
                document_number=_document_number(kind, on.year), decided_on=on, decided_by=by)
    except IntegrityError:
        raise CaseworkError("该案件已作出决定") from None
    close_tasks(kind=TaskKind.DECIDE, case=case, on=on)
    if kind == Decision.Kind.GRANT:
        case.state = CaseState.GRANTED
        open_task(TaskKind.REQUEST_FUNDS, f"申请救助资金：{case.number}", case=case, role="finance",
                  limit_code="funds_request", start=on)
        add_event(case, "decided", f"决定救助{decision.amount_fen / 100:,.2f}元（{decision.document_number}）",
                  actor=by)
    else:
        case.state = CaseState.REFUSED
        open_task(TaskKind.CLOSE, f"结案：{case.number}", case=case, assignee=case.handler,
                  limit_code="case_close", start=on)
        add_event(case, "decided", f"不予救助：{decision.reason_text}（{decision.document_number}）", actor=by)
    case.save(update_fields=["state", "updated_at"])
    audit_change(by, case, before, step="decide")
    return decision
