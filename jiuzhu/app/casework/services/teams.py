"""Special teams (workflow.md §5): a case tagged 未成年人/残疾人/退役军人 goes to that team, and the
team's partner units join the case."""

from __future__ import annotations

from jiuzhu.app.accounts.models import Team
from jiuzhu.app.casework.models import CaseUnit


def team_for_tags(tags) -> Team | None:
    """The first team (by its order in the table) whose tag the case carries."""
    tags = set(tags or ())
    for team in Team.objects.order_by("id"):
        if team.tag in tags:
            return team
    return None


def join_team_partners(case) -> list:
    joined = []
    if case.team is None:
        return joined
    for unit in case.team.partner_units.all():
        if CaseUnit.join(case, unit, CaseUnit.How.TEAM):
            joined.append(unit)
    return joined
