"""`screen()`: the enabled rules over the warehouse's current snapshots, on DuckDB or Spark."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

import jiuzhu.engine.screening.scope as scope
from jiuzhu.engine.home import warehouse_path
from jiuzhu.engine.linkage import StageLog
from jiuzhu.engine.screening.backends import INPUTS, DuckBackend, SparkBackend, relations
from jiuzhu.engine.screening.findings import ScreenResult
from jiuzhu.engine.screening.ruleset import RuleSetting, load_rules
from jiuzhu.engine.screening.runner import DEFAULT_MONTHLY_WAGE_FEN, Progress, no_progress, run
from jiuzhu.engine.warehouse import announced, open_file, without_vacuum


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
                      scratch: Path | None = None, incremental: bool = False, last_token: str | None = None,
                      context: Mapping[str, str] | None = None, keep_state: bool = False) -> ScreenResult:
    """Screen the warehouse open on ``con`` (the tables of docs/architecture.md).

    ``scratch``: a file for the intermediate tables (else they are temporary, in memory).
    ``keep_state``: the caller stores the clues with ``ScreenResult.state_token``: leave the screening state
    (scope.py; a run that is not every rule on DuckDB drops it). Without it (a bench, a test) nothing of the
    state is read or written. ``incremental``: screen only the persons a change since the last run concerns
    when ``last_token`` is the state that run left and nothing else the clues depend on changed —
    ``context``: what the caller adds to that."""
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"未知的计算引擎：{engine}（应为 duckdb 或 spark）")
    have = relations(con)
    if not keep_state or engine != "duckdb" or rules is not None or not set(INPUTS) <= have:
        if keep_state:  # not every rule's clues of a DuckDB screening: the next run must not take them for it
            scope.forget(con)
        backend = DuckBackend(con, scratch) if engine == "duckdb" else SparkBackend(con, spark, spark_master)
        try:
            result = run(backend, as_of, settings=settings, rules=rules, monthly_wage_fen=monthly_wage_fen,
                         progress=progress)
        finally:
            backend.close()
        result.why_full = "只运行部分规则或非 DuckDB 引擎" if incremental else ""
        return result
    log = StageLog(con)  # part= lines (JIUZHU_LINK_STAGES): the screening state apart from the rules
    ruleset = load_rules(settings, None)
    this_meta = scope.meta(as_of, {r.code: r.version for r in ruleset}, monthly_wage_fen, context or {})
    progress("变动范围", 0, 1)
    scope.prepare(con, have)
    plan = scope.decide(con, wanted=incremental, last_token=last_token, this_meta=this_meta,
                        joins=scope.joins_of(ruleset), have=have)
    log.mark("screening state: rows", kind="part")  # its cursor reads the memory: con may hold a result
    backend = DuckBackend(con, scratch)
    try:
        if plan.scoped:
            for name, select in scope.stages(plan.joins):
                backend.materialise(name, select)
            if scope.too_wide(backend):
                plan = scope.Plan(False, "变动涉及大多数人员")
        result = run(backend, as_of, settings=settings, monthly_wage_fen=monthly_wage_fen, progress=progress,
                     scoped=plan.scoped, ruleset=ruleset)
        if plan.scoped:
            result.scope = [r["person_key"] for r in backend.fetch(
                "SELECT person_key FROM scope_people ORDER BY person_key")]
    finally:
        backend.close()
    log.mark("rules", kind="part", clues=len(result.clues))
    result.why_full = "" if plan.scoped or not incremental else plan.reason
    # a scoped run's changed state rows among every record's: no vacuum (a full run's checkpoint compacts)
    with without_vacuum(con) if plan.scoped else nullcontext():
        result.state_token = scope.commit(con, this_meta, have)
    log.mark("screening state: commit", kind="part")
    log.close()
    return result


def screen(as_of: date | None = None, *, engine: str = "duckdb", rules: Iterable[str] | None = None,
           settings: Iterable[RuleSetting] = (), monthly_wage_fen: int = DEFAULT_MONTHLY_WAGE_FEN,
           warehouse: str | Path | None = None, spark: Any = None, spark_master: str | None = None,
           progress: Progress = no_progress, incremental: bool = False, last_token: str | None = None,
           context: Mapping[str, str] | None = None, keep_state: bool = False) -> ScreenResult:
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
                                     progress=progress, scratch=Path(f"{warehouse}.screen-scratch"),
                                     incremental=incremental, last_token=last_token, context=context,
                                     keep_state=keep_state)
        finally:
            con.close()
