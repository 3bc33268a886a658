"""Which clues a user sees and works on (the queue and the clue page ask these)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.models import Role, Team
from jiuzhu.app.clues.models import Clue

LEADERS = (Role.DEPT_HEAD, Role.DEPUTY_CHIEF, Role.CHIEF)


def with_any_tag(qs: QuerySet[Clue], tags) -> Q:
    """Clues of `qs` carrying any of `tags`. JSON list containment has no lookup on SQLite, so
    the tags are read and matched here (a county holds hundreds of open clues, not millions)."""
    tags = set(tags)
    return Q(pk__in=[pk for pk, t in qs.values_list("pk", "tags") if tags & set(t or ())])


def clues_for(user) -> QuerySet[Clue]:
    """Leaders: every clue for their unit. Handlers: clues assigned to them, and unassigned clues
    that are not a special team's, or are one of their teams' (workflow.md §5). Others: none."""
    profile = profile_of(user)
    if profile is None or not profile.in_procuratorate:
        return Clue.objects.none()
    own_unit = Clue.objects.filter(target_unit=profile.unit.code)
    if profile.role in LEADERS:
        return own_unit
    if profile.role != Role.HANDLER:
        return Clue.objects.none()
    my_tags = set(Team.objects.filter(members=user).values_list("tag", flat=True))
    other_team_tags = [t for t in Team.objects.values_list("tag", flat=True) if t not in my_tags]
    unassigned = own_unit.filter(verification__isnull=True)
    not_mine = with_any_tag(unassigned, other_team_tags)
    return own_unit.filter(Q(verification__handler=user) | (Q(verification__isnull=True) & ~not_mine))


def team_queue(user) -> QuerySet[Clue]:
    """The special-team queue: unassigned open clues carrying a tag of one of the user's teams."""
    tags = list(Team.objects.filter(members=user).values_list("tag", flat=True))
    if not tags:
        return Clue.objects.none()
    unassigned = clues_for(user).filter(verification__isnull=True)
    return unassigned.filter(with_any_tag(unassigned, tags))


def can_view_clue(user, clue: Clue) -> bool:
    return clues_for(user).filter(pk=clue.pk).exists()


def can_assign(user) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.in_procuratorate and profile.role in LEADERS


def can_work_clue(user, clue: Clue) -> bool:
    """Verify, conclude, accept as a case: a leader, the assigned handler, or a handler taking an
    unassigned clue of their queue."""
    if not can_view_clue(user, clue):
        return False
    profile = profile_of(user)
    if profile.role in LEADERS:
        return True
    verification = getattr(clue, "verification", None) if hasattr(clue, "verification") else None
    return verification is None or verification.handler_id == user.pk
