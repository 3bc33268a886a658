"""Where a kind of help goes: the unit whose 职责清单 lists it."""

from __future__ import annotations

from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.referrals.models import HelpKind, ResponsibilityList
from jiuzhu.app.referrals.services.errors import ReferralError


def unit_for(kind: str) -> Unit:
    """The one active unit that takes `kind`. The list is small (a dozen units), so it is read whole:
    JSON containment is not portable between SQLite and PostgreSQL."""
    takers = [d.unit for d in ResponsibilityList.objects.filter(active=True, unit__active=True).select_related("unit")
              if d.takes(kind)]
    label = HelpKind(kind).label if kind in HelpKind.values else kind
    if not takers:
        raise ReferralError(f"没有单位的职责清单包含“{label}”，请数据管理员在职责清单中设置")
    if len(takers) > 1:
        names = "、".join(u.name for u in takers)
        raise ReferralError(f"“{label}”同时列在{names}的职责清单中，请数据管理员只保留一个")
    return takers[0]


def kinds_taken_by(unit) -> list[str]:
    duties = ResponsibilityList.objects.filter(unit=unit).first()
    return list(duties.kinds) if duties else []
