"""Helpers that write hand-made departmental files in tmp dirs (no binary fixtures in the repo)."""

from __future__ import annotations

import csv
import re
import signal
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import openpyxl

from jiuzhu.engine.identity.idcard import make_id


def ids(n: int, *, start: int = 1, division: str = "350425") -> list[str]:
    """``n`` distinct valid 18-digit IDs."""
    return [make_id(division, date(1960 + (i % 40), 1 + i % 12, 1 + i % 28), (start + i) % 1000) for i in range(n)]


def write_xlsx(path: Path, sheets: dict[str, list[list]], *, hidden: tuple[str, ...] = ()) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def set_cached_value(path: Path, cell: str, value: str) -> None:
    """Give a formula cell written by openpyxl a saved result, as Excel would after calculating."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rf'(<c r="{cell}"[^>]*>)(<f>.*?</f>)<v\s*/?>(</v>)?'.encode(),
                              lambda m: m.group(1) + m.group(2) + f"<v>{value}</v>".encode(), data)
            dst.writestr(item, data)
    tmp.replace(path)


def rows_of(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def kill_after_written(proc: subprocess.Popen, chunks: int, *, timeout: float = 60) -> int:
    """SIGKILL an ``ingest --progress`` once it has said “已写入” ``chunks`` times (records in, not yet
    committed); returns how many it said."""
    seen = 0
    assert proc.stderr is not None
    for line in proc.stderr:
        if "已写入" in line:
            seen += 1
            if seen == chunks:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=timeout)
    return seen


# `jiuzhu` in a fresh Python process that prints, after the command, "maxrss <own peak KB> <largest child's
# peak KB> <exit code>". Its own peak is VmHWM, not getrusage's ru_maxrss: ru_maxrss survives exec, so a process
# started by subprocess (vfork + exec) reports at least the peak of the pytest worker that started it — 1,171 MB
# once in a full run, where the import itself stayed near 600 MB. A worker's ru_maxrss is fine: the pool starts
# before the importing process grows.
CLI_WITH_PEAK = (
    "import resource, sys; from jiuzhu.cli.main import main; rc = main(sys.argv[1:]); "
    "own = next(int(x.split()[1]) for x in open('/proc/self/status') if x.startswith('VmHWM:')); "
    "print('maxrss', own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)"
)


def peak_line(stdout: str) -> tuple[int, int, int]:
    """(own peak MB, largest worker's peak MB, exit code) from the output of ``CLI_WITH_PEAK``."""
    [line] = [x for x in stdout.splitlines() if x.startswith("maxrss")]
    _, own, children, rc = line.split()
    return int(own) // 1024, int(children) // 1024, int(rc)
