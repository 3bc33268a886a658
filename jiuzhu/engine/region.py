"""The place a deployment serves. Nothing in the code may assume 大田县: read it from here.

Set ``JIUZHU_REGION`` to a JSON file with the same keys to serve another county.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Region:
    province: str
    city: str
    county: str
    division_code: str  # GB/T 2260 code of the county, e.g. 350425
    court_prefix: str  # the local court's case-number prefix, e.g. 闽0425
    townships: tuple[str, ...] = field(default_factory=tuple)
    wage_region: str = ""  # the 设区市 whose average wage sets amounts, e.g. 三明市


DATIAN = Region(
    province="福建省",
    city="三明市",
    county="大田县",
    division_code="350425",
    court_prefix="闽0425",
    townships=(
        "均溪镇", "石牌镇", "上京镇", "广平镇", "桃源镇", "太华镇", "建设镇", "奇韬镇", "华兴镇",
        "吴山镇", "文江镇", "梅山镇", "济阳乡", "武陵乡", "谢洋乡", "湖美乡", "前坪乡", "屏山乡",
    ),
    wage_region="三明市",
)


@lru_cache(maxsize=4)
def _load(path: str) -> Region:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    data["townships"] = tuple(data.get("townships", ()))
    return Region(**data)


def current_region() -> Region:
    """The configured region (``JIUZHU_REGION``), or 大田县 by default."""
    path = os.environ.get("JIUZHU_REGION")
    return _load(path) if path else DATIAN
