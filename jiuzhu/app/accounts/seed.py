"""Seed the units of engine/units.py and the three special teams (idempotent)."""

from __future__ import annotations

from jiuzhu.app.accounts.models import Team, Unit
from jiuzhu.engine.units import UNIT_KINDS

TEAMS = (
    ("minors", "未成年人专项帮扶小组", "未成年人", ("education", "womens_federation")),
    ("disabled", "残疾人专项帮扶小组", "残疾人", ("disability_federation",)),
    ("veterans", "退役军人专项帮扶小组", "退役军人", ("veterans_affairs",)),
)


def seed_units() -> None:
    for kind in UNIT_KINDS:
        Unit.objects.get_or_create(code=kind.code, defaults={"name": kind.name})
    for code, name, tag, partners in TEAMS:
        team, _ = Team.objects.get_or_create(code=code, defaults={"name": name, "tag": tag})
        if not team.partner_units.exists():
            team.partner_units.set(Unit.objects.filter(code__in=partners))
