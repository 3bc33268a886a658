"""Figures of one case for pages and the quarterly report: working days from 受理 to the end of
approval and to the decision, against the county's 7-day target (a `TimeLimit` row, not code)."""

from __future__ import annotations

from django.utils import timezone

from jiuzhu.app.casework.models import Case
from jiuzhu.app.config.models import TimeLimit
from jiuzhu.engine.identity.calendar import working_days_between


def approval_working_days(case: Case) -> int | None:
    """Working days from 受理 to the last agreeing signature, once the chain is complete."""
    if case.state in ("reviewing", "approving"):
        return None
    last = case.approvals.filter(agreed=True).order_by("-at").first()
    if last is None:
        return None
    return working_days_between(case.accepted_on, timezone.localdate(last.at))


def decision_working_days(case: Case) -> int | None:
    decision = getattr(case, "decision", None) if hasattr(case, "decision") else None
    return working_days_between(case.accepted_on, decision.decided_on) if decision else None


def approval_target() -> TimeLimit | None:
    return TimeLimit.objects.filter(code="approval_target").first()


def approval_against_target(case: Case) -> dict | None:
    """{days, target, met} for the case page, or None before approval is complete."""
    days, target = approval_working_days(case), approval_target()
    if days is None or target is None:
        return None
    return {"days": days, "target": target.working_days, "met": days <= target.working_days}
