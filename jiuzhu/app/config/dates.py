"""The app's one "today" and its one way to count a due date from a configured time limit (TimeLimit)."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.utils import timezone

from jiuzhu.app.config.models import ANSWER_LIMIT, RECEIPT_LIMIT, ResponsibilityList, TimeLimit
from jiuzhu.engine.identity.calendar import add_working_days, working_days_between


def today() -> date:
    """Today in Asia/Shanghai (settings.TIME_ZONE) by Django's clock, so that a test freezing
    django.utils.timezone.now freezes it too. The engine, which has no Django, has its own
    (jiuzhu.engine.identity.calendar.today)."""
    return timezone.localdate()


def add_months(d: date, months: int) -> date:
    """Same day `months` later, or the month's last day (1月31日 + 1 → 2月28/29日)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def due_from(code: str, start: date | datetime) -> date:
    """The last day of limit `code` counted from `start` (the start day itself never counts; a moment counts
    from its Asia/Shanghai day). A limit row the administrator deleted is an error (TimeLimit.DoesNotExist):
    the rows are seeded by the migrations and edited, never guessed here."""
    day = timezone.localdate(start) if isinstance(start, datetime) else start
    row = TimeLimit.objects.filter(code=code).first()
    if row is None:
        raise TimeLimit.DoesNotExist(f"期限设置中没有代码为 {code} 的期限")
    if row.months:
        return add_months(day, row.months)
    return add_working_days(day, row.working_days)


def limit_codes(unit) -> tuple[str, str]:
    """The receipt and answer limit codes of a unit, as its 职责清单 sets them (the defaults without one)."""
    duties = ResponsibilityList.objects.filter(unit=unit).first()
    if duties is None:
        return RECEIPT_LIMIT, ANSWER_LIMIT
    return duties.receipt_limit_code, duties.answer_limit_code


def working_days_left(due: date, on: date | None = None) -> int:
    """Positive: days still available; 0: due today; negative: working days overdue."""
    return working_days_between(on or today(), due)
