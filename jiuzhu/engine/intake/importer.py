"""Import files as batches — the front door of intake: ``import_paths`` takes files and folders, and
either imports them here one after the other (the serial path) or hands them to ``parallel``. Both paths
do a file's work with ``batch`` (plan, parse, one warehouse transaction per file) and neither imports
the other: this module picks one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from jiuzhu.engine.identity.calendar import today
from jiuzhu.engine.intake.batch import (
    BatchResult,
    Progress,
    WarehouseWriter,
    failed_result,
    file_options,
    import_file_into,
)
from jiuzhu.engine.intake.parallel import import_parallel, splittable
from jiuzhu.engine.intake.readers import SUFFIXES

__all__ = ["BatchResult", "Progress", "cpu_cores", "expand_paths", "import_file", "import_paths"]



def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder → every spreadsheet/CSV directly in it (sorted; sub-folders, hidden files
    and Excel's ``~$`` lock files are left out)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUFFIXES
                              and not f.name.startswith((".", "~$"))))
        else:
            out.append(p)
    return out


def cpu_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def import_file(
    path: Path,
    *,
    source: str | None = None,
    unit: str | None = None,
    as_of: date | None = None,
    sheet: str | None = None,
    allow_empty: bool = False,
    imported_by: str = "cli",
    progress: Progress | None = None,
) -> list[BatchResult]:
    """Import one file; one result per batch (per source type found), or one ``failed`` result."""
    with WarehouseWriter() as warehouse:
        return import_file_into(path, warehouse, source=source, unit=unit, as_of=as_of, sheet=sheet,
                                allow_empty=allow_empty, imported_by=imported_by, progress=progress)


def import_paths(paths: Iterable[Path], *, jobs: int | None = None, bounded: bool = False,
                 **options) -> list[BatchResult]:
    """Import files and folders in order. With ``jobs`` > 1 (default: one per core) worker processes read
    and normalise files side by side — a large CSV in parts — while this process writes each finished file
    in its own transaction, in the order given: the warehouse ends exactly as after a serial run.

    ``bounded``: every file is read in a worker process with memory and time limits (``limits``), even
    with ``jobs`` 1; a file that goes over them fails with a message, the other files import.
    ``options``: ``source``, ``unit``, ``as_of``, ``sheet``, ``allow_empty``, ``imported_by``,
    ``progress``."""
    files = expand_paths(paths)
    jobs = cpu_cores() if jobs is None else jobs
    as_of = options.get("as_of")
    if as_of is not None and as_of > today():  # a future snapshot would stay current for ever
        zh = (f"数据截止日期{as_of.isoformat()}晚于今天（{today().isoformat()}），"
              "不能导入未来日期的名单")
        en = f"the as-of date {as_of.isoformat()} is in the future; nothing imported"
        return [failed_result(p, zh, en) for p in files]
    if bounded and files:
        return import_parallel(files, max(1, jobs), bounded=True, **options)
    if jobs > 1 and files and (len(files) > 1 or splittable(files[0])):
        return import_parallel(files, jobs, **options)
    results: list[BatchResult] = []
    with WarehouseWriter() as warehouse:
        for p in files:
            results.extend(import_file_into(p, warehouse, **file_options(options)))
    return results
