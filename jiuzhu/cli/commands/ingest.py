"""`jiuzhu ingest [--source TYPE] [--department NAME] [--as-of DATE] [--sheet NAME] [--allow-empty]
[--jobs N] PATH...`"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands
from jiuzhu.engine.sources import SPECS, source_code, source_title


def register(sub: SubCommands) -> None:
    p = sub.add_parser("ingest", help="导入部门数据文件 / import departmental files as batches")
    p.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹 / files or folders")
    p.add_argument("--source", type=_source, metavar="TYPE",
                   help="数据类型：代码或中文名，如 dibao 或 低保（默认自动识别）/ source type: code or Chinese name "
                        "(detected by default)")
    p.add_argument("--department", help="报送单位：代码或中文名 / sending unit: code or Chinese name")
    p.add_argument("--as-of", dest="as_of", help="数据截止日期 YYYY-MM-DD（默认今天）/ as-of date")
    p.add_argument("--sheet", help="只读这个工作表 / read only this sheet")
    p.add_argument("--allow-empty", action="store_true", help="允许导入没有数据行的文件 / import a header-only file")
    p.add_argument("--progress", action="store_true", help="显示写入进度 / show progress on stderr")
    p.add_argument("--jobs", type=_jobs, metavar="N",
                   help="同时读取文件的进程数（默认CPU核数；1为逐个读取）/ "
                        "processes reading files side by side (default: CPU cores; 1 = one file after another)")
    p.set_defaults(func=run, cleans_up=True)  # SIGTERM: cleans up, then exits (termination.py)


def _source(text: str) -> str:
    try:
        return source_code(text)
    except ValueError as err:
        codes = ", ".join(SPECS)
        raise argparse.ArgumentTypeError(f"{err} / unknown source type {text!r} (one of {codes})") from None


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"--jobs 应为正整数：{text} / must be a positive integer")
    return n


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of 应为 YYYY-MM-DD：{text}", f"--as-of must be YYYY-MM-DD: {text}") from None


def run(args: argparse.Namespace) -> int:
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.engine.api import ingest
    from jiuzhu.engine.intake import expand_paths, resolve_unit

    unit = None
    if args.department:
        try:
            unit = resolve_unit(args.department)
        except ValueError as err:
            raise CommandError(str(err), f"unknown department {args.department!r}") from None
    as_of = _as_of(args.as_of)
    paths = [Path(p) for p in args.paths]
    if not expand_paths(paths):
        raise CommandError("没有找到可导入的文件（.xlsx .xls .csv）", "no importable files found (.xlsx, .xls, .csv)")

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    results = ingest(paths, source=args.source, unit=unit, as_of=as_of, sheet=args.sheet,
                     allow_empty=args.allow_empty, progress=progress if args.progress else None, jobs=args.jobs,
                     bounded=True)
    failed = 0
    for r in results:
        if r.status == "failed":
            failed += 1
            print(f"错误：{r.file_name}：{r.message_zh}\nError: {r.file_name}: {r.message_en}", file=sys.stderr)
            continue
        state = {"unchanged": "未变化（相同文件已导入）",
                 "held": f"待确认（{r.message_zh}）"}.get(r.status, "已导入")
        skipped = ""
        if r.skipped_sheets:
            skipped = "；跳过工作表：" + "、".join(f"{s['sheet']}（{s['reason']}）" for s in r.skipped_sheets)
        print(
            f"{r.file_name} → {source_title(r.source_type)}（{r.source_type}） [{r.batch_id}] {state}："
            f"导入 {r.rows_taken} 条，"
            f"拒收 {r.rows_rejected} 行，标记 {r.rows_flagged} 行，重复 {r.rows_duplicate} 行；"
            f"问题报告：{r.report_csv}{skipped}"
        )
    return 1 if failed else 0
