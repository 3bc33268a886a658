"""kill -9 during linkage and during the storing of screening's clues (issue 18): the warehouse and the
case database stay readable with their previous or their new state, and a rerun ends where an
uninterrupted run ends. SIGTERM during linkage (issue 19): the same, and the scratch folder is removed."""

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


def kill_when(home: Home, argv: list[str], appears: str, tmp: Path,
              sig: signal.Signals = signal.SIGKILL) -> subprocess.Popen | None:
    """Start `jiuzhu …` with its own TMPDIR and send it ``sig`` once a temp folder named `appears*` exists;
    the ended process, or None when it ended before."""
    proc = home.popen(*argv)
    while proc.poll() is None:
        if any(p.name.startswith(appears) for p in tmp.iterdir()):
            time.sleep(0.3)  # well inside the stage
            os.kill(proc.pid, sig)
            proc.wait(timeout=600)
            return proc
        time.sleep(0.01)
    return None


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


def screened_then_newer(tmp_path: Path, county: Path) -> tuple[Home, Path, tuple[bytes, bytes]]:
    """A home (TMPDIR its own empty folder) that screened ``county``, then took in a newer household
    snapshot; with the exports a killed screen must leave."""
    spill = tmp_path / "tmp"
    spill.mkdir()
    home = Home(tmp_path / "home", extra_env={"TMPDIR": str(spill)})
    home.run("init")
    home.run("ingest", "--as-of", "2026-10-31", *[str(p) for p in sorted(county.iterdir()) if p.is_file()])
    home.run("screen")
    newer = make_county(tmp_path / "newer", residents=2_000, seed=77)
    home.run("ingest", str(next(newer.glob("*户籍人口*"))))  # as of today: the newer household snapshot
    return home, spill, exports(home, tmp_path / "before")


def test_kill_9_during_linkage_and_screening(tmp_path: Path, tiny_county: Path):
    home, spill, before = screened_then_newer(tmp_path, tiny_county)
    twin = Home(tmp_path / "twin")
    shutil.copytree(home.path, twin.path)
    twin.run("screen")
    reference = exports(twin, tmp_path / "reference")
    assert reference != before

    assert kill_when(home, ["screen"], "jiuzhu-link-", spill) is not None
    assert exports(home, tmp_path / "after-kill") == before  # linkage is written whole or not at all

    kill_while_storing_clues(home, tmp_path)  # linkage done and written, the clues not yet committed
    persons, clues = exports(home, tmp_path / "after-store-kill")
    assert persons == reference[0]  # the new linkage stands
    assert clues == before[1]  # not one clue of the killed run: its transaction rolled back
    home.run("screen")
    assert exports(home, tmp_path / "rerun") == reference


def test_sigterm_during_linkage_removes_its_scratch_folder(tmp_path: Path, tiny_county: Path):
    home, spill, before = screened_then_newer(tmp_path, tiny_county)
    proc = kill_when(home, ["screen"], "jiuzhu-link-", spill, signal.SIGTERM)
    assert proc is not None
    assert proc.returncode == 143
    assert "已收到终止信号，正在清理临时文件后退出 / terminated: cleaning up" in proc.stderr.read().splitlines()
    assert list(spill.iterdir()) == []  # the 30 GB of a province's linkage
    assert exports(home, tmp_path / "after") == before  # the previous linkage and clues stand
