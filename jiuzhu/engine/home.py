"""Where the embedded default keeps its files (``JIUZHU_HOME``, default ``./var``)."""

from __future__ import annotations

import os
from pathlib import Path


def jiuzhu_home() -> Path:
    home = Path(os.environ.get("JIUZHU_HOME", "var")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    return home


def warehouse_path() -> Path:
    return jiuzhu_home() / "warehouse.duckdb"
