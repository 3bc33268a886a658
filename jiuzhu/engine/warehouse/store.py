"""Short-lived connections to the warehouse file (DuckDB allows one writing process at a time)."""

from __future__ import annotations

import itertools
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from jiuzhu.engine.home import warehouse_path
from jiuzhu.engine.warehouse.schema import ensure_schema

LOCK_WAIT_SECONDS = 60.0


class WarehouseBusy(Exception):  # noqa: N818
    """Another process holds the warehouse file for longer than we wait."""


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The base tables of the database `con` uses (duckdb_tables(): information_schema also lists views and
    costs several times more; a page asks once)."""
    return {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}


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


# The web processes keep the file attached read-only between pages (engine/persons.py `reader`), which holds
# DuckDB's shared lock on it. A writer says it is waiting by a file of its own in this directory beside the
# warehouse (named by its process id, so a crashed writer's is recognised and removed); a reader seeing one
# lets go of the file at once and attaches only while a page reads, as before, until none is left. Opening
# the file in the same process first calls the hooks registered here: DuckDB refuses a second handle on a file
# a process has attached ("Unique file handle conflict").
_before_open: list[Callable[[Path], None]] = []
_flag_numbers = itertools.count()


def before_open(hook: Callable[[Path], None]) -> None:
    """`hook(path)` runs before this process opens the warehouse at `path` (`open_file`)."""
    _before_open.append(hook)


def _writers(target: Path) -> Path:
    return target.with_name(f".{target.name}.writers")


def writer_waiting(path: Path | None = None) -> bool:
    """Whether a process (alive) is writing the warehouse or waiting to."""
    folder = _writers(path or warehouse_path())
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    for name in names:
        try:
            os.kill(int(name.split("-", 1)[0]), 0)
            return True
        except PermissionError:  # alive, another user's
            return True
        except (ValueError, ProcessLookupError):  # a crashed writer's flag
            (folder / name).unlink(missing_ok=True)
    return False


@contextmanager
def announced(path: Path | None = None) -> Iterator[None]:
    """While this is open, readers that keep the file attached let go of it (see above)."""
    target = path or warehouse_path()
    flag = _writers(target) / f"{os.getpid()}-{threading.get_ident()}-{next(_flag_numbers)}"
    try:
        flag.parent.mkdir(exist_ok=True)
        flag.touch()
    except OSError:  # a directory we cannot write: readers then hold the file only while a page reads
        flag = None
    try:
        yield
    finally:
        if flag is not None:
            flag.unlink(missing_ok=True)


def open_file(target: Path, *, read_only: bool = False, wait_seconds: float | None = None) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, waiting (up to `wait_seconds`, default LOCK_WAIT_SECONDS) while another process holds
    the file; a writer should be `announced`."""
    for hook in _before_open:
        hook(target)
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds)
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(target), read_only=read_only)
        except duckdb.IOException as err:
            if "lock" not in str(err).lower() or time.monotonic() > deadline:
                if "lock" in str(err).lower():
                    raise WarehouseBusy("数据仓库正被另一个进程写入，请稍后再试") from None
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


@contextmanager
def connect(path: Path | None = None, *, read_only: bool = False,
            wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is closed on exit; waits (up to `wait_seconds`, default LOCK_WAIT_SECONDS) while
    another process writes the file (or, for a writer, while pages read it)."""
    target = path or warehouse_path()
    if read_only and not target.exists():
        read_only = False  # nothing to read yet: create it (empty schema) instead of failing
    if read_only:
        con = open_file(target, read_only=True, wait_seconds=wait_seconds)
        try:
            yield con
        finally:
            con.close()
        return
    with announced(target):
        con = open_file(target, wait_seconds=wait_seconds)
        try:
            ensure_schema(con)
            yield con
        finally:
            con.close()


@contextmanager
def settings(con: duckdb.DuckDBPyConnection, **values: object) -> Iterator[None]:
    """DuckDB settings of ``con`` for the block, restored after."""
    before = {name: con.sql(f"SELECT current_setting('{name}')").fetchall()[0][0] for name in values}
    for name, value in values.items():
        con.execute(f"SET {name} = '{value}'")
    try:
        yield
    finally:
        for name, value in before.items():
            con.execute(f"SET {name} = '{value}'")


# DuckDB prints its memory cap with a unit (``current_setting('memory_limit')``: 7.6 GiB, 512.0 MiB, 1.0 GB).
_UNITS = {"bytes": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40,
          "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}


def memory_mb(con: duckdb.DuckDBPyConnection) -> int:
    """``con``'s DuckDB memory cap in MB (10⁶ bytes, as DuckDB reads ``MB`` in a setting)."""
    text = con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0]
    number, unit = re.fullmatch(r"([\d.]+)\s*(\w+)", text.strip()).groups()
    return int(float(number) * _UNITS[unit]) // 10**6


@contextmanager
def without_vacuum(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Changes written in the block (a few thousand rows deleted and inserted in tables of 10⁵–10⁷: a delta
    linkage's tables, the person search, the screening state) are checkpointed at its end without DuckDB's
    vacuum, which compacts every row group holding a deleted row — ≈ 1.1 CPU s a county for one table of
    372,662 rows, on every run, as each month's changed rows lie elsewhere. The deleted rows then stay as
    deletion marks in their row groups (no row reads them) until a full run replaces the table; the rows are
    the same (docs/scale.md "Incremental runs")."""
    with settings(con, max_vacuum_tasks=0):
        yield
        con.execute("CHECKPOINT")
