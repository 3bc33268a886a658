"""The duplicate check and the rejections of a file do not grow memory with its rows (issue 19).

A household CSV where every tenth row repeats the row five above it and every other row has an ID
with a wrong check digit (flagged: taken, reported) is imported by `jiuzhu ingest` (two reading workers,
two parts) at 200,000 and at 1,000,000 rows. A reading worker's peak RSS may grow by less than
``GROWTH_MB`` between the two, the importing process by less than ``IMPORT_GROWTH_MB`` (it holds
DuckDB's two caps, the warehouse's ``DUCKDB_MB`` and the spill's 128 MB, which it fills as rows come).
Measured (docs/performance.md "Intake", the command's own VmHWM): importing 326 → 510 MB (+184), worker
208 → 229 MB. Earlier figures (+157, +162) read ru_maxrss, which includes the pytest parent's peak and hid
part of the smaller run's growth. The in-memory check and rejection lists before (68d2b77) went +271 and +151.
The counts and the rejection report are exact.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from .helpers import CLI_WITH_PEAK, peak_line, rows_of
from .test_streamed import _CHECK, _ID

DUCKDB_MB = 256  # JIUZHU_INTAKE_MEMORY_MB: DuckDB's own share, fixed
GROWTH_MB = 60  # a reading worker, 200,000 → 1,000,000 rows (measured 33; before: 151)
IMPORT_GROWTH_MB = 215  # the importing process, 200,000 → 1,000,000 rows (measured 157, 162; before: 271)


# The row whose content row ``i`` has: itself, or (every tenth row) the row five above.
_CONTENT = "CASE WHEN i % 10 = 9 THEN i - 5 ELSE i END"


def messy_csv(path: Path, rows: int) -> Path:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"""COPY (
        WITH r AS (SELECT i, {_CONTENT} AS c FROM range({rows}) t(i)),
             b AS (SELECT i, c, {_ID.replace("i //", "c //").replace("i %", "c %")} AS body FROM r)
        SELECT 'H' || lpad(CAST(c // 3 AS VARCHAR), 9, '0') AS "户号", '人' || c AS "姓名",
               CASE WHEN c % 2 = 0 THEN body || CASE WHEN {_CHECK} = '0' THEN '1' ELSE '0' END
                    ELSE body || {_CHECK} END AS "身份证号",
               ['户主', '配偶', '子'][c % 3 + 1] AS "与户主关系", '正常' AS "人员状态",
               '均溪镇' AS "乡镇", '第' || c % 40 || '村' AS "村(社区)"
        FROM b ORDER BY i) TO '{path}' (HEADER, DELIMITER ',')""")
    con.close()
    return path


def _expected(rows: int) -> tuple[int, int, int]:
    """(taken, flagged, duplicate) of ``rows`` rows made by ``messy_csv``."""
    duplicate = rows // 10
    flagged = (rows + 1) // 2  # the even rows (a repeat, i % 10 == 9, is odd)
    return rows - duplicate, flagged, duplicate


def _ingest(home: Path, path: Path) -> tuple[int, int]:
    """`jiuzhu ingest` of ``path`` in a fresh process: peak RSS (MB) of it and of its largest worker."""
    env = {**os.environ, "JIUZHU_HOME": str(home), "JIUZHU_INTAKE_MEMORY_MB": str(DUCKDB_MB)}
    done = subprocess.run([sys.executable, "-c", CLI_WITH_PEAK, "ingest", "--jobs", "2", str(path)], env=env,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr
    own, workers, rc = peak_line(done.stdout)
    assert rc == 0
    return own, workers


def _check_report(home: Path, rows: int) -> None:
    taken, flagged, duplicate = _expected(rows)
    [(bid, *counts)] = rows_of(home, "SELECT batch_id, rows_taken, rows_rejected, rows_flagged, rows_duplicate "
                                     "FROM batches")
    assert counts == [taken, 0, flagged, duplicate]
    assert rows_of(home, "SELECT count(*) FROM rec_household") == [(taken,)]
    with (home / "reports" / f"{bid}-rejections.csv").open(encoding="utf-8-sig") as fh:
        report = list(csv.reader(fh))
    assert len(report) == 1 + flagged + duplicate
    # In row order; file row = i + 2; a duplicate (i % 10 == 9) repeats file row i - 3.
    assert report[1][2:4] == ["2", "身份证号"]  # i = 0: flagged
    lines = {int(r[2]): r for r in report[1:]}
    assert lines[11][3:] == ["", "", "与第6行完全相同，只保存一次"]  # i = 9 repeats i = 4
    assert lines[16][3] == "身份证号"  # i = 14: flagged
    assert lines[21][3:] == ["", "", "与第16行完全相同，只保存一次"]  # i = 19 repeats it: one line
    assert [int(r[2]) for r in report[1:]] == sorted(lines)
    assert rows_of(home, "SELECT count(*) FROM rejections WHERE batch_id = ?", [bid]) == [(flagged + duplicate,)]
    assert rows_of(home, "SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, 'stage_')") == [(0,)]


def test_duplicates_and_rejections_of_a_larger_file_cost_no_more_memory(tmp_path):
    peaks = {}
    for rows in (200_000, 1_000_000):
        home = tmp_path / f"home-{rows}"
        path = messy_csv(tmp_path / f"户籍人口-{rows}.csv", rows)
        peaks[rows] = _ingest(home, path)
        _check_report(home, rows)
        path.unlink()
    print(f"peak RSS (importing process, largest worker) MB: {peaks}")
    small, large = peaks[200_000], peaks[1_000_000]
    assert large[0] - small[0] < IMPORT_GROWTH_MB, peaks
    assert large[1] - small[1] < GROWTH_MB, peaks
