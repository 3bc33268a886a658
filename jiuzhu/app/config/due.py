"""Due soon or overdue: the status of a due date, a function of the dates and the working-day calendar
that every list with deadlines shows (the clue queue, 我的期限, the case pages, referrals' work)."""

from __future__ import annotations

from datetime import date

from jiuzhu.app.config.dates import today
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
