"""Per-unit figures of the quarterly 通报 (workflow.md §6): referrals sent, answered and overdue; plan items done.
The reports app calls this rather than reading the referral fields itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.referrals.models import PlanItem, PlanItemState, Referral, ReferralState

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class UnitFigures:
    unit_code: str
    unit_name: str
    referrals_received: int  # sent to the unit in the period
    referrals_answered: int  # answered by the unit in the period
    referrals_returned: int  # returned by the unit in the period
    referrals_overdue: int  # of those sent in the period: past a limit by the period's end (Referral.was_overdue)
    plan_items_done: int  # closed as 已落实 in the period
    plan_items_open: int  # open at the end of the period, whenever made


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, day after end 00:00) in Asia/Shanghai."""
    return (datetime.combine(start, time(), tzinfo=SHANGHAI),
            datetime.combine(end + timedelta(days=1), time(), tzinfo=SHANGHAI))


def unit_figures(start: date, end: date) -> list[UnitFigures]:
    """One row per unit that received a referral or carries a plan item, in unit order; both dates inclusive."""
    lo, hi = _bounds(start, end)
    rows = []
    for unit in Unit.objects.order_by("id"):
        received = Referral.objects.filter(to_unit=unit, sent_at__gte=lo, sent_at__lt=hi)
        items = PlanItem.objects.filter(unit=unit)
        if not received.exists() and not items.exists():
            continue
        rows.append(UnitFigures(
            unit_code=unit.code,
            unit_name=unit.name,
            referrals_received=received.count(),
            referrals_answered=Referral.objects.filter(to_unit=unit, state=ReferralState.ANSWERED,
                                                       answered_at__gte=lo, answered_at__lt=hi).count(),
            referrals_returned=Referral.objects.filter(to_unit=unit, state=ReferralState.RETURNED,
                                                       returned_at__gte=lo, returned_at__lt=hi).count(),
            referrals_overdue=sum(r.was_overdue(end) for r in received),
            plan_items_done=items.filter(state=PlanItemState.DONE, closed_at__gte=lo, closed_at__lt=hi).count(),
            plan_items_open=items.filter(created_at__lt=hi).filter(
                Q(closed_at__isnull=True) | Q(closed_at__gte=hi)).count(),
        ))
    return rows
