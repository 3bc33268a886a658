"""Due soon / overdue: for one user, and for a leader over the whole unit; 我的期限 (casework's tasks, the
clues a partner unit must answer, and the rows of the parts above casework, which register them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Q, QuerySet
from django.urls import reverse

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.casework.access import LEADERS, cases_for
from jiuzhu.app.casework.models import Task, TaskKind
from jiuzhu.app.clues.access import clues_to_work
from jiuzhu.app.config.dates import today
from jiuzhu.app.config.due import count_due, due_filters, status

# (user, on) -> rows of 我的期限 owed to a part above casework (referrals: referrals to sign or answer, plan
# items, meeting decisions); each such part adds its function when Django starts (its AppConfig.ready), with
# its counter: (user, on) -> how many of those rows are "overdue" and "soon" (the landing page's numbers),
# and any other number of the landing page its queries count on the way (referrals: "to_do", "plan_items")
DeadlineSource = Callable[..., list[dict]]
DeadlineCounts = Callable[..., dict[str, int]]
_SOURCES: list[tuple[DeadlineSource, DeadlineCounts]] = []


def open_tasks() -> QuerySet[Task]:
    return Task.objects.filter(done_on__isnull=True).select_related("case", "clue", "assignee__profile")


def tasks_for(user) -> QuerySet[Task]:
    """My open tasks: assigned to me, or to my role on a case I may open."""
    profile = profile_of(user)
    if profile is None:
        return Task.objects.none()
    mine = Q(assignee=user)
    by_role = Q(assignee__isnull=True, role=profile.role, case__in=cases_for(user))
    if profile.role == "finance":  # funds are requested before the case is visible to finance by grant
        by_role = Q(assignee__isnull=True, role=profile.role, case__unit=profile.unit)
    return open_tasks().filter(mine | by_role).order_by("due_on", "id")


def unit_tasks(user) -> QuerySet[Task]:
    """A leader's view: every open task of the unit's cases and clues."""
    profile = profile_of(user)
    if profile is None or profile.role not in LEADERS:
        return Task.objects.none()
    return open_tasks().filter(Q(case__unit=profile.unit) | Q(clue__isnull=False)).order_by("due_on", "id")


def annotate(tasks, *, on: date | None = None) -> list[dict]:
    on = on or today()
    return [{"task": t, "status": status(t.due_on, t.done_on, on=on)} for t in tasks]


def add_source(rows: DeadlineSource, counts: DeadlineCounts) -> None:
    """Show ``rows(user, on)`` (each row: title, link, due, status) among 我的期限's other deadlines;
    ``counts(user, on)`` says how many of those rows are overdue and due soon, without building them."""
    if (rows, counts) not in _SOURCES:
        _SOURCES.append((rows, counts))


def _partner_clues(user):
    """The clues a partner unit works (``clues_to_work``); None for the procuratorate (it answers no clue),
    asked before the clue queue is built, which costs the team queries of a handler's queue."""
    profile = profile_of(user)
    if profile is None or profile.in_procuratorate:
        return None
    return clues_to_work(user)


def _clues_due(user):
    """The clues a partner unit must answer by a date; None for the procuratorate."""
    clues = _partner_clues(user)
    return None if clues is None else clues.filter(answer_due__isnull=False)


def clues_due_counts(user, *, on: date | None = None, total: bool = False) -> dict[str, int]:
    """How many of the clues in 我的期限 are overdue and due soon, counted in the database: a partner unit
    may owe hundreds of answers, and the landing page shows only these two numbers. `total`: a partner
    unit's whole ``clues_to_work`` too, as "total", in the same query (the two filters pass no clue without
    an answer date)."""
    clues = _partner_clues(user)
    if clues is None:
        return {"overdue": 0, "soon": 0}
    if not total:
        clues = clues.filter(answer_due__isnull=False)
    return count_due(clues, due_filters("answer_due", on or today()), total=total)


def task_counts(user, *, on: date | None = None) -> dict[str, int]:
    """The landing page's numbers of my open tasks (``tasks_for``), counted in one aggregate: overdue, due soon
    (as ``annotate`` gives their status) and follow-up visits."""
    return count_due(tasks_for(user), due_filters("due_on", on or today()), follow_up=Q(kind=TaskKind.FOLLOW_UP))


def other_deadlines(user, *, on: date | None = None, with_clues: bool = True) -> list[dict]:
    """我的期限 beyond casework's tasks: (a partner unit, unless `with_clues` is false) the clues it must answer,
    and the registered rows — the referrals the unit must sign or answer, the plan items it owes. Each row:
    title, link, due, status ("overdue", "soon" or "")."""
    on = on or today()
    rows = []
    clues = _clues_due(user) if with_clues else None
    if clues is not None:
        for clue in clues.order_by("answer_due", "pk"):
            rows.append({"title": f"答复线索{clue.pk}（{clue.rule_name or clue.rule}）",
                         "link": reverse("clues:detail", args=[clue.pk]), "due": clue.answer_due,
                         "status": status(clue.answer_due, on=on)})
    for source, _ in _SOURCES:
        rows.extend(source(user, on))
    rows.sort(key=lambda row: (row["due"] or date.max, row["title"]))
    return rows


def other_deadline_counts(user, *, on: date | None = None) -> dict[str, int]:
    """How many of ``other_deadlines(user, on=on, with_clues=False)`` are overdue and due soon, and the other
    numbers the counters give (``add_source``)."""
    on = on or today()
    totals = {"overdue": 0, "soon": 0}
    for _, counts in _SOURCES:
        for name, n in counts(user, on).items():  # the counters' other numbers too (add_source)
            totals[name] = totals.get(name, 0) + n
    return totals


def deadline_rows(user, *, on: date | None = None) -> tuple[list[dict], list[dict]]:
    """(casework tasks, other deadlines) of 我的期限, both annotated with their status."""
    return annotate(tasks_for(user), on=on), other_deadlines(user, on=on)


def count_status(rows: list[dict], wanted: str) -> int:
    return sum(r["status"] == wanted for r in rows)
