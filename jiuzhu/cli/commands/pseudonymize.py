"""`jiuzhu pseudonymize --key-file KEY --out DIR [--map-out FILE] PATH...` (cli.md): run at a partner unit,
no database; writes the files with keyed pseudonyms in place of ID numbers, names and phones."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("pseudonymize", help="假名化名单文件（在本单位运行，不需要数据库）/ pseudonymise registry files")
    p.add_argument(
        "--key-file", required=True, help="各单位共用的密钥文件（至少16字节）/ the shared key file (≥ 16 bytes)"
    )
    p.add_argument("--out", required=True, help="输出目录，只放假名化后的数据文件 / output folder (data files only)")
    p.add_argument(
        "--map-out", help="本单位留存的对照表 CSV（pseudonym,original）/ the unit's own map back to originals"
    )
    p.add_argument("--source", help="数据类型（代码或中文名，如 低保），同 jiuzhu ingest --source / the source type")
    p.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹 / files or folders")
    p.set_defaults(func=run, cleans_up=True)  # SIGTERM: cleans up, then exits (termination.py)


def run(args: argparse.Namespace) -> int:
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.engine.pseudonymize import KeyError_, pseudonymise, read_key

    out = Path(args.out)
    map_out = Path(args.map_out) if args.map_out else None
    if map_out is not None and out.resolve() in map_out.resolve().parents:
        raise CommandError("对照表不能放在输出目录里：输出目录只放要发送的数据文件",
                           "--map-out must not be inside --out: the output folder holds only the files to send")
    try:
        key = read_key(Path(args.key_file))
    except KeyError_ as err:
        raise CommandError(err.zh, err.en) from None
    source = None
    if args.source:
        # here, not at the top: a command loads the engine and Django only when it runs
        from jiuzhu.engine.sources import source_code

        try:
            source = source_code(args.source)  # a code or a Chinese name, as `jiuzhu ingest --source`
        except ValueError as err:
            raise CommandError(str(err), f"unknown source type {args.source!r}") from None
    outcome = pseudonymise([Path(p) for p in args.paths], key, out, map_out, source=source)
    for path, rows in outcome.written:
        print(f"已写出 {path}：{rows} 行 / wrote {path}: {rows} rows")
    for path, zh, en in outcome.failed:
        print(f"错误：{path.name}：{zh}\nError: {path.name}: {en}", file=sys.stderr)
    if map_out is not None:
        print(f"对照表（请妥善保管，不要发送）/ map (keep it, never send it): {map_out}")
    return 1 if outcome.failed else 0
