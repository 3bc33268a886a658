"""Due soon or overdue: the status of a due date, a function of the dates and the working-day calendar
that every list with deadlines shows (the clue queue, 我的期限, the case pages, referrals' work)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from jiuzhu.app.config.dates import today
from jiuzhu.engine.identity.calendar import add_working_days

SOON_WORKING_DAYS = 2  # "due soon": the limit ends within this many working days


def status(due_on: date | None, done_on: date | None = None, *, on: date | None = None,
           soon: date | None = None) -> str:
    """"overdue", "soon" or "" for a due date; a list passes `on` and ``soon_until(on)`` once for its rows."""
    if due_on is None or done_on is not None:
        return ""
    on = on or today()
    if due_on < on:
        return "overdue"
    if due_on <= (soon or soon_until(on)):
        return "soon"
    return ""


def soon_until(on: date) -> date:
    """The last due date that is "soon" on day `on`."""
    return add_working_days(on, SOON_WORKING_DAYS)


def due_filters(field: str, on: date) -> dict[str, Q]:
    """``status`` in the database for the date `field` of rows not done: {"overdue": Q, "soon": Q}."""
    return {"overdue": Q(**{f"{field}__lt": on}),
            "soon": Q(**{f"{field}__gte": on, f"{field}__lte": soon_until(on)})}


def count_due(rows: QuerySet, filters: dict[str, Q], *, total: bool = False, **more: Q) -> dict[str, int]:
    """How many of `rows` match each of `filters` (``due_filters``) and of `more`, in one aggregate; `total`:
    how many rows there are, under "total", in the same aggregate (a list's count beside its deadlines')."""
    counts = {name: Count("pk", filter=q) for name, q in {**filters, **more}.items()}
    if total:
        counts["total"] = Count("pk")
    return rows.order_by().aggregate(**counts)
