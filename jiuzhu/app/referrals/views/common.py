"""Fetching what a user asked for, or refusing it (audited) when it is outside their cases and referrals."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from jiuzhu.app.accounts.access import deny
from jiuzhu.app.casework.models import Case
from jiuzhu.app.referrals.models import PlanItem, Referral
from jiuzhu.app.referrals.services import scope


def referral_or_deny(request: HttpRequest, pk: int) -> Referral:
    referral = get_object_or_404(Referral.objects.select_related("from_unit", "to_unit", "case", "sender"), pk=pk)
    if not scope.may_see_referral(request.user, referral):
        raise deny(request, "referrals.referral", str(pk))
    return referral


def case_or_deny(request: HttpRequest, pk: int) -> Case:
    case = get_object_or_404(Case, pk=pk)
    if not scope.may_see_case(request.user, case):
        raise deny(request, "casework.case", str(pk))
    return case


def plan_item_or_deny(request: HttpRequest, pk: int) -> PlanItem:
    item = get_object_or_404(PlanItem.objects.select_related("case", "unit", "referral"), pk=pk)
    if not scope.plan_items_for(request.user).filter(pk=pk).exists():
        raise deny(request, "referrals.planitem", str(pk))
    return item
