"""The kinds of unit that take part, by stable code. The app seeds its Unit table from this list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitKind:
    code: str
    name: str  # what users see


UNIT_KINDS: tuple[UnitKind, ...] = (
    UnitKind("procuratorate", "检察院"),
    UnitKind("civil_affairs", "民政局"),
    UnitKind("disability_federation", "残联"),
    UnitKind("rural_revitalization", "乡村振兴局"),
    UnitKind("human_resources", "人社局"),
    UnitKind("education", "教育局"),
    UnitKind("womens_federation", "妇联"),
    UnitKind("veterans_affairs", "退役军人事务局"),
    UnitKind("justice_bureau", "司法局"),
    UnitKind("medical_insurance", "医保局"),
    UnitKind("court", "法院"),
    UnitKind("public_security", "公安局"),
)

UNIT_NAMES: dict[str, str] = {u.code: u.name for u in UNIT_KINDS}
