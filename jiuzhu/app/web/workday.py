"""A working day: what each user has to do, counted by the same queries the lists use.

Each count on the landing page links to the list that shows exactly those rows (tested in
tests/app/web/test_workday.py): the list views call the functions here, so the number and the list
cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from jiuzhu.app.accounts import policy
from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.roles import APPROVERS, PARTNER_ROLES, PROCURATORS, Role
from jiuzhu.app.casework import access as case_access
from jiuzhu.app.casework import deadlines
from jiuzhu.app.casework.models import Case, CaseState, TaskKind
from jiuzhu.app.referrals.models import OPEN_PLAN_STATES, PENDING_STATES, PlanItem, Referral
from jiuzhu.app.referrals.services import scope
from jiuzhu.app.referrals.services.notify import unread_count

TO_PAY = (CaseState.GRANTED, CaseState.PAYING)


@dataclass(frozen=True)
class Tile:
    label: str
    count: int
    url: str
    urgent: bool = False  # shown red when not zero (overdue items)


def waiting_approvals(user) -> list[Case]:
    """Cases whose pending approval level is the user's (the 待我审批 list)."""
    from jiuzhu.app.casework.services import approval

    # in 审批中, or a 先行救助 case whose remaining levels sign as its paperwork
    return [c for c in case_access.cases_for(user).filter(
                Q(state=CaseState.APPROVING) | Q(urgent=True, urgent_paperwork_done_on__isnull=True))
            .select_related("report", "handler__profile") if approval.may_approve(user, c)]


def payments_to_make(user) -> QuerySet[Case]:
    """计财: decided grants whose money is not paid yet (待申请资金, 已申请, 已到账)."""
    return case_access.cases_for(user).filter(state__in=TO_PAY)


def referrals_to_do(user) -> list[Referral]:
    """Referrals the user's unit must sign or answer, by due date (the inbox's 待办)."""
    profile = profile_of(user)
    if profile is None:
        return []
    received = (scope.referrals_for(user).filter(to_unit=profile.unit, state__in=PENDING_STATES)
                .select_related("from_unit", "to_unit", "case"))
    return sorted(received, key=lambda r: (r.due_date(), r.pk))


def open_plan_items(user) -> QuerySet[PlanItem]:
    """Plan items the user's unit owes (a partner unit), or of the user's cases (the procuratorate)."""
    return scope.plan_items_for(user).filter(state__in=OPEN_PLAN_STATES)


def unit_plan_items(user) -> QuerySet[PlanItem]:
    """The plan items routed to the user's own unit: these are its deadlines."""
    profile = profile_of(user)
    if profile is None:
        return PlanItem.objects.none()
    return open_plan_items(user).filter(unit=profile.unit).select_related("case", "unit")


def clues_to_work(user):
    """Open clues of the user's queue: for the procuratorate those to verify, for a partner unit those its
    unit still owes an answer to (the clue queue without filters shows exactly these)."""
    from jiuzhu.app.clues import access as clue_access
    from jiuzhu.app.clues.models import OPEN_STATES

    profile = profile_of(user)
    clues = clue_access.clues_for(user).filter(state__in=OPEN_STATES)
    if profile is not None and not profile.in_procuratorate:
        clues = clues.filter(target_unit=profile.unit.code, unit_outcome="")
    return clues


def _clues_due(user):
    """The clues a partner unit must answer by a date (none for the procuratorate)."""
    profile = profile_of(user)
    clues = clues_to_work(user).filter(answer_due__isnull=False)
    return clues if profile is not None and not profile.in_procuratorate else clues.none()


def clues_due_counts(user, *, on: date | None = None) -> dict[str, int]:
    """How many of the clues in 我的期限 are overdue and due soon, counted in the database: a partner unit
    may owe hundreds of answers, and the landing page shows only these two numbers."""
    on = on or timezone.localdate()
    clues = _clues_due(user)
    return {"overdue": clues.filter(answer_due__lt=on).count(),
            "soon": clues.filter(answer_due__gte=on, answer_due__lte=deadlines.soon_until(on)).count()}


