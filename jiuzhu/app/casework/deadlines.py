"""Due soon / overdue: for one user, and for a leader over the whole unit; 我的期限 (casework's tasks, the
clues a partner unit must answer, and the rows of the parts above casework, which register them)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db.models import Q, QuerySet
from django.urls import reverse

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.casework.access import LEADERS, cases_for
from jiuzhu.app.casework.models import Task
from jiuzhu.app.clues.access import clues_to_work
from jiuzhu.app.config.dates import today
from jiuzhu.app.config.due import soon_until, status

# (user, on) -> rows of 我的期限 owed to a part above casework (referrals: referrals to sign or answer, plan
# items, meeting decisions); each such part adds its function when Django starts (its AppConfig.ready)
DeadlineSource = Callable[..., list[dict]]
_SOURCES: list[DeadlineSource] = []


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


def add_source(rows: DeadlineSource) -> None:
    """Show ``rows(user, on)`` (each row: title, link, due, status) among 我的期限's other deadlines."""
    if rows not in _SOURCES:
        _SOURCES.append(rows)


def _clues_due(user):
    """The clues a partner unit must answer by a date (none for the procuratorate)."""
    profile = profile_of(user)
    clues = clues_to_work(user).filter(answer_due__isnull=False)
    return clues if profile is not None and not profile.in_procuratorate else clues.none()


def clues_due_counts(user, *, on: date | None = None) -> dict[str, int]:
    """How many of the clues in 我的期限 are overdue and due soon, counted in the database: a partner unit
    may owe hundreds of answers, and the landing page shows only these two numbers."""
    on = on or today()
    clues = _clues_due(user)
    return {"overdue": clues.filter(answer_due__lt=on).count(),
            "soon": clues.filter(answer_due__gte=on, answer_due__lte=soon_until(on)).count()}


def other_deadlines(user, *, on: date | None = None, with_clues: bool = True) -> list[dict]:
    """我的期限 beyond casework's tasks: (a partner unit, unless `with_clues` is false) the clues it must answer,
    and the registered rows — the referrals the unit must sign or answer, the plan items it owes. Each row:
    title, link, due, status ("overdue", "soon" or "")."""
    on = on or today()
    rows = []
    if with_clues:
        for clue in _clues_due(user).order_by("answer_due", "pk"):
            rows.append({"title": f"答复线索{clue.pk}（{clue.rule_name or clue.rule}）",
                         "link": reverse("clues:detail", args=[clue.pk]), "due": clue.answer_due,
                         "status": status(clue.answer_due, on=on)})
    for source in _SOURCES:
        rows.extend(source(user, on))
    rows.sort(key=lambda row: (row["due"] or date.max, row["title"]))
    return rows


def deadline_rows(user, *, on: date | None = None) -> tuple[list[dict], list[dict]]:
    """(casework tasks, other deadlines) of 我的期限, both annotated with their status."""
    return annotate(tasks_for(user), on=on), other_deadlines(user, on=on)


def count_status(rows: list[dict], wanted: str) -> int:
    return sum(r["status"] == wanted for r in rows)
