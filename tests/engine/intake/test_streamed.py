"""A province-shaped household CSV (issue 19): one batch, streamed in bounded memory, still atomic.

The file is made by DuckDB (seconds, not minutes); the import runs as `jiuzhu ingest` in a subprocess
whose own peak RSS it reports. Storing a file in one transaction used to cost ≈ 0.6 KB per row in that
process (docs/performance.md): 2,000,000 rows would be over 1.3 GB; streamed it stays under the bound.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from .helpers import CLI_WITH_PEAK, ids, kill_after_written, peak_line, rows_of, write_csv

ROWS = 2_000_000
HEADER = ["户号", "姓名", "身份证号", "与户主关系", "人员状态", "乡镇", "村(社区)"]
DUCKDB_MB = 256  # JIUZHU_INTAKE_MEMORY_MB of the import
# Python and its libraries ≈ 200 MB, DuckDB ≤ 256 MB + the settling's 128 MB, with room (own peak 468 MB measured;
# the 634–1,171 MB seen before were the pytest parent's peak, see helpers.CLI_WITH_PEAK); the old path: > 1,300 MB
BOUND_MB = 800

_ID = ("'350425' || strftime(DATE '1930-01-01' + CAST(i // 1000 % 25000 AS INTEGER), '%Y%m%d') "
       "|| lpad(CAST(i % 1000 AS VARCHAR), 3, '0')")
_CHECK = (
    "substr('10X98765432', 1 + CAST(list_sum(list_transform(range(17), "
    "lambda k: CAST(substr(body, k + 1, 1) AS INTEGER)"
    " * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][k + 1])) % 11 AS INTEGER), 1)"
)


def household_csv(path: Path, rows: int) -> Path:
    """``rows`` distinct people with valid IDs in households of three, then one exact copy of the first
    data row (file row 2): a duplicate the import reports as such."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"""COPY (
        WITH r AS (SELECT i, {_ID} AS body FROM range({rows}) t(i))
        SELECT 'H' || lpad(CAST(i // 3 AS VARCHAR), 9, '0') AS "户号", '人' || i AS "姓名",
               body || {_CHECK} AS "身份证号",
               ['户主', '配偶', '子'][i % 3 + 1] AS "与户主关系", '正常' AS "人员状态",
               ['均溪镇', '石牌镇', '上京镇', '广平镇', '桃源镇', '太华镇'][i % 6 + 1] AS "乡镇",
               '第' || i % 40 || '村' AS "村(社区)"
        FROM r ORDER BY i) TO '{path}' (HEADER, DELIMITER ',')""")
    con.close()
    with path.open("rb") as fh:
        fh.readline()
        first = fh.readline()
    with path.open("ab") as fh:
        fh.write(first)
    return path


def _cli(home: Path, *args: str) -> tuple[list[str], dict]:
    env = {**os.environ, "JIUZHU_HOME": str(home), "JIUZHU_INTAKE_MEMORY_MB": str(DUCKDB_MB)}
    # The CLI, then its own peak RSS (the reading worker is capped by RLIMIT_AS anyway).
    return [sys.executable, "-c", CLI_WITH_PEAK, *args], env


def test_a_large_household_csv_streams_as_one_batch_in_bounded_memory_and_a_kill_leaves_the_old_one(home, tmp_path):
    old = write_csv(tmp_path / "户籍人口-旧.csv", [HEADER, *[[f"H{i}", f"旧{i}", pid, "户主", "正常", "均溪镇", "第1村"]
                                                          for i, pid in enumerate(ids(3))]])
    cmd, env = _cli(home, "ingest", str(old))
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    [(previous,)] = rows_of(home, "SELECT batch_id FROM current_batches")
    big = household_csv(tmp_path / "户籍人口-全省.csv", ROWS)

    # Killed while its records stream in: the previous snapshot stays current, nothing of the file shows.
    cmd, env = _cli(home, "ingest", "--progress", "--jobs", "1", str(big))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    written = kill_after_written(proc, 3, timeout=120)
    assert (proc.returncode, written) == (-signal.SIGKILL, 3)
    assert rows_of(home, "SELECT batch_id FROM batches") == [(previous,)]
    assert rows_of(home, "SELECT batch_id FROM current_batches") == [(previous,)]
    assert rows_of(home, "SELECT count(*) FROM cur_household") == [(3,)]
    assert rows_of(home, "SELECT count(*) FROM rec_household") == [(3,)]
    assert rows_of(home, "SELECT count(*) FROM subjects") == [(3,)]

    # Again, whole: one batch of every row, the duplicate reported against row 2, in bounded memory.
    cmd, env = _cli(home, "ingest", str(big))
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr
    peak_mb, _, rc = peak_line(done.stdout)
    assert rc == 0
    [(bid, taken, rejected, duplicate, state)] = rows_of(
        home, "SELECT batch_id, rows_taken, rows_rejected, rows_duplicate, state FROM batches WHERE batch_id <> ?",
        [previous])
    assert (taken, rejected, duplicate, state) == (ROWS, 0, 1, "imported")
    assert rows_of(home, "SELECT batch_id FROM current_batches") == [(bid,)]
    assert rows_of(home, 'SELECT "row", kind, reason FROM rejections WHERE batch_id = ?', [bid]) == [
        (ROWS + 2, "duplicate", "与第2行完全相同，只保存一次")]
    assert rows_of(home, "SELECT count(*), min(\"row\"), max(\"row\"), count(DISTINCT id_number) FROM cur_household") \
        == [(ROWS, 2, ROWS + 1, ROWS)]
    assert rows_of(home, "SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, 'stage_')") == [(0,)]
    print(f"peak RSS of the importing process: {peak_mb} MB for {ROWS} rows")
    assert peak_mb < BOUND_MB
