"""Import several files side by side: worker processes read and normalise, this process writes.

DuckDB takes one writing process, and the CPU of an import is in reading and normalising rows. So each
worker plans and parses whole files (largest first) and spools the records of each batch to an Arrow IPC
file, with the progress lines it would have printed; this process then stores the files one by one in
the order given, each in its own transaction, replaying the spooled records and lines in their order.
The warehouse ends exactly as after a serial import: same rows, rejections, batches and reports.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from jiuzhu.engine.intake import importer as im
from jiuzhu.engine.intake.readers import UnreadableFile
from jiuzhu.engine.warehouse import batches as wb


@dataclass
class _Spool:
    path: str  # Arrow IPC file of the batch's records ("" when the batch has none)
    events: list[tuple[str, object]] = field(default_factory=list)  # ("line", text) | ("chunk", record batches)


@dataclass
class _Parsed:
    failed: list[im.BatchResult] | None = None
    works: dict[str, im._BatchWork] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)
    sha: str = ""
    spools: dict[str, _Spool] = field(default_factory=dict)  # source type → its spooled records


def _parse_file(path: Path, position: int, folder: str, existing: set[str], options: dict) -> _Parsed:
    """In a worker: plan the file and parse its batches not in ``existing`` into spool files."""
    planned = im._plan_file(path, source=options["source"], unit=options["unit"], as_of=options["as_of"],
                            sheet=options["sheet"])
    if isinstance(planned, list):
        return _Parsed(failed=planned)
    works, skipped, sha = planned
    parsed = _Parsed(works=works, skipped=skipped, sha=sha)
    for code, w in works.items():
        if w.batch_id in existing:
            continue
        spool = _Spool(str(Path(folder) / f"{position}-{code}.arrow"))
        writer: pa.RecordBatchFileWriter | None = None

        def sink(table: pa.Table, spool: _Spool = spool) -> None:
            nonlocal writer
            if writer is None:
                writer = pa.ipc.new_file(spool.path, table.schema)
            batches = table.to_batches()
            for batch in batches:
                writer.write_batch(batch)
            spool.events.append(("chunk", len(batches)))

        try:
            im._parse_rows(w, path, sink, lambda line, spool=spool: spool.events.append(("line", line)))
        except UnreadableFile as err:  # part-way through reading, as in a serial import
            return _Parsed(failed=[im._fail(path, err.zh, err.en, skipped)])
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            spool.path = ""
        parsed.spools[code] = spool
    for w in works.values():
        w.plans = []  # row iterators stay here; the rest goes back to the writer
    return parsed


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker at once (spawn re-imports everything, ≈ 1 s); it is safe only while this
    # process runs no other thread (a web server's thread could hold a lock the child inherits).
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def import_parallel(files: list[Path], jobs: int, **options) -> list[im.BatchResult]:
    """``import_paths`` with ``jobs`` worker processes (see the module's docstring)."""
    options = im._file_options(options)
    options["as_of"] = options["as_of"] or im.today_shanghai()
    progress = options["progress"]
    worker_options = {k: options[k] for k in ("source", "unit", "as_of", "sheet")}
    order = sorted(range(len(files)), key=lambda i: -_size(files[i]))  # the longest parse starts first
    results: list[im.BatchResult] = []
    with (tempfile.TemporaryDirectory(prefix="jiuzhu-ingest-") as folder,
          ProcessPoolExecutor(max_workers=jobs, mp_context=_context()) as pool):
        pool.submit(int).result()  # start the workers before this process opens DuckDB (and its threads)
        with im._Warehouse() as warehouse:
            existing = _existing_batches(warehouse)
            futures: dict[int, Future[_Parsed]] = {
                i: pool.submit(_parse_file, files[i], i, folder, existing, worker_options) for i in order}
            try:
                for i, path in enumerate(files):
                    try:
                        parsed: _Parsed | None = futures.pop(i).result()
                    except BrokenProcessPool:  # a worker died (e.g. out of memory): do this file here
                        parsed = None
                    if parsed is None:
                        results.extend(im._import_file(path, warehouse, **options))
                    elif parsed.failed is not None:
                        results.extend(parsed.failed)
                    else:
                        results.extend(_store(path, parsed, warehouse, options, progress))
            finally:
                for future in futures.values():  # an error above: do not parse what will not be stored
                    future.cancel()
    return results


def _existing_batches(warehouse: im._Warehouse) -> set[str]:
    """Batch ids already stored, so workers skip parsing a byte-identical file (a no-op import)."""
    try:
        con = warehouse.connection()
    except im.WarehouseBusy:
        return set()  # each file then fails with the busy message, as in a serial import
    return {r[0] for r in con.execute("SELECT batch_id FROM batches").fetchall()}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _store(path: Path, parsed: _Parsed, warehouse: im._Warehouse, options: dict,
           progress: im.Progress | None) -> list[im.BatchResult]:
    def write(con, w: im._BatchWork) -> None:
        spool = parsed.spools.get(w.spec.code)
        if spool is None:  # stored when the worker looked, gone now: parse it here instead
            raise im._NeedsSerial
        reader = pa.ipc.open_file(pa.memory_map(spool.path)) if spool.path else None
        taken = 0
        for kind, value in spool.events:
            if kind == "line":
                if progress:
                    progress(str(value))
                continue
            assert reader is not None
            table = pa.Table.from_batches([reader.get_batch(taken + k) for k in range(int(value))])  # type: ignore[call-overload]
            taken += int(value)  # type: ignore[call-overload]
            wb.insert_table(con, w.spec.code, table)

    try:
        return im._store(path, parsed.works, parsed.skipped, parsed.sha, as_of=options["as_of"],
                         allow_empty=options["allow_empty"], imported_by=options["imported_by"],
                         warehouse=warehouse, write=write)
    except im._NeedsSerial:
        return im._import_file(path, warehouse, **options)
