"""Load a case database dumped from another database (deploy/sqlite-to-postgres.sh):
`python -m jiuzhu.app.ops.move FILE.xml`, with DATABASE_URL naming the new, migrated, empty database.

`loaddata` saves rows as they were (its saves are "raw", which the change log skips) but sets many-to-many
links (a team's members) through the ordinary path, whose change-log entries would be appended to the
trail in the middle of loading it, taking the ids the file brings. The loaded trail already holds the
entries of those links, so the change log's many-to-many receiver is off while the file loads.
"""

from __future__ import annotations

import sys
from pathlib import Path

import django
from django.core.management import call_command
from django.db.models.signals import m2m_changed

M2M_RECEIVER = "jiuzhu.changelog.m2m"  # the dispatch_uid accounts/changelog.py connects it with


def load(dump: Path) -> None:
    # here, not at the top: the change log imports models, which Django must have set up first
    from jiuzhu.app.accounts import changelog

    if not m2m_changed.disconnect(dispatch_uid=M2M_RECEIVER):
        raise RuntimeError("the change log's many-to-many receiver is not connected under its dispatch_uid")
    try:
        call_command("loaddata", str(dump))
    finally:
        changelog.connect()


if __name__ == "__main__":
    django.setup()
    load(Path(sys.argv[1]))
