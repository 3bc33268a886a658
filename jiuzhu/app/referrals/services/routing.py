"""Where a kind of help goes: the unit whose 职责清单 lists it."""

from __future__ import annotations

from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.config.models import HelpKind, ResponsibilityList
from jiuzhu.app.referrals.services.errors import ReferralError


def units_for(kind: str) -> list[Unit]:
    """Every active unit whose 职责清单 takes `kind` (公益性岗位: 人社局 and the 乡镇). The lists are few
    (dozens of units), so they are read whole: JSON containment is not portable between SQLite and PostgreSQL."""
    return [d.unit for d in ResponsibilityList.objects.filter(active=True, unit__active=True).select_related("unit")
            if d.takes(kind)]


def unit_for(kind: str, choice: Unit | None = None) -> Unit:
    """The unit that takes `kind`: the only one, or `choice` when several do. Refused with what to do when
    nobody takes it, when several do and none was chosen, or when the choice is not one of them."""
    takers = units_for(kind)
    label = HelpKind(kind).label if kind in HelpKind.values else kind
    if not takers:
        raise ReferralError(f"没有单位的职责清单包含“{label}”，请数据管理员在职责清单中设置")
    if choice is not None:
        if choice not in takers:
            raise ReferralError(f"{choice.name}的职责清单不含“{label}”，可选：{'、'.join(u.name for u in takers)}")
        return choice
    if len(takers) > 1:
        names = "、".join(u.name for u in takers)
        raise ReferralError(f"“{label}”由{names}承接，请选择承办单位")
    return takers[0]


def kinds_taken_by(unit) -> list[str]:
    duties = ResponsibilityList.objects.filter(unit=unit).first()
    return list(duties.kinds) if duties else []
