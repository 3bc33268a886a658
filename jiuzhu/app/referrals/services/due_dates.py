"""Due dates from the configured time limits (casework's TimeLimit rows) on the statutory calendar."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from jiuzhu.app.casework.models import TimeLimit
from jiuzhu.app.config import dates
from jiuzhu.app.referrals.defaults import TIME_LIMITS
from jiuzhu.app.referrals.models import ANSWER_LIMIT, RECEIPT_LIMIT, ResponsibilityList
from jiuzhu.engine.identity.calendar import add_working_days, working_days_between

PLAN_ITEM_LIMIT = "plan_item"


def local_day(at: datetime | date) -> date:
    """The Asia/Shanghai calendar day of a moment (a limit starts on the day, not the instant)."""
    return timezone.localdate(at) if isinstance(at, datetime) else at


def limit_days(code: str) -> int:
    """The configured working days; a default row deleted by mistake (or by a test database flush) is put back."""
    row = TimeLimit.objects.filter(code=code).first()
    if row is None:
        defaults = {c: (name, days, note) for c, name, days, note in TIME_LIMITS}
        if code not in defaults:
            raise TimeLimit.DoesNotExist(f"期限设置中没有代码为 {code} 的期限")
        name, days, note = defaults[code]
        row, _ = TimeLimit.objects.get_or_create(code=code, defaults={"name": name, "working_days": days, "note": note})
    return row.working_days


def limit_codes(unit) -> tuple[str, str]:
    duties = ResponsibilityList.objects.filter(unit=unit).first()
    if duties is None:
        return RECEIPT_LIMIT, ANSWER_LIMIT
    return duties.receipt_limit_code, duties.answer_limit_code


def receipt_due(unit, sent_at: datetime | date) -> date:
    """签收期限: the receiving unit's receipt limit, counted from the day the referral was sent."""
    return add_working_days(local_day(sent_at), limit_days(limit_codes(unit)[0]))


def answer_due(unit, received_at: datetime | date) -> date:
    """反馈期限: the receiving unit's answer limit (5 for 乡村振兴 by default), counted from receipt."""
    return add_working_days(local_day(received_at), limit_days(limit_codes(unit)[1]))


def plan_item_due(start: datetime | date) -> date:
    return add_working_days(local_day(start), limit_days(PLAN_ITEM_LIMIT))


def working_days_left(due: date, today: date | None = None) -> int:
    """Positive: days still available; 0: due today; negative: working days overdue."""
    return working_days_between(today or dates.today(), due)
