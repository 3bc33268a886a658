"""Who answers for a unit: its liaisons and its leader, as its 职责清单 names them, else by role."""

from __future__ import annotations

from jiuzhu.app.accounts.models import Profile, Role
from jiuzhu.app.config.models import ResponsibilityList


def liaisons_of(unit) -> list:
    """The unit's liaisons: those its 职责清单 names, else every member with the liaison role."""
    duties = ResponsibilityList.objects.filter(unit=unit).first()
    named = list(duties.liaisons.all()) if duties else []
    if named:
        return named
    return [p.user for p in Profile.objects.filter(unit=unit, role=Role.LIAISON).select_related("user")]


def leaders_of(unit) -> list:
    """The unit's leader: as its 职责清单 names, else every member with the unit-leader role
    (for the procuratorate, its department heads)."""
    duties = ResponsibilityList.objects.filter(unit=unit).first()
    if duties is not None and duties.leader_id:
        return [duties.leader]
    role = Role.DEPT_HEAD if unit.is_procuratorate else Role.UNIT_LEADER
    return [p.user for p in Profile.objects.filter(unit=unit, role=role).select_related("user")]
