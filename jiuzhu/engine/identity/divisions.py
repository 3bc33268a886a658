"""GB/T 2260 行政区划代码: the place an ID number's first six digits name.

The table is ``data/divisions.csv`` (see ``data/build_tables.py`` for its sources and date):
every code in use in 2026 (民政部 国家地名信息库, fetched 2026-09-11) plus the codes used since
1980 and since withdrawn, because an ID number keeps the code of the place a person was first
registered (``350427`` 沙县 became ``350405`` 沙县区 in 2021; IDs issued before still say 350427).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_TABLE = Path(__file__).parent / "data" / "divisions.csv"


@dataclass(frozen=True)
class Division:
    code: str  # six digits
    province: str  # 福建省
    city: str  # 三明市; "" for 直辖市 districts and counties a province governs directly
    county: str  # 大田县; "" for a province or city code
    current: bool  # still in use (False: a withdrawn code, still found in older ID numbers)
    until: int | None = None  # last year a withdrawn code was in use, when known

    @property
    def full_name(self) -> str:
        """福建省三明市大田县"""
        return self.province + self.city + self.county

    @property
    def name(self) -> str:
        """The most specific name: 大田县, 三明市 or 福建省."""
        return self.county or self.city or self.province


@cache
def _table() -> dict[str, Division]:
    with _TABLE.open(encoding="utf-8", newline="") as f:
        return {
            row["code"]: Division(
                code=row["code"],
                province=row["province"],
                city=row["city"],
                county=row["county"],
                current=row["status"] == "current",
                until=int(row["until"]) if row["until"] else None,
            )
            for row in csv.DictReader(f)
        }


def division(code6: str) -> Division | None:
    """The division for a six-digit code, or None when GB/T 2260 has no such code."""
    return _table().get(str(code6).strip())


def division_of_id(id18: str) -> Division | None:
    """The division an ID number (18 or 15 digits) was issued under; None when unknown."""
    return division(str(id18).strip()[:6])


def county_codes(*, current_only: bool = True) -> list[str]:
    """Every county-level code (for synthetic data and checks), sorted."""
    return sorted(
        d.code
        for d in _table().values()
        if d.county and d.county != "市辖区" and (d.current or not current_only)
    )
