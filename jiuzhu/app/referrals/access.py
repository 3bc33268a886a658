"""三共享三互通, and no further: who may see which referral, plan item and case timeline.

Which cases a user may open is casework's rule (`casework.access.cases_for`: a handler their own and their
team's cases, leaders their unit's, a partner unit the cases it takes part in, the data administrator
none). On top of it: a partner unit sees the referrals it sent or received and the plan items routed to it;
the procuratorate sees the referrals and plan items of the cases it may open, and — for handlers and
leaders — the referrals that carry no case (clues sent either way). Views and the API ask only these."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.roles import PROCURATORS
from jiuzhu.app.casework.access import cases_for as casework_cases_for
from jiuzhu.app.casework.models import Case
from jiuzhu.app.referrals.models import PlanItem, Referral, RegistryUpload


def cases_for(user) -> QuerySet[Case]:
    return casework_cases_for(user)


def referrals_for(user) -> QuerySet[Referral]:
    profile = profile_of(user)
    if profile is None:
        return Referral.objects.none()
    if not profile.in_procuratorate:
        return Referral.objects.filter(Q(from_unit=profile.unit) | Q(to_unit=profile.unit))
    ours = Q(from_unit=profile.unit) | Q(to_unit=profile.unit)
    seen = Q(case__in=cases_for(user))
    if profile.role in PROCURATORS:
        seen |= Q(case__isnull=True)
    return Referral.objects.filter(ours & seen)


def plan_items_for(user) -> QuerySet[PlanItem]:
    profile = profile_of(user)
    if profile is None:
        return PlanItem.objects.none()
    if profile.in_procuratorate:
        return PlanItem.objects.filter(case__in=cases_for(user))
    return PlanItem.objects.filter(unit=profile.unit)


def may_see_case(user, case: Case) -> bool:
    return cases_for(user).filter(pk=case.pk).exists()


def may_see_referral(user, referral: Referral) -> bool:
    return referrals_for(user).filter(pk=referral.pk).exists()


def uploads_for(user) -> QuerySet[RegistryUpload]:
    """A unit sees the uploads of its own unit only."""
    profile = profile_of(user)
    if profile is None:
        return RegistryUpload.objects.none()
    return RegistryUpload.objects.filter(unit=profile.unit)
