"""`jiuzhu clues export --format csv|xlsx --out FILE [--all]` (rules.md "Export contract")."""

from __future__ import annotations

import argparse
from pathlib import Path

from jiuzhu.cli.audited import record_export
from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("clues", help="线索 / clues")
    clue_sub = p.add_subparsers(dest="clues_command", metavar="COMMAND", required=True)
    e = clue_sub.add_parser("export", help="导出线索 / export clues")
    e.add_argument("--format", choices=("csv", "xlsx"), required=True)
    e.add_argument("--out", type=Path, required=True, metavar="FILE")
    e.add_argument("--all", action="store_true", help="包括已处理和事实消失的线索 / include closed clues")
    e.set_defaults(func=export)


def export(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.clues.export import write_csv, write_xlsx

    if args.out.parent and not args.out.parent.exists():
        raise CommandError(f"目录不存在：{args.out.parent}", f"no such directory: {args.out.parent}")
    write = write_csv if args.format == "csv" else write_xlsx
    n = write(args.out, include_all=args.all)
    # Exporting people's data is audited: who, when, how many, where to (never the rows themselves).
    record_export("clues.clue", {"format": args.format, "file": args.out.name, "rows": n, "all": bool(args.all)})
    print(f"已导出 {n} 条线索到 {args.out} / exported {n} clues to {args.out}")
    return 0
