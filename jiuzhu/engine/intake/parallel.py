"""Import several files side by side: worker processes read and normalise, this process writes.

DuckDB takes one writing process, and the CPU of an import is in reading and normalising rows. So each
worker plans and parses whole files (in the order given) and spools the records of each batch to an Arrow IPC
file, with the progress lines it would have printed; this process then stores the files one by one in
the order given, each in its own transaction, replaying the spooled records and lines in their order.

A large CSV (one sheet) is parsed in parts, one per worker: every part reads the file from the start (the
row numbers and the quoting of line breaks need it) but normalises only its own rows. A row that repeats
one of an earlier part is a duplicate of it, found with the others from every part's spill once all are
read (``spill``), exactly as a serial import would have reported it.
The warehouse ends exactly as after a serial import: same rows, rejections, batches and reports.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

import jiuzhu.engine.intake.limits as lim
from jiuzhu.engine.identity.calendar import today
from jiuzhu.engine.intake.batch import (
    BatchResult,
    BatchWork,
    Progress,
    WarehouseWriter,
    failed_result,
    file_options,
    import_file_into,
    parse_rows,
    plan_file,
    store_file,
    written_line,
)
from jiuzhu.engine.intake.readers import CSV_SUFFIXES, UnreadableFile
from jiuzhu.engine.warehouse import WarehouseBusy

SPLIT_BYTES = 8 << 20  # a CSV this large is parsed in parts, one per worker
MAX_PARTS = 4  # every part reads the file from its start: more parts, more reading twice
_SAMPLE = 1 << 20  # bytes read to guess a CSV's number of rows


@dataclass
class _Spool:
    path: str  # Arrow IPC file of one part's records of a batch ("" when it has none)
    # ("line", text) | ("chunk", record batches)
    events: list[tuple[str, object]] = field(default_factory=list)


@dataclass
class _Parsed:
    failed: list[BatchResult] | None = None
    works: dict[str, BatchWork] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)
    sha: str = ""
    spools: dict[str, list[_Spool]] = field(default_factory=dict)  # source type → its spooled parts


def _parse_file(path: Path, name: str, span: tuple[int, int] | None, folder: str, existing: set[str],
                options: dict) -> _Parsed:
    """In a worker: plan the file and parse its batches not in ``existing`` (only the rows of ``span``,
    when given) into spool files named after ``name``."""
    planned = plan_file(path, source=options["source"], unit=options["unit"], as_of=options["as_of"],
                            sheet=options["sheet"], withdrawn=options.get("withdrawn"))
    if isinstance(planned, list):
        return _Parsed(failed=planned)
    works, skipped, sha = planned
    parsed = _Parsed(works=works, skipped=skipped, sha=sha)
    for code, w in works.items():
        if w.batch_id in existing:
            continue
        spool = _Spool(str(Path(folder) / f"{name}-{code}.arrow"))
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
            parse_rows(w, path, sink, lambda line, spool=spool: spool.events.append(("line", line)),
                       Path(folder), span=span)
        except UnreadableFile as err:  # part-way through reading, as in a serial import
            return _Parsed(failed=[failed_result(path, err.zh, err.en, skipped)])
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            spool.path = ""
        parsed.spools[code] = [spool]
    for w in works.values():
        w.plans = []  # row iterators stay here; the rest goes back to the writer
    return parsed


def splittable(path: Path) -> bool:
    """A CSV large enough to be parsed in parts."""
    try:
        return path.suffix.lower() in CSV_SUFFIXES and path.stat().st_size >= SPLIT_BYTES
    except OSError:
        return False


def _spans(path: Path, jobs: int) -> list[tuple[int, int]] | None:
    """Row ranges splitting a large CSV into parts of about equal size, or None (parse it whole)."""
    parts = min(jobs, MAX_PARTS)
    if parts < 2 or not splittable(path):
        return None
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            sample = fh.read(_SAMPLE)
    except OSError:
        return None
    rows = max(1, sample.count(b"\n")) * size // max(1, len(sample))  # a guess: any split is exact, some even
    bounds = [0, *(rows * k // parts for k in range(1, parts)), 1 << 62]
    return [(bounds[k], bounds[k + 1]) for k in range(parts)]


def _merge(parts: list[_Parsed]) -> _Parsed:
    """One file's parts as one parse: counts added, spools and spills in row order (the first part's result
    is kept). A row repeating an earlier part's is found with the other duplicates when the batch is
    settled (``batch.settle``)."""
    for part in parts:
        if part.failed is not None:  # each part reads the file from its start: a part's failure is the file's
            return part
    whole = parts[0]
    for code, w in whole.works.items():
        if code not in whole.spools:
            continue  # stored already when the workers looked
        for part in parts[1:]:
            pw = part.works[code]
            r, o = w.result, pw.result
            r.rows_taken += o.rows_taken
            r.rows_rejected += o.rows_rejected
            r.rows_flagged += o.rows_flagged
            r.rows_duplicate += o.rows_duplicate
            r.values_dropped += o.values_dropped
            w.spills.extend(pw.spills)
            whole.spools[code].append(part.spools[code][0])
    return whole


def _watch_parent(parent: int) -> None:
    """Worker initializer: end the worker when the importing process is gone (killed, say), instead of
    leaving it waiting for work forever. SIGTERM ends it as by default: a forked worker inherits the CLI's
    handler (jiuzhu/cli/termination.py), whose exception the pool would send back as the task's result and
    live on, where the pool's terminate() means the worker to end."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _bounded_worker(parent: int, memory_bytes: int) -> None:
    """Worker initializer of a bounded import: the parent watch, and the memory cap."""
    _watch_parent(parent)
    # A reader that aborts says one line, not a screenful, on the CLI's stderr.
    os.environ["RUST_BACKTRACE"] = "0"
    lim.cap_memory(memory_bytes)


