"""`jiuzhu report quarterly --year Y --quarter Q --out FILE.docx|FILE.xlsx`: the 季度通报 (workflow.md §6)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("report", help="通报与统计 / reports")
    rs = p.add_subparsers(dest="report_command", metavar="SUBCOMMAND")
    q = rs.add_parser("quarterly", help="季度通报 .docx 或 .xlsx / the quarterly report")
    q.add_argument("--year", type=int, required=True, help="年度，如 2026")
    q.add_argument("--quarter", type=int, required=True, choices=(1, 2, 3, 4), help="季度 1–4")
    q.add_argument("--out", required=True, help="输出文件，扩展名 .docx 或 .xlsx")
    q.add_argument("--since", type=int, default=None,
                   help="“某年以来”的起始年度（默认 JIUZHU_REPORT_START_YEAR 或 2022）")
    q.add_argument("--as-of", default=None, help="按此日期判断超期 YYYY-MM-DD（默认今天）")
    q.set_defaults(func=quarterly, parser=q)
    p.set_defaults(func=lambda args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def quarterly(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.parser
    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("docx", "xlsx"):
        parser.error(f"--out 的扩展名应为 .docx 或 .xlsx / --out must end in .docx or .xlsx: {args.out}")
    if not 1900 <= args.year <= 9999:
        parser.error(f"--year 不对 / bad year: {args.year}")
    if args.since is not None and not 1900 <= args.since <= args.year:
        parser.error(f"--since 应在1900至{args.year}之间 / --since must be 1900..{args.year}")
    try:
        today = date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        parser.error(f"--as-of 日期格式不对（应为 YYYY-MM-DD）/ bad date: {args.as_of}")
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from django.db import DatabaseError

    from jiuzhu.app.reports import export
    from jiuzhu.app.reports.figures import compute
    from jiuzhu.app.reports.wording import document_title
    from jiuzhu.engine.identity.calendar import CalendarYearUnknown

    try:
        fig = compute(args.year, args.quarter, start_year=args.since, today=today)
    except CalendarYearUnknown as err:
        raise CommandError(f"无法计算工作日：{err.year}年的法定节假日安排未知",
                           f"cannot count working days: the statutory calendar of {err.year} is unknown") from None
    except ValueError as err:
        raise CommandError(f"无法生成通报：{err}", f"cannot build the report: {err}") from None
    except DatabaseError:
        raise CommandError("无法读取案件数据库：请先运行 jiuzhu init，并检查 DATABASE_URL",
                           "cannot read the case database: run `jiuzhu init` first and check DATABASE_URL") from None
    data = export.render(fig, fmt)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as err:
        raise CommandError(f"无法写入文件 {out}：{err.strerror}", f"cannot write {out}: {err.strerror}") from None
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.accounts import audit

    audit.record(None, "export", object_type="reports.quarterly", object_id=f"{args.year}Q{args.quarter}",
                 detail={"format": fmt, "since": fig.start_year})
    q = fig.this_quarter
    print(f"已生成 {out}：{document_title(fig)}")
    print(f"本季度受理{q.cases_accepted}件，决定救助{q.granted_cases}件，发放救助金{q.paid_fen / 100:,.2f}元"
          f" / written {out}")
    return 0

