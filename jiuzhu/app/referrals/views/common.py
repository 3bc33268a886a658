"""Fetching what a user asked for, or refusing it (audited) when it is outside their cases and referrals."""

from __future__ import annotations

from django.http import HttpRequest

from jiuzhu.app.accounts.policy import get_visible_or_404
from jiuzhu.app.casework.models import Case
from jiuzhu.app.referrals.models import PlanItem, Referral


def referral_or_deny(request: HttpRequest, pk: int, action: str = "referral.view") -> Referral:
    return get_visible_or_404(request, Referral.objects.select_related("from_unit", "to_unit", "case", "sender"),
                              pk, action)


def case_or_deny(request: HttpRequest, pk: int, action: str = "case.cooperation") -> Case:
    return get_visible_or_404(request, Case, pk, action)


def plan_item_or_deny(request: HttpRequest, pk: int, action: str = "plan_item.close") -> PlanItem:
    return get_visible_or_404(request, PlanItem.objects.select_related("case", "unit", "referral"), pk, action)