def other_deadlines(user, *, on: date | None = None, with_clues: bool = True) -> list[dict]:
    """我的期限 beyond casework's tasks: referrals the unit must sign or answer, the plan items it owes and
    (a partner unit, unless `with_clues` is false) the clues it must answer. Each row: title, link, due,
    status ("overdue", "soon" or "")."""
    on = on or timezone.localdate()
    rows = []
    if with_clues:
        for clue in _clues_due(user).order_by("answer_due", "pk"):
            rows.append({"title": f"答复线索{clue.pk}（{clue.rule_name or clue.rule}）",
                         "link": reverse("clues:detail", args=[clue.pk]), "due": clue.answer_due,
                         "status": deadlines.status(clue.answer_due, on=on)})
    for r in referrals_to_do(user):
        step = "签收" if r.state == "sent" else "反馈"
        rows.append({"title": f"{step}移送{r.number}（{r.get_kind_display()}，{r.from_unit.name}）",
                     "link": reverse("referrals:detail", args=[r.pk]), "due": r.due_date(),
                     "status": deadlines.status(r.due_date(), on=on)})
    from jiuzhu.app.referrals.services.meetings import decisions_for_unit

    for d in decisions_for_unit(user):
        rows.append({"title": f"落实{d.meeting.held_on:%Y-%m-%d}定期会商议定事项：{d.text[:30]}",
                     "link": reverse("referrals:meeting", args=[d.meeting_id]), "due": d.due_date,
                     "status": deadlines.status(d.due_date, on=on)})
    for item in unit_plan_items(user):
        rows.append({"title": f"落实救助方案事项：{item.get_kind_display()}（{item.case.number}）",
                     "link": reverse("referrals:plan_items"), "due": item.due_date,
                     "status": deadlines.status(item.due_date, on=on)})
    rows.sort(key=lambda row: (row["due"] or date.max, row["title"]))
    return rows


def deadline_rows(user, *, on: date | None = None) -> tuple[list[dict], list[dict]]:
    """(casework tasks, other deadlines) of 我的期限, both annotated with their status."""
    return deadlines.annotate(deadlines.tasks_for(user), on=on), other_deadlines(user, on=on)


def count_status(rows: list[dict], status: str) -> int:
    return sum(r["status"] == status for r in rows)


def _url(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def tiles_for(user) -> list[Tile]:
    """The landing page's counts for this user's role, each with the list it counts."""
    profile = profile_of(user)
    if profile is None:
        return []
    role = profile.role
    tiles: list[Tile | None] = []

    def add(label: str, count: int, url: str | None, urgent: bool = False) -> None:
        if url is not None:
            tiles.append(Tile(label, count, url, urgent))

    on = timezone.localdate()
    tasks = deadlines.annotate(deadlines.tasks_for(user), on=on)
    others = other_deadlines(user, on=on, with_clues=False)
    clues_due = clues_due_counts(user, on=on)
    if not profile.in_procuratorate and role in PARTNER_ROLES:
        add("待答复线索", clues_to_work(user).count(), _url("clues:queue"))
    if profile.in_procuratorate and role in PROCURATORS:
        add("待核查线索", clues_to_work(user).count(), _url("clues:queue"))
        add("审查中案件", case_access.cases_for(user).filter(state=CaseState.REVIEWING).count(),
            _url("casework:case_list", "state=reviewing"))
    if role in APPROVERS:
        add("待我审批", len(waiting_approvals(user)), _url("casework:approvals"))
    if role == Role.FINANCE:
        add("待发放救助金", payments_to_make(user).count(), _url("casework:payments", "show=todo"))
    if policy.role_allows(user, "referral.list"):
        add("待签收、反馈的移送", len(referrals_to_do(user)), _url("referrals:inbox"))
    if not profile.in_procuratorate:
        add("未办结救助方案事项", unit_plan_items(user).count(), _url("referrals:plan_items"))
    visits = [r for r in tasks if r["task"].kind == TaskKind.FOLLOW_UP]
    if visits or role == Role.HANDLER:
        add("待回访", len(visits), _url("casework:deadlines", "show=follow_up"))
    add("已逾期事项", count_status(tasks, "overdue") + count_status(others, "overdue") + clues_due["overdue"],
        _url("casework:deadlines", "show=overdue"), urgent=True)
    add("即将到期事项", count_status(tasks, "soon") + count_status(others, "soon") + clues_due["soon"],
        _url("casework:deadlines", "show=soon"))
    add("未读通知", unread_count(user), _url("referrals:notifications"))
    return [t for t in tiles if t is not None]
