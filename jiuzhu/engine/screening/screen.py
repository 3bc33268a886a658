"""`screen()`: the enabled rules over the warehouse's current snapshots, on DuckDB or Spark."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from jiuzhu.engine.home import warehouse_path
from jiuzhu.engine.screening.backends import DuckBackend, SparkBackend
from jiuzhu.engine.screening.findings import ScreenResult
from jiuzhu.engine.screening.ruleset import RuleSetting
from jiuzhu.engine.screening.runner import DEFAULT_MONTHLY_WAGE_FEN, Progress, no_progress, run
from jiuzhu.engine.warehouse import announced, open_file


def memory_limit_mb() -> int:
    """DuckDB's memory cap for a screening: ``JIUZHU_SCREEN_MEMORY_MB``, else half the machine's memory
    up to 10 GB. Above it DuckDB spills to ``<warehouse>.tmp`` instead of taking all memory."""
    configured = os.environ.get("JIUZHU_SCREEN_MEMORY_MB", "")
    if configured.isdigit():
        return int(configured)
    total_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return max(1024, min(10 * 1024, total_mb // 2))


def screen_connection(con: duckdb.DuckDBPyConnection, as_of: date, *, engine: str = "duckdb",
                      rules: Iterable[str] | None = None, settings: Iterable[RuleSetting] = (),
                      monthly_wage_fen: int = DEFAULT_MONTHLY_WAGE_FEN, spark: Any = None,
                      spark_master: str | None = None, progress: Progress = no_progress,
                      scratch: Path | None = None) -> ScreenResult:
    """Screen the warehouse open on ``con`` (the tables of docs/architecture.md).

    ``scratch``: a file for the intermediate tables (else they are temporary, in memory)."""
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"未知的计算引擎：{engine}（应为 duckdb 或 spark）")
    backend = DuckBackend(con, scratch) if engine == "duckdb" else SparkBackend(con, spark, spark_master)
    try:
        return run(backend, as_of, settings=settings, rules=rules, monthly_wage_fen=monthly_wage_fen,
                   progress=progress)
    finally:
        backend.close()


def screen(as_of: date | None = None, *, engine: str = "duckdb", rules: Iterable[str] | None = None,
           settings: Iterable[RuleSetting] = (), monthly_wage_fen: int = DEFAULT_MONTHLY_WAGE_FEN,
           warehouse: str | Path | None = None, spark: Any = None, spark_master: str | None = None,
           progress: Progress = no_progress) -> ScreenResult:
    """Screen ``$JIUZHU_HOME/warehouse.duckdb`` (or ``warehouse``) at ``as_of`` (default today,
    Asia/Shanghai).

    ``settings`` are the administrator's switches and parameter overrides (the app passes its
    RuleSetting rows); ``rules`` limits the run to some rule codes."""
    if as_of is None:
        as_of = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    if warehouse is None:
        warehouse = warehouse_path()
    with announced(Path(warehouse)):  # pages keeping the file attached let go of it (warehouse/store.py)
        con = open_file(Path(warehouse))
        con.execute(f"SET memory_limit = '{memory_limit_mb()}MB'")
        try:
            return screen_connection(con, as_of, engine=engine, rules=rules, settings=settings,
                                     monthly_wage_fen=monthly_wage_fen, spark=spark, spark_master=spark_master,
                                     progress=progress, scratch=Path(f"{warehouse}.screen-scratch"))
        finally:
            con.close()
