"""What a `jiuzhu` command loads before its work (issue 19): `--help` no engine and no Django; a command's
Django not the API docs' app `ninja`; `screen` and `worker` migrate the case database only when it is behind
(a fresh database is migrated, an older one brought forward, a current one left alone: no `migrate`, whose
post_migrate signal would say it ran)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# In a process of its own, on a fresh SQLite database: what each call of migrate_if_behind did.
SCRIPT = """
import json
from jiuzhu.cli.django_setup import setup

setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate

from jiuzhu.cli.schema_check import _on_disk, migrate_if_behind

runs = []
post_migrate.connect(lambda sender, **kw: runs.append(sender.label) if sender.label == "clues" else None,
                     weak=False)


def step():
    runs.clear()
    migrate_if_behind()
    applied = set(MigrationRecorder(connection).applied_migrations())
    return {"migrated": len(runs), "behind": sorted(map(list, set(_on_disk()) - applied))}


out = {"fresh": step(), "current": step()}
call_command("migrate", "clues", "0005", interactive=False, verbosity=0)  # as a database of the last release
out["older_behind"] = sorted(map(list, set(_on_disk()) - set(MigrationRecorder(connection).applied_migrations())))
out["older"] = step()
out["current_again"] = step()
out["as_django_finds"] = set(_on_disk()) == set(MigrationLoader(connection).disk_migrations)
print(json.dumps(out))
"""


def _run(script: str, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"JIUZHU_HOME": str(home)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).parents[3])
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


HEAVY = ("django", "duckdb", "numpy", "pyarrow", "ninja", "pydantic", "rich")
LOADED = f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"

HELP = f"""
import contextlib, io, json, sys
from jiuzhu.cli.main import main

with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main(["--help"])
{LOADED}
"""

DJANGO = f"""
import json, sys
from jiuzhu.cli.django_setup import setup

setup()
from django.apps import apps
from django.core.management import call_command
from jiuzhu.app import settings

call_command("migrate", interactive=False, verbosity=0)  # every model's table: the case database works
from jiuzhu.app.accounts.models import Unit

assert Unit.objects.count() == 0
assert not apps.is_installed("ninja") and "ninja" in settings.INSTALLED_APPS  # the web's settings keep it
{LOADED}
"""


def test_help_loads_neither_engine_nor_django(tmp_path: Path):
    assert _run(HELP, tmp_path) == []


def test_a_command_s_django_leaves_out_the_api_docs_app(tmp_path: Path):
    assert _run(DJANGO, tmp_path) == ["django"]


def test_a_fresh_or_older_database_is_migrated_a_current_one_is_not(tmp_path: Path):
    assert _run(SCRIPT, tmp_path) == {
        "fresh": {"migrated": 1, "behind": []},
        "current": {"migrated": 0, "behind": []},
        "older_behind": [["clues", "0006_screening_state"]],
        "older": {"migrated": 1, "behind": []},
        "current_again": {"migrated": 0, "behind": []},
        "as_django_finds": True,
    }
