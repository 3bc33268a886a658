"""三共享三互通, and no further: who may see which referral, plan item and case timeline.

The procuratorate sees every referral it sent or received and every case. A partner unit sees the
referrals it sent or received, its own plan items, and the timeline of the cases it takes part in —
nothing of any other case. Views and the API ask only these functions."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.casework.models import Case, CaseUnit
from jiuzhu.app.referrals.models import PlanItem, Referral


def referrals_for(user) -> QuerySet[Referral]:
    profile = profile_of(user)
    if profile is None:
        return Referral.objects.none()
    return Referral.objects.filter(Q(from_unit=profile.unit) | Q(to_unit=profile.unit))


def plan_items_for(user) -> QuerySet[PlanItem]:
    profile = profile_of(user)
    if profile is None:
        return PlanItem.objects.none()
    if profile.in_procuratorate:
        return PlanItem.objects.all()
    return PlanItem.objects.filter(unit=profile.unit)


def cases_for(user) -> QuerySet[Case]:
    profile = profile_of(user)
    if profile is None:
        return Case.objects.none()
    if profile.in_procuratorate:
        return Case.objects.all()
    joined = CaseUnit.objects.filter(unit=profile.unit).values("case_id")
    return Case.objects.filter(Q(pk__in=joined) | Q(unit=profile.unit))


def may_see_case(user, case: Case) -> bool:
    return cases_for(user).filter(pk=case.pk).exists()


def may_see_referral(user, referral: Referral) -> bool:
    return referrals_for(user).filter(pk=referral.pk).exists()
