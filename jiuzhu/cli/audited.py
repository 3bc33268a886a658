"""The audit entry of a command-line export: who ran it (`cli:<OS user>`), what, how many rows, which file."""

from __future__ import annotations

import sys
from pathlib import Path

from jiuzhu.cli.django_setup import setup


def record_export(object_type: str, detail: dict) -> bool:
    """Record the export; False (and a warning on stderr) when the case database was never initialised,
    as in a warehouse-only run: there is no trail to write to."""
    setup()
    # here, not at the top: Django is set up first, and only by commands that need it
    from django.db import connection

    from jiuzhu.app.accounts.audit import record
    from jiuzhu.app.accounts.models import AuditEvent

    db = connection.settings_dict
    name = str(db["NAME"])
    never_made = db["ENGINE"].endswith("sqlite3") and "memory" not in name and not Path(name).exists()
    try:
        ready = not never_made and AuditEvent._meta.db_table in connection.introspection.table_names()
    except RuntimeError:  # pytest-django's guard in warehouse-only tests: there is no case database there
        ready = False
    if not ready:
        print("注意：数据库尚未初始化（jiuzhu init），这次导出没有记入审计记录 / "
              "not audited: the case database is not initialised", file=sys.stderr)
        return False
    record(None, "export", object_type=object_type, detail=detail)
    return True
