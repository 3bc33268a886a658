"""Short-lived connections to the warehouse file (DuckDB allows one writing process at a time)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from jiuzhu.engine.home import warehouse_path
from jiuzhu.engine.warehouse.schema import ensure_schema

LOCK_WAIT_SECONDS = 60.0


class WarehouseBusy(Exception):  # noqa: N818
    """Another process holds the warehouse file for longer than we wait."""


def file_version(path: Path | None = None) -> tuple | None:
    """What changes whenever anything writes the warehouse: path, and size, modification time and inode of
    the file and its write-ahead log; None when there is no file. For answers kept while it is unchanged."""
    target = path or warehouse_path()
    wal = target.with_name(target.name + ".wal")
    try:
        stats = [target.stat()]
        if wal.exists():
            stats.append(wal.stat())
    except OSError:
        return None
    return str(target), tuple((s.st_size, s.st_mtime_ns, s.st_ino) for s in stats)


@contextmanager
def connect(path: Path | None = None, *, read_only: bool = False,
            wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is closed on exit; waits (up to `wait_seconds`, default LOCK_WAIT_SECONDS) while
    another process writes the file."""
    target = path or warehouse_path()
    if read_only and not target.exists():
        read_only = False  # nothing to read yet: create it (empty schema) instead of failing
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds)
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(target), read_only=read_only)
            break
        except duckdb.IOException as err:
            if "lock" not in str(err).lower() or time.monotonic() > deadline:
                if "lock" in str(err).lower():
                    raise WarehouseBusy("数据仓库正被另一个进程写入，请稍后再试") from None
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    try:
        if not read_only:
            ensure_schema(con)
        yield con
    finally:
        con.close()
