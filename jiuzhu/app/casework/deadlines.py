"""Due soon / overdue: for one user, and for a leader over the whole unit."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.casework.access import LEADERS, cases_for
from jiuzhu.app.casework.models import Task
from jiuzhu.app.casework.services.common import today
from jiuzhu.engine.identity.calendar import add_working_days

SOON_WORKING_DAYS = 2  # "due soon": the limit ends within this many working days


def status(due_on: date | None, done_on: date | None = None, *, on: date | None = None) -> str:
    """"overdue", "soon" or "" for a due date."""
    if due_on is None or done_on is not None:
        return ""
    on = on or today()
    if due_on < on:
        return "overdue"
    if due_on <= soon_until(on):
        return "soon"
    return ""


def soon_until(on: date) -> date:
    """The last due date that is "soon" on day `on`."""
    return add_working_days(on, SOON_WORKING_DAYS)


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
