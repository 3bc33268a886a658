"""A working day: what each user has to do, counted by the same queries the lists use.

Each count on the landing page links to the list that shows exactly those rows (tested in
tests/app/web/test_workday.py): each part keeps the queries of its lists (casework/worklists.py,
casework/deadlines.py, clues/access.py, referrals/services/worklists.py), the list views and this page call
the same functions, so the number and the list cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass

from jiuzhu.app.accounts import policy
from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.notices import unread_count
from jiuzhu.app.accounts.roles import APPROVERS, PARTNER_ROLES, PROCURATORS, Role
from jiuzhu.app.casework import access as case_access
from jiuzhu.app.casework import deadlines
from jiuzhu.app.casework.models import CaseState
from jiuzhu.app.casework.worklists import payments_to_make, waiting_approvals
from jiuzhu.app.clues.access import clues_to_work
from jiuzhu.app.config.dates import today
from jiuzhu.app.web.menu import url_of


@dataclass(frozen=True)
class Tile:
    label: str
    count: int
    url: str
    urgent: bool = False  # shown red when not zero (overdue items)


def _url(name: str, query: str = "") -> str | None:
    url = url_of(name)
    return url + (f"?{query}" if query else "") if url is not None else None


def tiles_for(user, *, unread: int | None = None) -> list[Tile]:
    """The landing page's counts for this user's role, each with the list it counts; `unread`: the unread
    notices when the caller has counted them already (the menu shows the number too)."""
    profile = profile_of(user)
    if profile is None:
        return []
    role = profile.role
    tiles: list[Tile | None] = []

    def add(label: str, count: int, url: str | None, urgent: bool = False) -> None:
        if url is not None:
            tiles.append(Tile(label, count, url, urgent))

    on = today()
    tasks = deadlines.task_counts(user, on=on)
    # the referral work's deadlines, with its inbox ("to_do") and plan items counted by the same queries
    others = deadlines.other_deadline_counts(user, on=on)
    partner = not profile.in_procuratorate and role in PARTNER_ROLES
    # a partner's clue deadlines with its whole queue ("total") in one query
    clues_due = deadlines.clues_due_counts(user, on=on, total=partner)
    if partner:
        add("待答复线索", clues_due["total"], _url("clues:queue"))
    if profile.in_procuratorate and role in PROCURATORS:
        add("待核查线索", clues_to_work(user).count(), _url("clues:queue"))
        add("审查中案件", case_access.cases_for(user).filter(state=CaseState.REVIEWING).count(),
            _url("casework:case_list", "state=reviewing"))
    if role in APPROVERS:
        add("待我审批", len(waiting_approvals(user)), _url("casework:approvals"))
    if role == Role.FINANCE:
        add("待发放救助金", payments_to_make(user).count(), _url("casework:payments", "show=todo"))
    if policy.role_allows(user, "referral.list"):
        add("待签收、反馈的移送", others["to_do"], _url("referrals:inbox"))
    if not profile.in_procuratorate:
        add("未办结救助方案事项", others["plan_items"], _url("referrals:plan_items"))
    visits = tasks["follow_up"]
    if visits or role == Role.HANDLER:
        add("待回访", visits, _url("casework:deadlines", "show=follow_up"))
    add(
        "已逾期事项",
        tasks["overdue"] + others["overdue"] + clues_due["overdue"],
        _url("casework:deadlines", "show=overdue"),
        urgent=True,
    )
    add(
        "即将到期事项",
        tasks["soon"] + others["soon"] + clues_due["soon"],
        _url("casework:deadlines", "show=soon"),
    )
    add("未读通知", unread_count(user) if unread is None else unread, _url("referrals:notifications"))
    return [t for t in tiles if t is not None]
