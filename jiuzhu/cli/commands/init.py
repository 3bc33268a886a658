"""`jiuzhu init`: create or migrate the case database; idempotent."""

from __future__ import annotations

import argparse

from jiuzhu.cli.django_setup import setup


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="创建或升级数据库 / create or migrate the database")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    setup()
    from django.core.management import call_command

    from jiuzhu.app.accounts.seed import seed_units

    call_command("migrate", interactive=False, verbosity=0)
    seed_units()
    from django.conf import settings

    where = settings.DATABASES["default"]
    label = where["NAME"] if where["ENGINE"].endswith("sqlite3") else f"PostgreSQL {where.get('HOST')}/{where['NAME']}"
    print(f"数据库已就绪 / database ready: {label}")
    return 0
