"""Who is told when a case or clue step falls to them, and when it is overdue.

Every open step is a `Task`; opening one tells the people who owe it (a clue assigned, an approval
needed, approval finished — the handler's 决定 or a return —, funds arrived, a visit due …), once per task.
A task past its due date is escalated once to the owners and the unit's leader, as referrals are
(`check_overdue_tasks`, run daily by `jiuzhu referrals check-overdue`). Texts carry case numbers and clue
numbers, never names or ID numbers: they may leave the platform by e-mail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jiuzhu.app.accounts.models import Profile
from jiuzhu.app.accounts.notices import notify
from jiuzhu.app.casework.models import Task, TaskKind, add_event
from jiuzhu.app.config.duties import leaders_of

# What the owner is told when the task opens; {what} is the case or clue, {due} its limit
OPENED_TEXT = {
    TaskKind.VERIFY: "{what}已分派给您核查，核查期限{due}",
    TaskKind.REVIEW: "{what}{title}，期限{due}",
    TaskKind.APPROVE: "{what}待您审批（{title}），期限{due}",
    TaskKind.DECIDE: "{what}审批完成，各级同意，请于{due}前制作并送达决定文书",
    TaskKind.REQUEST_FUNDS: "{what}已决定救助，请于{due}前申请救助资金",
    TaskKind.NOTIFY: "{what}救助资金已到账，请于{due}前通知申请人领取",
    TaskKind.PAY: "{what}救助资金已到账，请于{due}前发放",
    TaskKind.FOLLOW_UP: "{what}待回访，期限{due}",
    TaskKind.PAPERWORK: "{what}先行救助已审批，请于{due}前补办手续",
    TaskKind.CLOSE: "{what}可以结案，期限{due}",
}


def _what(task: Task) -> str:
    if task.case_id:
        return f"案件{task.case.number}"
    return f"线索{task.clue_id}（{task.clue.rule_name or task.clue.rule}）"


def _due(task: Task) -> str:
    return f"{task.due_on:%Y-%m-%d}" if task.due_on else "未设"


def link_of(task: Task) -> str:
    if task.case_id:
        return reverse("casework:case_detail", args=[task.case_id])
    return reverse("clues:detail", args=[task.clue_id])


def unit_of(task: Task):
    if task.case_id:
        return task.case.unit
    profile = getattr(task.assignee, "profile", None)
    return profile.unit if profile else None


def owners(task: Task) -> list:
    """The person the task is assigned to, else everyone with its role in the case's unit."""
    if task.assignee_id:
        return [task.assignee]
    unit = unit_of(task)
    if unit is None or not task.role:
        return []
    ids = Profile.objects.filter(unit=unit, role=task.role).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def _title(task: Task) -> str:
    return task.label if task.case_id else task.title


# Tasks opened inside `one_notice_per_owner()`, held back to be told together
_held: ContextVar[list[Task] | None] = ContextVar("held_tasks", default=None)


def task_opened(task: Task) -> None:
    """Tell the owners of a new task (once per task)."""
    template = OPENED_TEXT.get(task.kind)
    if template is None:
        return
    held = _held.get()
    if held is not None:
        held.append(task)
        return
    text = template.format(what=_what(task), due=_due(task), title=_title(task))
    notify(owners(task), f"task-{task.pk}", text, link=link_of(task))


@contextmanager
def one_notice_per_owner(summary: str, link: str) -> Iterator[None]:
    """Batch steps (assigning 500 clues at once) tell each owner once, not once per task: a single task is
    told as usual; several become one notice `summary` (with {n} and {due}, the earliest limit)."""
    token = _held.set([])
    try:
        yield
    finally:
        tasks = _held.get() or []
        _held.reset(token)
        by_owner: dict[int, tuple[object, list[Task]]] = {}
        for task in tasks:
            for user in owners(task):
                by_owner.setdefault(user.pk, (user, []))[1].append(task)
        for user, mine in by_owner.values():
            if len(mine) == 1:
                task_opened(mine[0])
                continue
            due = min((t.due_on for t in mine if t.due_on), default=None)
            text = summary.format(n=len(mine), due=f"{due:%Y-%m-%d}" if due else "未设")
            notify([user], f"tasks-{mine[0].pk}-{len(mine)}", text, link=link)


@dataclass(frozen=True)
class TaskOverdue:
    task_id: int
    kind: str
    what: str
    due: date
    notified: int


def check_overdue_tasks(today: date | None = None, *, now: datetime | None = None) -> list[TaskOverdue]:
    """Flag each open task past its due date once (`Task.overdue_at`), write it on the case's timeline and
    tell its owners and the unit's leader once. Running it again flags and tells nobody twice."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    out = []
    late = (Task.objects.filter(done_on__isnull=True, due_on__lt=today, overdue_at__isnull=True)
            .select_related("case__unit", "clue", "assignee__profile__unit").order_by("due_on", "pk"))
    for task in late:
        with transaction.atomic():
            fresh = Task.objects.select_for_update().get(pk=task.pk)
            if fresh.overdue_at is not None or fresh.done_on is not None:
                continue
            fresh.overdue_at = now
            fresh.save(update_fields=["overdue_at"])
            what = _what(task)
            text = f"{what}“{_title(task)}”已超期，期限为{task.due_on:%Y-%m-%d}"
            unit = unit_of(task)
            told = notify([*owners(task), *(leaders_of(unit) if unit else [])], f"task-overdue-{task.pk}", text,
                          link=link_of(task))
            if task.case_id:
                add_event(task.case, "task_overdue", text, at=now)
        out.append(TaskOverdue(task.pk, task.kind, what, task.due_on, len(told)))
    return out