def _parse_bounded(seconds: int, *args) -> _Parsed:
    """``_parse_file`` under a clock: the worker ends (SIGALRM) when the file takes longer than
    ``seconds``."""
    lim.start_clock(seconds)
    try:
        return _parse_file(*args)
    finally:
        lim.stop_clock()


def _died(path: Path, limits: lim.ParseLimits, started: float) -> _Parsed:
    """The reading process of ``path`` ended without an answer: out of time, or out of memory / crashed."""
    if time.monotonic() - started >= 0.9 * limits.seconds:
        zh, en = lim.time_message(path.name, limits)
    else:
        zh, en = lim.memory_message(path.name, limits)
    return _Parsed(failed=[failed_result(path, zh, en)])


def _raised(path: Path, limits: lim.ParseLimits, err: Exception) -> _Parsed:
    """The reading process of ``path`` raised instead of answering (a reader's own error, memory refused)."""
    if isinstance(err, MemoryError):
        zh, en = lim.memory_message(path.name, limits)
    else:
        zh, en = lim.crash_message(path.name, err)
    return _Parsed(failed=[failed_result(path, zh, en)])


def _parse_alone(path: Path, folder: str, existing: set[str], worker_options: dict) -> _Parsed:
    """Parse one file in a bounded process of its own (after a shared one died: which file killed it is
    not known, so each unfinished file is read again alone)."""
    limits = lim.limits_for(path)
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_bounded_worker,
                             initargs=(os.getpid(), limits.memory_bytes)) as pool:
        try:
            return pool.submit(_parse_bounded, limits.seconds, path, "alone", None, folder, existing,
                               worker_options).result()
        except BrokenProcessPool:
            return _died(path, limits, started)
        except Exception as err:
            return _raised(path, limits, err)


_FOLDER_PREFIX = "jiuzhu-ingest-"


def _spool_folder() -> tempfile.TemporaryDirectory:
    """A temporary folder for the spools, named after this process; folders of import processes that are
    gone (killed mid-import) are removed first."""
    base = Path(tempfile.gettempdir())
    for old in base.glob(f"{_FOLDER_PREFIX}*-*"):
        try:
            pid = int(old.name[len(_FOLDER_PREFIX):].split("-", 1)[0])
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(old, ignore_errors=True)
        except (ValueError, OSError):
            continue  # not ours, or a live process of another user
    return tempfile.TemporaryDirectory(prefix=f"{_FOLDER_PREFIX}{os.getpid()}-")


def _context() -> multiprocessing.context.BaseContext:
    # fork starts a worker at once (spawn re-imports everything, ≈ 1 s); it is safe only while this
    # process runs no other thread (a web server's thread could hold a lock the child inherits).
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def import_parallel(files: list[Path], jobs: int, *, bounded: bool = False, **options) -> list[BatchResult]:
    """``import_paths`` with ``jobs`` worker processes (see the module's docstring).

    ``bounded``: the workers are fresh processes (spawn) with the memory and time limits of ``limits``; a
    file that breaks them (or makes a reader raise) fails with a message instead of being read here."""
    options = file_options(options)
    options["as_of"] = options["as_of"] or today()
    worker_options = {k: options[k] for k in ("source", "unit", "as_of", "sheet")}
    spans = {i: _spans(path, jobs) for i, path in enumerate(files)}
    # In the order given, which is the order of storing: this process stores each file as soon as the
    # workers are done with it (largest first would leave every store to the end); a large CSV's parts
    # run side by side.
    tasks = [(i, k, span) for i in range(len(files)) for k, span in enumerate(spans[i] or [None])]
    results: list[BatchResult] = []
    limits = {i: lim.limits_for(path) for i, path in enumerate(files)} if bounded else {}
    with (_spool_folder() as folder,
          ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), **_pool_start(limits)) as pool):
        pool.submit(int).result()  # start the workers before this process opens DuckDB (and its threads)
        with WarehouseWriter() as warehouse:
            existing = _existing_batches(warehouse)
            try:
                worker_options["withdrawn"] = warehouse.withdrawn()
            except WarehouseBusy:  # each file then fails with the busy message, as in a serial import
                worker_options["withdrawn"] = {}
            started = time.monotonic()

            def submit(i: int, k: int, span: tuple[int, int] | None) -> Future[_Parsed]:
                args = (files[i], f"{i}.{k}", span, folder, existing, worker_options)
                return pool.submit(_parse_bounded, limits[i].seconds, *args) if bounded else \
                    pool.submit(_parse_file, *args)

            futures = {(i, k): submit(i, k, span) for i, k, span in tasks}
            try:
                for i, path in enumerate(files):
                    parsed = _file_parsed(i, path, futures, spans[i], limits.get(i))
                    if parsed is None and bounded:  # never read here: alone, bounded, or failed
                        parsed = _died(path, limits[i], started) if len(tasks) == 1 else \
                            _parse_alone(path, folder, existing, worker_options)
                    results.extend(_land(path, parsed, warehouse, options))
            finally:
                for future in futures.values():  # an error above: do not parse what will not be stored
                    future.cancel()
    return results


