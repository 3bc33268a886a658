"""`jiuzhu init`: create or migrate the case database and the warehouse; idempotent.

Both carry a schema version: the case database Django's applied migrations, the warehouse its
`schema_version` table (jiuzhu/engine/warehouse/version.py). Both move forward only: a database or
warehouse written by a newer release is refused, never changed.
"""

from __future__ import annotations

import argparse

from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands


def register(sub: SubCommands) -> None:
    p = sub.add_parser("init", help="创建或升级数据库 / create or migrate the database")
    p.set_defaults(func=run)


def migrate_all() -> tuple[int, int] | None:
    """Migrate the case database and (when there is one) the warehouse; returns the warehouse's (from, to)."""
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from jiuzhu.app.accounts.seed import seed_units
    from jiuzhu.engine.home import warehouse_path
    from jiuzhu.engine.warehouse import WarehouseTooNew, migrate_warehouse

    loader = MigrationLoader(connection)
    unknown = sorted(set(loader.applied_migrations) - set(loader.disk_migrations))
    if unknown:
        raise CommandError("数据库由更新版本的程序写入，本版本不能使用（请安装新版本）",
                           f"the case database was migrated by a newer release ({unknown[0][0]}.{unknown[0][1]})")
    call_command("migrate", interactive=False, verbosity=0)
    seed_units()
    if not warehouse_path().exists():
        return None
    try:
        return migrate_warehouse()
    except WarehouseTooNew as err:
        raise CommandError("数据仓库由更新版本的程序写入，本版本不能使用（请安装新版本）",
                           f"the warehouse has schema version {err.args[0]}, newer than this release") from None


def run(args: argparse.Namespace) -> int:
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.engine.home import owner_only

    warehouse = migrate_all()
    owner_only()  # files an older release left readable by others
    # here, not at the top: a command loads the engine and Django only when it runs
    from django.conf import settings

    where = settings.DATABASES["default"]
    label = where["NAME"] if where["ENGINE"].endswith("sqlite3") else f"PostgreSQL {where.get('HOST')}/{where['NAME']}"
    print(f"数据库已就绪 / database ready: {label}")
    if warehouse is not None:
        was, now = warehouse
        change = f"（由 {was} 升级 / migrated from {was}）" if was != now else ""
        print(f"数据仓库已就绪 / warehouse ready: 版本 / schema version {now}{change}")
    return 0
