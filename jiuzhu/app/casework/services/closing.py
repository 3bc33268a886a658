"""结案: only when the money is paid and followed up (or refused), the urgent papers are complete,
and every item of the assistance plan (the referrals app) is closed."""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db import transaction

from jiuzhu.app.casework.models import Case, CaseState, NeedState, TaskKind, add_event
from jiuzhu.app.casework.services.common import audit_change, close_tasks, lock, snapshot
from jiuzhu.app.casework.services.errors import CaseworkError
from jiuzhu.app.casework.services.urgent import paperwork_open
from jiuzhu.app.config.dates import today


def open_plan_items(case: Case) -> int:
    """Open items of the case's assistance plan; 0 while the referrals app has no PlanItem."""
    try:
        PlanItem = apps.get_model("referrals", "PlanItem")
    except LookupError:
        return 0
    items = PlanItem.objects.filter(case=case)
    # The referrals app defines which states are open (`PlanItemQuerySet.open()`).
    return items.open().count() if hasattr(items, "open") else 0


def blockers(case: Case) -> list[str]:
    """Why the case cannot be closed now (empty when it can)."""
    out = []
    if case.state == CaseState.PAID:
        if not case.follow_ups.filter(done_on__isnull=False).exists():
            out.append("发放后尚未回访")
    elif case.state != CaseState.REFUSED:
        out.append(f"案件当前为“{case.get_state_display()}”")
    if paperwork_open(case):
        out.append("先行救助手续尚未补办")
    n = open_plan_items(case)
    if n:
        out.append(f"救助方案尚有{n}项未办结")
    proposed = case.follow_ups.filter(need_state=NeedState.PROPOSED).count()
    if proposed:
        out.append(f"回访提出的需求尚有{proposed}项未确认是否纳入救助方案")
    return out


@transaction.atomic
def close(case: Case, *, by, outcome: str, on: date | None = None) -> Case:
    case = lock(case)
    reasons = blockers(case)
    if reasons:
        raise CaseworkError("不能结案：" + "；".join(reasons))
    if not outcome.strip():
        raise CaseworkError("请填写结案情况")
    on = on or today()
    before = snapshot(case)
    case.state, case.closed_on, case.outcome = CaseState.CLOSED, on, outcome
    case.save(update_fields=["state", "closed_on", "outcome", "updated_at"])
    close_tasks(kind=TaskKind.CLOSE, case=case, on=on)
    total = case.payment.amount_fen if hasattr(case, "payment") and case.payment.paid_on else 0
    add_event(case, "closed", f"结案：{outcome}（发放救助金合计{total / 100:,.2f}元）", actor=by)
    audit_change(by, case, before, step="close")
    return case
