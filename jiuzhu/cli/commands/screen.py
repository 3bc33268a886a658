"""`jiuzhu screen [--as-of DATE] [--engine duckdb|spark]`: link, run the enabled rules, store the clues."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands
from jiuzhu.cli.schema_check import migrate_if_behind


def register(sub: SubCommands) -> None:
    p = sub.add_parser("screen", help="关联人员并按线索筛查模型生成线索 / link people and screen for clues")
    p.add_argument("--as-of", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                   help="筛查基准日（默认今天） / reference date (default today)")
    p.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb", help="计算引擎 / engine")
    p.add_argument("--spark-master", default=None, metavar="URL",
                   help="Spark 集群地址（默认 local[*]；spark://…、yarn、k8s://…、local-cluster[…]）；"
                        "执行器读取 JIUZHU_LAKE 下的 Parquet 文件 / Spark master URL (with --engine spark)")
    p.add_argument("--rule", action="append", dest="rules", metavar="CODE",
                   help="只运行这些规则（可重复） / only these rules (repeatable)")
    p.add_argument("--no-link", action="store_true", help="不重新关联人员 / reuse the last linkage")
    p.add_argument("--full", action="store_true",
                   help="完整重算：即使记录未变也重新关联 / link again even when no record changed")
    p.set_defaults(func=run, cleans_up=True)  # SIGTERM: cleans up, then exits (termination.py)


def _spark(args: argparse.Namespace) -> Any:
    """One session for linkage and screening (a cluster's executors start once)."""
    if args.engine != "spark":
        if args.spark_master:
            raise CommandError("--spark-master 只能与 --engine spark 一起使用",
                               "--spark-master needs --engine spark")
        return None
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.engine.api import spark_session

    return spark_session(args.spark_master)


def run(args: argparse.Namespace) -> int:
    # here, not at the top: a command loads the engine and Django only when it runs
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from jiuzhu.engine.api import link
    from jiuzhu.engine.home import warehouse_path
    from jiuzhu.engine.screening import RuleError

    if not warehouse_path().exists():
        raise CommandError(
            "还没有导入任何数据，请先运行 jiuzhu ingest", "nothing imported yet: run jiuzhu ingest first"
        )
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.clues.findings import screen_and_store

    migrate_if_behind()
    console = Console(stderr=True)
    spark = _spark(args)
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn(), console=console, transient=True) as bar:
            task = bar.add_task("人员关联 / linking", total=None)
            linked = None if args.no_link else link(engine=args.engine, spark=spark, incremental=not args.full,
                                                    remember_inputs=True)

            def progress(step: str, done: int, total: int) -> None:
                bar.update(task, description=f"筛查 / screening: {step}", completed=done, total=total)

            try:
                result, stored = screen_and_store(args.as_of, engine=args.engine, rules=args.rules,
                                                  progress=progress, spark=spark, incremental=not args.full)
            except RuleError as err:
                raise CommandError(f"规则设置有误：{err}",
                                   "a rule setting is not usable (see the Chinese message)") from err
    finally:
        if spark is not None:
            spark.stop()
    _print_result(result, stored)
    if linked is not None and linked.reused:
        print("人员关联：记录、代码与地区均未变，沿用上次关联结果 / linkage: nothing it reads changed, kept")
    elif linked is not None and linked.delta:
        print("人员关联：变动的记录均不涉及无身份证号的记录，沿用其比对特征重新关联 / linkage: no changed record "
              "reaches the records without ID, their features reused")
    elif linked is not None and linked.rederived:
        print(f"人员关联：变动可能涉及无身份证号的记录（{linked.fallback}），重新推导比对特征，只改写变动的人员 / "
              "linkage: features derived again, persons written as changes")
    elif linked is not None and linked.fallback and not args.full:
        print(f"人员关联：完整关联（{linked.fallback}） / linkage: in full")
    if result.scope is not None:
        print(f"筛查：只重算变动涉及的 {len(result.scope)} 人，其余线索不变 / screening: only the {len(result.scope)} "
              "persons a change concerns")
    elif result.why_full:
        print(f"筛查：完整筛查（{result.why_full}） / screening: in full")
    return 0


def _print_result(result: Any, stored: Any) -> None:
    """Clues per rule (with the rule's name and version date), per unit, and what changed."""
    # here, not at the top: a command loads the engine and Django only when it runs
    from rich.console import Console
    from rich.table import Table

    from jiuzhu.app.clues.services import version_dates
    from jiuzhu.engine.screening import builtin_definitions
    from jiuzhu.engine.units import UNIT_NAMES

    table = Table(title=f"线索筛查 {result.as_of.isoformat()}（{result.engine}，{result.seconds:.1f} 秒）")
    for head in ("规则 rule", "版本 version", "线索 clues"):
        table.add_column(head)
    names = {code: d["name"] for code, d in builtin_definitions().items()}
    dates = version_dates(result.rule_versions)  # as the clue page shows it: the version's first day
    # The stored counts: a scoped run's findings are the screened persons' only (equal after a full run).
    for code in sorted(stored.counts):
        table.add_row(f"{code} {names.get(code, '')}", dates.get(code, ""), str(stored.counts[code]))
    Console().print(table)
    by_unit: dict[str, int] = {}
    for clue in result.clues:
        by_unit[clue.target_unit] = by_unit.get(clue.target_unit, 0) + 1
    units = "，".join(f"{UNIT_NAMES.get(u, u)} {n}" for u, n in sorted(by_unit.items()))
    total = sum(stored.counts.values())
    within = "" if result.scope is None else f"；本次重算范围内 {len(result.clues)} 条"
    print(f"共 {total} 条线索（{'本次 ' if within else ''}{units or '无'}）{within}；新增 {stored.created}，"
          f"更新 {stored.updated}，事实消失 {stored.lapsed}")
    print(f"clues: {total}; new {stored.created}, updated {stored.updated}, lapsed {stored.lapsed}")
