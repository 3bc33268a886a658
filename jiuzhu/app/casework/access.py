"""Which cases a user may see, and the object checks of casework's actions. accounts.policy names
these in its table (scope "case", checks of case.handle / case.pay); views go through the policy."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.roles import LEADERS, PARTNER_ROLES, PROCURATORS, Role
from jiuzhu.app.casework.models import Case


def cases_for(user) -> QuerySet[Case]:
    """Cases the user may open.
    handler: the cases they handle and those of their special teams, in their unit;
    dept head, deputy chief, chief: every case of their unit;
    finance: cases of their unit decided for a grant (the money side);
    partner-unit users: only the cases their unit takes part in;
    data administrator: none (configuration only, no personal data)."""
    profile = profile_of(user)
    if profile is None:
        return Case.objects.none()
    if profile.role == Role.HANDLER:
        return Case.objects.filter(unit=profile.unit).filter(
            Q(handler=user) | Q(team__in=user.teams.all())).distinct()
    if profile.role in LEADERS:
        return Case.objects.filter(unit=profile.unit)
    if profile.role == Role.FINANCE:
        return Case.objects.filter(unit=profile.unit, decision__kind="grant")
    if profile.role in PARTNER_ROLES:
        return Case.objects.filter(case_units__unit=profile.unit).distinct()
    return Case.objects.none()


def can_view(user, case: Case) -> bool:
    return cases_for(user).filter(pk=case.pk).exists()


def is_partner(user) -> bool:
    profile = profile_of(user)
    return profile is not None and not profile.in_procuratorate


def can_handle(user, case: Case) -> bool:
    """The handler's steps (report, meetings, submit, decide, notify, visits, close): the case's
    handler, or a handler of the case's special team."""
    profile = profile_of(user)
    if profile is None or profile.role != Role.HANDLER or profile.unit_id != case.unit_id:
        return False
    return case.handler_id == user.pk or (case.team_id is not None and user.teams.filter(pk=case.team_id).exists())


def can_pay(user, case: Case) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.role == Role.FINANCE and profile.unit_id == case.unit_id


def can_accept(user) -> bool:
    """受理 and assigning clues: the procuratorate's handlers and leaders."""
    profile = profile_of(user)
    return profile is not None and profile.in_procuratorate and profile.role in PROCURATORS