def _pool_start(limits: dict[int, lim.ParseLimits]) -> dict:
    """How the worker pool starts its processes: bounded (``limits`` given) fresh ones with the memory cap,
    else as quickly as is safe; each watches for this process to be gone."""
    if limits:
        return {"mp_context": multiprocessing.get_context("spawn"), "initializer": _bounded_worker,
                "initargs": (os.getpid(), max(x.memory_bytes for x in limits.values()))}
    return {"mp_context": _context(), "initializer": _watch_parent, "initargs": (os.getpid(),)}


def _file_parsed(i: int, path: Path, futures: dict[tuple[int, int], Future[_Parsed]],
                 spans: list[tuple[int, int]] | None, limits: lim.ParseLimits | None) -> _Parsed | None:
    """File ``i`` as its workers parsed it (its parts merged); None when a worker died. A worker that
    raised: the file fails with a message when bounded (``limits`` given), else the error goes up."""
    try:
        parts = [futures.pop((i, k)).result() for k in range(len(spans or [None]))]
        return _merge(parts) if spans else parts[0]
    except BrokenProcessPool:  # a worker died (e.g. out of memory)
        return None
    except Exception as err:
        if limits is None:
            raise
        return _raised(path, limits, err)


def _land(path: Path, parsed: _Parsed | None, warehouse: WarehouseWriter, options: dict) -> list[BatchResult]:
    """The file's results: stored from its spools (then freed), its failure, or (``parsed`` None: no
    worker finished it, unbounded) imported here."""
    if parsed is None:
        return import_file_into(path, warehouse, **options)
    if parsed.failed is not None:
        return parsed.failed
    results = _store_parsed(path, parsed, warehouse, options, options["progress"])
    for spools in parsed.spools.values():  # stored: free the disk at once
        for spool in spools:
            if spool.path:
                Path(spool.path).unlink(missing_ok=True)
    return results


def _existing_batches(warehouse: WarehouseWriter) -> set[str]:
    """Batch ids already stored, so workers skip parsing a byte-identical file (a no-op import)."""
    try:
        con = warehouse.connection()
    except WarehouseBusy:
        return set()  # each file then fails with the busy message, as in a serial import
    return {r[0] for r in con.execute("SELECT batch_id FROM batches").fetchall()}


class _ParseAgain(Exception):  # noqa: N818
    """A parsed file cannot be stored as parsed (a batch appeared or went meanwhile): import it again here."""


def _store_parsed(path: Path, parsed: _Parsed, warehouse: WarehouseWriter, options: dict,
                  progress: Progress | None) -> list[BatchResult]:
    """Store a file its workers parsed, replaying its spooled records and progress lines in their order."""

    def write(put, w: BatchWork) -> None:
        spools = parsed.spools.get(w.spec.code)
        if spools is None:  # stored when the worker looked, gone now: parse it here instead
            raise _ParseAgain
        written = 0
        for k, spool in enumerate(spools):
            # Read, not mapped: mapped pages stay in the resident set until the whole spool is stored.
            reader = pa.ipc.open_file(pa.OSFile(spool.path)) if spool.path else None
            taken = 0
            for kind, value in spool.events:
                if kind == "line":
                    if not progress:
                        continue
                    # A file in parts: its first line (the sheet) as it is, the counts said below instead.
                    if len(spools) == 1 or (k == 0 and written == 0):
                        progress(str(value))
                    continue
                assert reader is not None
                count = int(value)  # type: ignore[call-overload]
                table = pa.Table.from_batches([reader.get_batch(taken + j) for j in range(count)])
                taken += count
                put(table)
                written += table.num_rows
                if progress and len(spools) > 1:
                    progress(written_line(path, written))

    try:
        return store_file(path, parsed.works, parsed.skipped, parsed.sha, as_of=options["as_of"],
                          allow_empty=options["allow_empty"], imported_by=options["imported_by"],
                          warehouse=warehouse, write=write)
    except _ParseAgain:
        return import_file_into(path, warehouse, **options)
