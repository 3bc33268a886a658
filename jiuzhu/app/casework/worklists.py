"""The casework lists people work from — approvals waiting for me, payments to make. The landing page counts
them with these same queries (web/workday.py), so the number and the list cannot drift apart."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiuzhu.app.casework import access
from jiuzhu.app.casework.models import Case, CaseState
from jiuzhu.app.casework.services import approval

TO_PAY = (CaseState.GRANTED, CaseState.PAYING)


def waiting_approvals(user) -> list[Case]:
    """Cases whose pending approval level is the user's (the 待我审批 list)."""
    # in 审批中, or a 先行救助 case whose remaining levels sign as its paperwork
    return [c for c in access.cases_for(user).filter(
                Q(state=CaseState.APPROVING) | Q(urgent=True, urgent_paperwork_done_on__isnull=True))
            .select_related("report", "handler__profile") if approval.may_approve(user, c)]


def payments_to_make(user) -> QuerySet[Case]:
    """计财: decided grants whose money is not paid yet (待申请资金, 已申请, 已到账)."""
    return access.cases_for(user).filter(state__in=TO_PAY)
