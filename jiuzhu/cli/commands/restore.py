"""`jiuzhu restore FILE [--key-file KEY]`: into an empty home and database only (jiuzhu/app/ops/backup.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("restore", help="从备份恢复到空的 JIUZHU_HOME 和数据库 / restore into an empty home")
    p.add_argument("archive", type=Path, metavar="FILE")
    p.add_argument("--key-file", type=Path, help="加密备份的密钥文件 / key file of an encrypted backup")
    p.set_defaults(func=run, cleans_up=True)  # SIGTERM: cleans up, then exits (termination.py)


def run(args: argparse.Namespace) -> int:
    # No Django here: starting it would write into the home that must stay empty until the end.
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.ops.backup import restore
    from jiuzhu.app.ops.sealed import read_key_file

    key = read_key_file(args.key_file) if args.key_file else None
    done = restore(args.archive, key=key)
    print(f"已恢复 / restored: {done.home}（{done.files} 个文件，数据库 {done.database}，"
          f"备份于 {done.created_at}，备份编号 {done.backup_id}）")
    print("下一步 / next: jiuzhu init（如本版本更新，升级数据库）")
    return 0
