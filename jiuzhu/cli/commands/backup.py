"""`jiuzhu backup --out FILE [--key-file KEY]`, `jiuzhu backup --new-key KEY`: see jiuzhu/app/ops/backup.py."""

from __future__ import annotations

import argparse
from pathlib import Path

from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("backup", help="备份数据库、数据仓库、上传文件、报告和设置 / back up everything")
    p.add_argument("--out", type=Path, help="备份文件（.tar.gz，加密时 .tar.gz.enc）")
    p.add_argument("--key-file", type=Path, help="用这个密钥文件加密备份 / encrypt with this key file")
    p.add_argument("--new-key", type=Path, metavar="KEY", help="生成一个新的密钥文件 / write a new key file")
    p.set_defaults(func=run, cleans_up=True)  # SIGTERM: cleans up, then exits (termination.py)


def run(args: argparse.Namespace) -> int:
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.ops.sealed import new_key_file, read_key_file

    if args.new_key:
        if args.new_key.exists():
            raise CommandError(f"密钥文件已存在，不会覆盖：{args.new_key}", f"the key file exists: {args.new_key}")
        new_key_file(args.new_key)
        print(f"已生成密钥文件 / key written: {args.new_key}（请另外妥善保存；丢失后加密备份无法恢复）")
        if not args.out:
            return 0
        args.key_file = args.key_file or args.new_key  # --new-key with --out: encrypt under the new key
    if not args.out:
        raise CommandError("请用 --out 指定备份文件", "pass --out FILE")
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.ops.backup import backup

    key = read_key_file(args.key_file) if args.key_file else None
    _audit(args.out)
    done = backup(args.out, key=key)
    print(f"已备份 / backed up: {done.path}（{done.files} 个文件，{done.bytes / 1e6:.1f} MB，"
          f"数据库 {done.database}{'，已加密' if done.sealed else ''}）备份编号 {done.backup_id}")
    return 0


def _audit(out: Path) -> None:
    """Recorded before the copy is taken, so the archive holds its own entry and a restore verifies equal."""
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.cli.django_setup import setup

    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.accounts.audit import record

    record(None, "export", object_type="jiuzhu.backup", detail={"file": out.name})
