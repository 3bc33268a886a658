"""`jiuzhu persons export --out FILE`: the person index as CSV, one line per stored record (cli.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from jiuzhu.cli.audited import record_export
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("persons", help="人员索引 / the person index")
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    ex = verbs.add_parser("export", help="导出人员索引（CSV）/ export the person index as CSV")
    ex.add_argument("--out", required=True, help="输出文件 / output file")
    ex.set_defaults(func=export)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def export(args: argparse.Namespace) -> int:
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.engine.home import warehouse_path
    from jiuzhu.engine.linkage import export_rows, has_linkage, write_export
    from jiuzhu.engine.warehouse import connect

    if not warehouse_path().exists():
        raise CommandError(
            "还没有导入任何数据，请先运行 jiuzhu ingest", "no data imported yet: run jiuzhu ingest first"
        )
    with connect(read_only=True) as con:
        if not has_linkage(con):
            raise CommandError("还没有人员关联结果，请先运行 jiuzhu screen",
                               "no linkage yet: run jiuzhu screen (which links) first")
        rows = export_rows(con)
    write_export(Path(args.out), rows)
    people = len({r[0] for r in rows})
    record_export("persons.export", {"file": Path(args.out).name, "rows": len(rows), "persons": people})
    print(f"已写出 {len(rows)} 条记录、{people} 人 / wrote {len(rows)} records of {people} persons: {args.out}")
    return 0
