"""`jiuzhu audit verify`: check the whole audit trail's hash chain (cli.md)."""

from __future__ import annotations

import argparse

from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("audit", help="审计记录 / the audit trail")
    verbs = p.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    v = verbs.add_parser("verify", help="校验审计记录是否被改动 / verify the audit trail is intact")
    v.set_defaults(func=verify)


def verify(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.accounts import audit

    n, problem = audit.verify()
    if problem:
        raise CommandError(f"审计记录被改动：{problem.split(' / ')[0]}（此前 {n} 条完好）",
                           f"the audit trail was tampered with: {problem.split(' / ')[-1]} ({n} intact before it)")
    head = audit.head()
    print(f"审计记录完好：{n} 条 / audit trail intact: {n} entries")
    if head:
        # Kept elsewhere (a ticket, a printed log), the head shows later whether newer entries were cut off.
        print(f"最新一条 / head: #{head['seq']} {head['hash']}")
    return 0
