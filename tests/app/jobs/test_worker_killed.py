"""A worker killed (SIGKILL) in the middle of an import: the import leaves no trace, and the next worker start
fails the job and its upload with the Chinese message — never "running" for ever. Real processes on a home of
its own (SQLite), so it runs in the SQLite pass only."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.engine.intake.test_kill_atomic import _big_csv

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite pass only (own processes)")

QUEUE = """
import sys
from jiuzhu.cli.django_setup import setup
setup()
from jiuzhu.app.accounts.models import Unit
from jiuzhu.app.referrals.services.upload import submit_import
print(submit_import(sys.argv[1], "tekun", None, Unit.objects.get(code="civil_affairs"), "frank").pk)
"""


def _rows(home: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(home / "jiuzhu.sqlite3") as con:
        return con.execute(sql).fetchall()


def test_a_killed_worker_leaves_no_job_running(tmp_path):
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"JIUZHU_HOME": str(home)}
    cli = [sys.executable, "-m", "jiuzhu.cli.main"]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    big = _big_csv(tmp_path / "特困.csv")
    subprocess.run([sys.executable, "-c", QUEUE, str(big)], env=env, check=True, capture_output=True)
    worker = subprocess.Popen([*cli, "worker", "--poll", "0.2"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            progress = _rows(home, "SELECT progress FROM referrals_registryupload")[0][0]
            if "已写入" in progress:  # rows are going into the warehouse inside the file's transaction
                break
            time.sleep(0.2)
        assert "已写入" in progress
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        assert _rows(home, "SELECT state FROM jobs_job") == [("running",)]
    finally:
        if worker.poll() is None:
            worker.kill()
    subprocess.run([*cli, "worker", "--once"], env=env, check=True, capture_output=True)
    [(state, message)] = _rows(home, "SELECT state, message FROM jobs_job")
    assert state == "failed" and message.startswith("任务中断：后台程序在执行中停止")
    [(upload_state, upload_progress)] = _rows(home, "SELECT state, progress FROM referrals_registryupload")
    assert (upload_state, upload_progress) == ("failed", message)
    import duckdb

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM batches").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM rec_tekun").fetchone() == (0,)
