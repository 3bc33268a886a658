"""An import killed mid-way (a real subprocess, SIGKILL) leaves the warehouse as it was; a re-run completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from jiuzhu.engine.api import ingest
from jiuzhu.engine.identity.idcard import make_id
from tests.fixtures.processes import children

from .helpers import ids, kill_after_written, rows_of, write_csv

ROWS = 120_000


def _big_csv(path: Path) -> Path:
    from datetime import date

    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("姓名,身份证号,乡镇,供养方式\n")
        for i in range(ROWS):
            pid = make_id("350425", date(1940 + i % 60, 1 + i % 12, 1 + i % 28), i % 1000)
            fh.write(f"人{i},{pid},均溪镇,分散\n")
    return path


def test_sigkill_mid_import_leaves_previous_state_and_rerun_completes(home, tmp_path):
    small = write_csv(
        tmp_path / "特困-旧.csv", [["姓名", "身份证号", "乡镇", "供养方式"], ["甲", ids(1)[0], "均溪镇", "集中"]]
    )
    [first] = ingest([small])
    assert first.rows_taken == 1
    big = _big_csv(tmp_path / "特困-新.csv")
    env = {**os.environ, "JIUZHU_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "jiuzhu.cli.main", "ingest", "--progress", str(big)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    # Wait until it has written a few chunks inside its transaction, then kill it hard.
    seen = kill_after_written(proc, 2)
    assert proc.returncode == -signal.SIGKILL
    assert seen == 2
    assert rows_of(home, "SELECT batch_id, rows_taken FROM batches") == [(first.batch_id, 1)]
    assert rows_of(home, "SELECT count(*) FROM rec_tekun") == [(1,)]
    assert rows_of(home, "SELECT count(*) FROM rejections") == [(0,)]

    [again] = ingest([big])
    assert (again.status, again.rows_taken, again.rows_rejected) == ("imported", ROWS, 0)
    assert rows_of(home, "SELECT count(*) FROM cur_tekun") == [(ROWS,)]
    assert rows_of(home, "SELECT count(*) FROM rec_tekun") == [(ROWS + 1,)]


def test_a_busy_warehouse_fails_the_file_with_a_message(home, tmp_path, monkeypatch):
    from jiuzhu.engine.warehouse import store

    small = write_csv(
        tmp_path / "特困.csv", [["姓名", "身份证号", "乡镇", "供养方式"], ["甲", ids(1)[0], "均溪镇", "集中"]]
    )
    ingest([small])  # creates the file
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(60)", str(home / "warehouse.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 0.3)
        other = write_csv(
            tmp_path / "特困2.csv", [["姓名", "身份证号", "乡镇", "供养方式"], ["乙", ids(2)[1], "均溪镇", "集中"]]
        )
        [r] = ingest([other])
        assert (r.status, r.message_zh) == ("failed", "数据仓库正被另一个进程写入，请稍后再导入")
    finally:
        holder.kill()
        holder.wait()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_of_a_killed_parallel_import_end_and_the_warehouse_is_as_before(home, tmp_path):
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    write_csv(folder / "a-特困.csv", [["姓名", "身份证号", "乡镇", "供养方式"], ["甲", ids(1)[0], "均溪镇", "集中"]])
    _big_csv(folder / "b-特困.csv")
    env = {**os.environ, "JIUZHU_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "jiuzhu.cli.main", "ingest", "--progress", "--jobs", "2",
                             str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "正在导入工作表" in line:  # the first file is being stored; workers are still parsing the second
            break
    workers = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert len(workers) >= 2  # the two workers (a bounded import's spawned workers come with a resource tracker)
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(w) for w in workers)
    assert rows_of(home, "SELECT count(*) FROM rec_tekun") in ([(0,)], [(1,)])  # the first file, or nothing
    [again] = [r for r in ingest([folder]) if r.file_name == "b-特困.csv"]
    assert (again.status, again.rows_taken) == ("imported", ROWS)
