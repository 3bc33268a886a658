"""The casework lists people work from — approvals waiting for me, payments to make. The landing page counts
them with these same queries (web/workday.py), so the number and the list cannot drift apart."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiuzhu.app.casework import access
from jiuzhu.app.casework.models import ApprovalLevel, Case, CaseState
from jiuzhu.app.casework.services import approval

TO_PAY = (CaseState.GRANTED, CaseState.PAYING)


def waiting_approvals(user) -> list[tuple[Case, ApprovalLevel]]:
    """Cases whose pending approval level is the user's (the 待我审批 list), each with that level."""
    # in 审批中, or a 先行救助 case whose remaining levels sign as its paperwork
    cases = list(access.cases_for(user).filter(
        Q(state=CaseState.APPROVING) | Q(urgent=True, urgent_paperwork_done_on__isnull=True))
        .select_related("report", "handler__profile"))
    # every case's level at once: asked a case at a time it was two queries a case on a department head's
    # landing page
    pending = approval.pending_levels(cases)
    return [(c, pending[c.pk]) for c in cases if approval.may_sign(user, c, pending[c.pk])]


def payments_to_make(user) -> QuerySet[Case]:
    """计财: decided grants whose money is not paid yet (待申请资金, 已申请, 已到账)."""
    return access.cases_for(user).filter(state__in=TO_PAY)
