"""kill -9 during linkage and during the storing of screening's clues (issue 18): the warehouse and the
case database stay readable with their previous or their new state, and a rerun ends where an
uninterrupted run ends."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.app.ops.conftest import ON_POSTGRES, Home
from tests.fixtures.county import make_county

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="copies the home (SQLite) to have an uninterrupted twin")


def exports(home: Home, where: Path) -> tuple[bytes, bytes]:
    where.mkdir(parents=True, exist_ok=True)
    home.run("persons", "export", "--out", str(where / "p.csv"))
    home.run("clues", "export", "--format", "csv", "--all", "--out", str(where / "c.csv"))
    return (where / "p.csv").read_bytes(), (where / "c.csv").read_bytes()


def kill_when(home: Home, argv: list[str], appears: str, tmp: Path) -> bool:
    """Start `jiuzhu …` with its own TMPDIR and kill -9 it once a temp folder named `appears*` exists."""
    proc = home.popen(*argv)
    while proc.poll() is None:
        if any(p.name.startswith(appears) for p in tmp.iterdir()):
            time.sleep(0.3)  # well inside the stage
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.01)
    return False


# `jiuzhu …` with ScreeningRun.save (the last write of clues/store.py's one transaction, after every clue was
# created or updated) writing the file $STORING_MARK and then waiting to be killed.
PAUSED_IN_CLUE_STORE = """
import os, sys, time
from pathlib import Path
import jiuzhu.cli.django_setup as django_setup

setup = django_setup.setup


def paused_setup():
    setup()
    from jiuzhu.app.clues.models import ScreeningRun

    save = ScreeningRun.save

    def save_then_wait(self, *args, **kwargs):
        save(self, *args, **kwargs)
        Path(os.environ["STORING_MARK"]).write_text("storing", encoding="utf-8")
        time.sleep(600)

    ScreeningRun.save = save_then_wait


django_setup.setup = paused_setup
from jiuzhu.cli.main import main

sys.exit(main(sys.argv[1:]))
"""


def kill_while_storing_clues(home: Home, tmp: Path) -> None:
    mark = tmp / "storing"
    proc = subprocess.Popen([sys.executable, "-c", PAUSED_IN_CLUE_STORE, "screen"], cwd=home.code,
                            env={**home.env, "STORING_MARK": str(mark)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600
    while not mark.exists():
        assert proc.poll() is None, proc.stderr.read()[-2000:]
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def test_kill_9_during_linkage_and_screening(tmp_path: Path, tiny_county: Path):
    spill = tmp_path / "tmp"
    spill.mkdir()
    home = Home(tmp_path / "home", extra_env={"TMPDIR": str(spill)})
    home.run("init")
    home.run("ingest", "--as-of", "2026-10-31", *[str(p) for p in sorted(tiny_county.iterdir()) if p.is_file()])
    home.run("screen")
    newer = make_county(tmp_path / "newer", residents=2_000, seed=77)
    home.run("ingest", str(next(newer.glob("*户籍人口*"))))  # as of today: the newer household snapshot
    before = exports(home, tmp_path / "before")  # the state a killed screen must leave
    twin = Home(tmp_path / "twin")
    shutil.copytree(home.path, twin.path)
    twin.run("screen")
    reference = exports(twin, tmp_path / "reference")
    assert reference != before

    assert kill_when(home, ["screen"], "jiuzhu-link-", spill)
    assert exports(home, tmp_path / "after-kill") == before  # linkage is written whole or not at all

    kill_while_storing_clues(home, tmp_path)  # linkage done and written, the clues not yet committed
    persons, clues = exports(home, tmp_path / "after-store-kill")
    assert persons == reference[0]  # the new linkage stands
    assert clues == before[1]  # not one clue of the killed run: its transaction rolled back
    home.run("screen")
    assert exports(home, tmp_path / "rerun") == reference
