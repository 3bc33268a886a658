"""Which clues a user sees and works on (the queues, the clue page and the token API ask these).

- a unit's clues: those it is the target of, those its rule names it as second unit (FP-01: the
  procuratorate), and those it answered (a clue it sent on to the procuratorate stays in its view);
- procuratorate leaders see every clue; procuratorate handlers the procuratorate's clues assigned to
  them or unassigned and not another special team's (workflow.md §5);
- partner liaisons and leaders their unit's clues; everybody else none."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jiuzhu.app.accounts.access import profile_of
from jiuzhu.app.accounts.models import Team
from jiuzhu.app.accounts.roles import LEADERS, PARTNER_ROLES, Role
from jiuzhu.app.clues.models import OPEN_STATES, Clue, ClueState

PROCURATORATE = "procuratorate"

def with_any_tag(tags) -> Q:
    """Clues carrying any of `tags` (matched in the database on the `|tag|` text)."""
    q = Q(pk__in=[])
    for tag in tags:
        q |= Q(tag_text__contains=f"|{tag}|")
    return q


def unit_q(unit_code: str) -> Q:
    return Q(target_unit=unit_code) | Q(second_unit=unit_code) | Q(answered_unit=unit_code)


def unit_clues(unit) -> QuerySet[Clue]:
    """Every clue of a unit (a Unit or its code): what its liaison, and a token of the unit, sees."""
    code = getattr(unit, "code", unit)
    return Clue.objects.filter(unit_q(code))


def _other_team_tags(user) -> list[str]:
    """The tags of the special teams `user` is not a member of, in one query: each team's tag with each of
    its members (a team without members once, with None)."""
    rows = list(Team.objects.values_list("tag", "members"))
    my_tags = {tag for tag, member in rows if member == user.pk}
    return list(dict.fromkeys(tag for tag, _ in rows if tag not in my_tags))


def clues_for(user) -> QuerySet[Clue]:
    """The clues `user` may see (module docstring)."""
    profile = profile_of(user)
    if profile is None:
        return Clue.objects.none()
    if not profile.in_procuratorate:
        return unit_clues(profile.unit) if profile.role in PARTNER_ROLES else Clue.objects.none()
    if profile.role in LEADERS:
        return Clue.objects.all()
    if profile.role != Role.HANDLER:
        return Clue.objects.none()
    own_unit = unit_clues(PROCURATORATE)
    other_team_tags = _other_team_tags(user)
    return own_unit.filter(Q(verification__handler=user)
                           | (Q(verification__isnull=True) & ~with_any_tag(other_team_tags)))


clues_visible = clues_for


def open_clues_for(user) -> QuerySet[Clue]:
    """``clues_for(user)`` narrowed to the open states, written so the database can use its indexes: an
    open clue without a verification is exactly a 新线索 (assigning makes it 已分派), so a handler's open
    queue is the procuratorate's new clues not of another team, plus the open clues assigned to them —
    no outer join with the verifications over the whole queue (bench/clues.py, 100,000 clues)."""
    profile = profile_of(user)
    if profile is None or not profile.in_procuratorate or profile.role != Role.HANDLER:
        return clues_for(user).filter(state__in=OPEN_STATES)
    other_team_tags = _other_team_tags(user)
    own = Q(target_unit=PROCURATORATE) | Q(second_unit=PROCURATORATE)
    new = Q(state=ClueState.NEW) & own & ~with_any_tag(other_team_tags)
    # the clues whose verification is the user's (casework's Verification, through its related name)
    mine = Q(pk__in=user.verifications.values("clue_id"), state__in=OPEN_STATES) & own
    return Clue.objects.filter(new | mine)


def team_queue(user) -> QuerySet[Clue]:
    """The special-team queue: unassigned clues carrying a tag of one of the user's teams."""
    tags = list(Team.objects.filter(members=user).values_list("tag", flat=True))
    if not tags:
        return Clue.objects.none()
    return clues_for(user).filter(verification__isnull=True).filter(with_any_tag(tags))


def can_view_clue(user, clue: Clue) -> bool:
    return clues_for(user).filter(pk=clue.pk).exists()


def can_assign(user) -> bool:
    profile = profile_of(user)
    return profile is not None and profile.in_procuratorate and profile.role in LEADERS


def is_procuratorate_clue(clue: Clue) -> bool:
    """The procuratorate verifies it: its target, or its rule's second unit."""
    return PROCURATORATE in (clue.target_unit, clue.second_unit)


def can_work_clue(user, clue: Clue, *, seen: bool = False) -> bool:
    """Verify, conclude, accept as a case (the procuratorate's work): a leader, the assigned handler, or a
    handler taking an unassigned clue of their queue — on a clue the procuratorate works. `seen`: the caller
    has just checked that the user sees the clue (get_visible_or_404), so that query is not asked twice."""
    if not is_procuratorate_clue(clue) or not (seen or can_view_clue(user, clue)):
        return False
    profile = profile_of(user)
    if not profile.in_procuratorate:
        return False
    if profile.role in LEADERS:
        return True
    verification = getattr(clue, "verification", None) if hasattr(clue, "verification") else None
    return verification is None or verification.handler_id == user.pk


def clues_to_work(user) -> QuerySet[Clue]:
    """Open clues of the user's queue: for the procuratorate those to verify, for a partner unit those its
    unit still owes an answer to (the clue queue without filters shows exactly these)."""
    profile = profile_of(user)
    clues = clues_for(user).filter(state__in=OPEN_STATES)
    if profile is not None and not profile.in_procuratorate:
        clues = clues.filter(target_unit=profile.unit.code, unit_outcome="")
    return clues
