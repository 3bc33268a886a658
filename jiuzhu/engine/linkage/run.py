"""``link()``: the whole linkage — read subjects, exact pass, Splink on the residue, cluster, store.

Every per-record step is SQL in a scratch DuckDB beside the warehouse connection, under a memory
cap, spilling to a temporary folder (a province's 49 M records never become Python objects); only
distinct names, addresses to read, the residue and its candidates pass through Python and Splink.
"""

from __future__ import annotations

import ctypes
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from jiuzhu.engine.linkage.clustering import Partition, cluster, windows_of
from jiuzhu.engine.linkage.delta import Stored, diffed, kept_tables, known_addresses, known_names, new_names
from jiuzhu.engine.linkage.delta import reuse as reuse_features
from jiuzhu.engine.linkage.edges import edges_of, edges_table, rescored
from jiuzhu.engine.linkage.features import derive_in, lineage_query, name_table, read_subjects
from jiuzhu.engine.linkage.model import MATCH_WEIGHT_THRESHOLD
from jiuzhu.engine.linkage.reuse import code_digest
from jiuzhu.engine.linkage.scoring import Edge, score_residue
from jiuzhu.engine.linkage.spark import spark_session
from jiuzhu.engine.linkage.store import build_in, replacing, scope_in, write_changes, write_features, write_tables
from jiuzhu.engine.warehouse import connect, settings


@dataclass(frozen=True)
class LinkResult:
    engine: str
    records: int
    persons: int
    records_with_id: int  # method `id`
    records_linked: int  # method `probabilistic`
    records_single: int  # method `single`
    links: int  # accepted probabilistic links (rows of link_explanations)
    seconds: float
    reused: bool = False  # the stored linkage read exactly these records (reuse.py): not linked again
    # the changed records could not reach the residue (delta.py): its features read from the stored linkage
    delta: bool = False
    fallback: str = ""  # why a linkage asked for ``delta`` derived everything again
    # a ``delta`` linkage whose changed records may reach the residue: its features derived again over every
    # record (with the stored name keys), scored, and its tables written as changes (delta.py)
    rederived: bool = False


def memory_limit_mb() -> int:
    """DuckDB's memory cap for linkage: ``JIUZHU_LINK_MEMORY_MB``, else half the machine up to 10 GB."""
    configured = os.environ.get("JIUZHU_LINK_MEMORY_MB", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return max(256, min(total // 2, 10_240))


def _proc_kb(field: str) -> int:
    """``VmRSS`` / ``VmHWM`` of this process in kB (0 where /proc is not there)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


_MEMORY = "SELECT sum(memory_usage_bytes), sum(temporary_storage_bytes) FROM duckdb_memory()"


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]


def _libc_heap_mb() -> tuple[int, int] | None:
    """glibc's heap in MiB: (in use — Python's objects and the C libraries' ``malloc`` — , freed but kept by
    its arenas); None without glibc's ``mallinfo2``. DuckDB and Arrow have allocators of their own."""
    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return None
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return (info.uordblks + info.hblkhd) // 2**20, info.fordblks // 2**20


def trim_heap() -> None:
    """Give glibc's freed heap back to the system (``malloc_trim``; nothing without glibc). What DuckDB exports
    as Arrow is malloc'd: once a province's features (≈ 5 GB) are written and let go, glibc kept them — 5.6 GB
    of the process's RSS through the person search and the screening after it (docs/performance.md)."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


class StageLog:
    """Optional per-stage log of the linkage (``JIUZHU_LINK_STAGES=1`` → stderr, or a file path):
    wall and CPU seconds, RSS at the end and peak within the stage, DuckDB's own memory and spill.
    Only counts and sizes: no record content. The peak is reset per stage (``/proc/self/clear_refs``).
    Within a stage, ``step`` lines (``step=<table>``) split it by SQL step — where a province's
    feature derivation spends its time and spill — each with its own peak (the stage's is the largest).
    Given the warehouse connection, each line also says what the warehouse's DuckDB holds (``wh_mb``),
    Arrow's allocator (``arrow_mb``), glibc's heap (``libc_mb`` in use: Python's objects; ``libc_free_mb``
    freed but kept) and the anonymous part of the RSS (``anon_mb``): the process's RSS is these, the scratch
    database's and what DuckDB allocates outside its pool, and a province's peak is over its caps
    (docs/performance.md)."""

    def __init__(self, warehouse: duckdb.DuckDBPyConnection | None = None) -> None:
        target = os.environ.get("JIUZHU_LINK_STAGES", "")
        self.enabled = bool(target)
        self._path = None if target in ("", "1") else target
        # a cursor of its own: the warehouse connection may be streaming a result when a line is written
        self._warehouse = warehouse.cursor() if warehouse is not None and self.enabled else None
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        self._step_wall, self._step_cpu = self._wall, self._cpu
        self._stage_peak = 0
        self._reset_peak()

    def close(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()

    @staticmethod
    def _reset_peak() -> None:
        try:
            with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
                fh.write("5")
        except OSError:
            pass  # peak then reads as the process's so far

    def mark(self, stage: str, work: duckdb.DuckDBPyConnection | None = None, *, kind: str = "stage",
             **counts: int) -> None:
        """A ``stage=`` line: the time since the last line. ``kind="part"``: a ``part=`` line instead, for the
        parts of ``jiuzhu screen`` around the linkage (inputs digest, person search, screening state, clue
        store), so that the linkage's own stages still sum to the linkage."""
        if not self.enabled:
            return
        wall, cpu = time.perf_counter(), time.process_time()
        fields = {kind: stage, "wall_s": round(wall - self._wall, 2), "cpu_s": round(cpu - self._cpu, 2),
                  "rss_mb": _proc_kb("VmRSS") // 1024,
                  "peak_mb": max(self._stage_peak, _proc_kb("VmHWM") // 1024), **counts}
        self._write(fields, work)
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        self._step_wall, self._step_cpu = self._wall, self._cpu
        self._stage_peak = 0
        self._reset_peak()

    def step(self, name: str, work: duckdb.DuckDBPyConnection) -> None:
        """A ``step=`` line: the time since the last step or stage, the rows of ``name`` when it is a table."""
        if not self.enabled:
            return
        wall, cpu = time.perf_counter(), time.process_time()
        peak = _proc_kb("VmHWM") // 1024
        self._stage_peak = max(self._stage_peak, peak)
        fields: dict[str, object] = {"step": name, "wall_s": round(wall - self._step_wall, 2),
                                     "cpu_s": round(cpu - self._step_cpu, 2), "rss_mb": _proc_kb("VmRSS") // 1024,
                                     "peak_mb": peak}
        rows = work.execute("SELECT estimated_size FROM duckdb_tables() WHERE table_name = ?", [name]).fetchall()
        if rows:
            fields["rows"] = rows[0][0]
        self._write(fields, work)
        self._step_wall, self._step_cpu = time.perf_counter(), time.process_time()
        self._reset_peak()

    def _write(self, fields: dict, work: duckdb.DuckDBPyConnection | None) -> None:
        if work is not None:
            used, spilled = work.sql(_MEMORY).fetchall()[0]
            fields["duckdb_mb"], fields["spill_mb"] = (used or 0) // 2**20, (spilled or 0) // 2**20
        if self._warehouse is not None:
            used, spilled = self._warehouse.sql(_MEMORY).fetchall()[0]
            fields["wh_mb"], fields["wh_spill_mb"] = (used or 0) // 2**20, (spilled or 0) // 2**20
        fields["arrow_mb"] = pa.total_allocated_bytes() // 2**20
        fields["anon_mb"] = _proc_kb("RssAnon") // 1024
        heap = _libc_heap_mb()
        if heap is not None:
            fields["libc_mb"], fields["libc_free_mb"] = heap
        line = " ".join(f"{k}={v}" for k, v in fields.items())
        if self._path:
            with open(self._path, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        else:
            print(line, file=sys.stderr, flush=True)


def _edges(features: pa.Table, name_tf: pa.Table, population: int, engine: str, spark: Any, floor: float,
           work: duckdb.DuckDBPyConnection | None, stored: Stored | None) -> list[Edge]:
    """Every scored pair at ``floor``: all scored, or the stored ones (a delta linkage) but the pairs whose
    features moved (edges.py), which are scored again."""
    if stored is None or stored.edges is None:
        return score_residue(features, name_tf, population, engine=engine, spark=spark, connection=work,
                             floor=floor)
    fresh = []
    if stored.again:
        among = features.filter(pc.is_in(features.column("unique_id"), value_set=pa.array(stored.again, pa.string())))
        fresh = score_residue(among, name_tf, population, engine=engine, spark=spark, connection=work, floor=floor)
    return rescored(edges_of(stored.edges), fresh, stored.again)


def _touched(features: pa.Table, name_tf: pa.Table, population: int, engine: str, spark: Any,
             threshold: float, work: duckdb.DuckDBPyConnection | None = None,
             log: StageLog | None = None, stored: Stored | None = None) -> tuple[Partition, list[Edge]]:
    """Clusters of the records linkage may touch: the residue (in ``features``, with its candidates)
    and the ID-bearing records some scored pair names; any other record stays alone with its ID. With the
    scored pairs (at the threshold: what a delta linkage reuses)."""
    # Only pairs at the threshold can link (clustering drops the rest first); a hair below it, since
    # weights are compared rounded to 10⁻⁶.
    edges = _edges(features, name_tf, population, engine, spark, threshold - 1e-5, work, stored)
    if log:
        log.mark("score", work, edges=len(edges), rescored=len(stored.again) if stored else -1)
    paired = pa.array(sorted({r for e in edges for r in (e.left, e.right)}), pa.string())
    touched = features.filter(pc.or_(pc.is_null(features.column("id_number")),
                                     pc.is_in(features.column("unique_id"), value_set=paired)))
    ids = touched.column("unique_id").to_pylist()
    numbers = {r: n for r, n in zip(ids, touched.column("id_number").to_pylist(), strict=True) if n}
    windows = windows_of(ids, touched.column("birth_from").to_pylist(),
                         touched.column("birth_to").to_pylist())
    part = cluster(ids, numbers, edges, threshold, windows)
    if log:
        log.mark("cluster", work, touched=len(ids))
    return part, edges


def partition(con: duckdb.DuckDBPyConnection, engine: str = "duckdb", spark: Any = None,
              threshold: float = MATCH_WEIGHT_THRESHOLD):
    """The person partition of the records linkage touches in ``con`` (nothing written). A record not
    in ``cluster_of`` is an ID-bearing record no residue record could meet: a person of its ID alone."""
    subjects = read_subjects(con)
    return subjects, _touched(subjects.features, subjects.name_tf, subjects.population, engine, spark,
                              threshold)[0]


@contextmanager
def _workspace(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A scratch DuckDB holding every record as relation ``lineage``, streamed from the warehouse."""
    # The cap is shared: while the records stream, the warehouse joins them with their case numbers, type
    # cells and 户号 (a province's 户 of every person with an address elsewhere: millions of rows) and
    # gets half; afterwards it only takes the tables in, and the scratch database's steps get the rest.
    cap = memory_limit_mb()
    with (tempfile.TemporaryDirectory(prefix="jiuzhu-link-") as spill,
          settings(con, memory_limit=f"{max(256, cap // 4)}MB")):
        work = duckdb.connect()
        try:
            work.execute(f"SET memory_limit = '{max(256, cap - cap // 2)}MB'")
            work.execute(f"SET temp_directory = '{Path(spill)}'")
            work.execute("SET enable_progress_bar = false")
            # DuckDB's allocator keeps freed pages until some thread allocates again; its background
            # threads give them back, else memory a stage freed still counts in the process's RSS
            # (docs/performance.md).
            work.execute("SET allocator_background_threads = true")
            # Where a record sits in its file is for the export (read from the warehouse), not for us.
            query = f"SELECT * EXCLUDE (file_name, sheet, \"row\", id_status) FROM ({lineage_query(con)})"
            # In no particular order: the warehouse need not hold back batches to keep one (the type
            # cells joined to the stream are read for the rows without a valid ID alone: _WITHOUT_ID).
            with settings(con, preserve_insertion_order=False, memory_limit=f"{max(256, cap // 2)}MB"):
                work.register("_stream", con.sql(query).to_arrow_reader())
                work.execute("CREATE TEMP TABLE lineage AS SELECT * FROM _stream")
                work.unregister("_stream")
            work.execute(f"SET memory_limit = '{cap}MB'")
            yield work
        finally:
            work.close()


def _names_of(cursor: duckdb.DuckDBPyConnection) -> pa.Table:
    """The keys of every name the warehouse's records give their main subject (``cursor``: a
    connection of its own, as this runs in a thread while the records stream out)."""
    try:
        found = cursor.sql("SELECT DISTINCT name FROM subjects WHERE name <> ''").fetchall()
        return name_table([n for (n,) in found])
    finally:
        cursor.close()


def _features_of(con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection, names: Any, code: str,
                 keep: bool, delta: bool, log: StageLog) -> tuple[pa.Table, pa.Table, int, tuple, Stored | None, str,
                                                                   bool]:
    """features, name_tf, population of ``work``'s lineage: from the stored linkage when ``delta`` and no
    changed record reaches the residue (delta.py), else derived; with (guard, names) to keep when
    ``keep``, what was reused (its scored pairs too), why a ``delta`` linkage derived them, and whether it
    derived them from a diff of the stored linkage (then its tables are written as changes)."""
    rediff = False
    try:
        stored, fallback = reuse_features(con, work, code) if delta else (None, "")
        rediff = stored is None and delta and diffed(work)
    except (duckdb.Error, pa.ArrowException) as err:  # a check that fails decides nothing: link in full
        stored, fallback = None, f"增量检查未完成（{type(err).__name__}）"
    if delta:  # a plain linkage has no such stage
        log.mark("delta check", work, reused=int(stored is not None))
    if stored is not None:
        return (stored.features, stored.name_tf, stored.population,
                (stored.guard, new_names(work, stored.names), stored.addresses), stored, "", False)
    # the name keys: stored by the last linkage (the same code) after a diff, else computed meanwhile; the
    # address index's answers: stored, after a diff, when the places are the same
    known = known_names(con) if rediff else (names.result() if names else None)
    addresses = known_addresses(con, work, code) if rediff else None
    features, name_tf, population = derive_in(work, known, guard=keep,
                                              step=(lambda name: log.step(name, work)) if log.enabled else None,
                                              known_addresses=addresses)
    log.mark("derive features", work, feature_rows=features.num_rows)
    kept = ((work.sql("FROM link_guard").to_arrow_table(), work.sql("FROM names").to_arrow_table(),
             work.sql("FROM read_addresses").to_arrow_table()) if keep else ())
    return features, name_tf, population, kept, None, fallback, rediff


def _outputs(con: duckdb.DuckDBPyConnection, work: duckdb.DuckDBPyConnection, part: Partition, aux: dict,
             delta: bool, log: StageLog) -> tuple[pa.Table, dict[str, int], int]:
    """Build and write the linkage's tables (after a delta linkage only the rows that may differ); the
    explanations, the records per method and the persons written."""
    scoped = delta and scope_in(con, work)
    expl = build_in(work, part, scoped)
    log.mark("build outputs", work)
    if scoped:
        write_changes(con, work, expl, aux)
    else:
        write_tables(con, lambda: work.sql("FROM out_index").to_arrow_reader(),
                     lambda: work.sql("FROM out_persons").to_arrow_reader(), expl, aux)
    log.mark("write tables", work)
    # what was written, read back (after a delta linkage out_index and out_persons hold only a part; else
    # they are views, computed again if read)
    methods = dict(con.sql("SELECT method, count(*) FROM person_index GROUP BY method").fetchall())
    return expl, methods, con.sql("SELECT count(*) FROM persons").fetchall()[0][0]


def link_connection(con: duckdb.DuckDBPyConnection, engine: str = "duckdb", spark: Any = None,
                    spark_master: str | None = None, *, keep: bool = False, delta: bool = False) -> LinkResult:
    """``spark``: a session to use; else, on the spark engine, one on ``spark_master`` for this run.
    ``keep`` (DuckDB): store with the tables what a ``delta`` linkage reads (delta.py); ``delta``: take
    the residue's features from the stored linkage when no changed record can reach them."""
    started = time.perf_counter()
    own_spark = engine == "spark" and spark is None
    keep = keep and engine == "duckdb"
    delta = delta and keep
    fallback, rederived = "", False
    if own_spark:
        spark = spark_session(spark_master)
    log = StageLog(con)
    try:
        # Name keys are Python (~10⁵ names a county): computed in a thread while DuckDB, which
        # releases the GIL, streams the records into the scratch database (not on a delta run: few are read).
        with ThreadPoolExecutor(1) as pool:
            names = None if delta else pool.submit(_names_of, con.cursor())
            with _workspace(con) as work:
                log.mark("stream lineage", work)
                code = code_digest() if keep else ""
                features, name_tf, population, kept, stored, fallback, rederived = _features_of(
                    con, work, names, code, keep, delta, log)
                part, edges = _touched(features, name_tf, population, engine, spark, MATCH_WEIGHT_THRESHOLD,
                                       work, log, stored)
                with replacing(con):
                    aux = (kept_tables(work, features, name_tf, population, edges_table(edges), *kept, code)
                           if keep else {})
                    if keep:
                        write_features(con, aux)
                    del stored, edges
                    # Millions of rows at province scale: not kept while the outputs are built (the features
                    # are in the warehouse now, in the transaction) — and the memory given back (Arrow's
                    # allocator keeps freed pages for reuse, gigabytes here).
                    del features, name_tf
                    pa.default_memory_pool().release_unused()
                    if own_spark:
                        spark.stop()
                        own_spark = False
                    expl, methods, persons = _outputs(con, work, part, aux,
                                                      delta and (not fallback or rederived), log)
    finally:
        log.close()
        if own_spark:
            spark.stop()
    return LinkResult(
        engine=engine,
        records=sum(methods.values()),
        persons=persons,
        records_with_id=methods.get("id", 0),
        records_linked=methods.get("probabilistic", 0),
        records_single=methods.get("single", 0),
        links=expl.num_rows,
        seconds=round(time.perf_counter() - started, 3),
        delta=delta and not fallback,
        fallback=fallback,
        rederived=rederived,
    )


def link(engine: str = "duckdb", *, warehouse: str | Path | None = None, spark: Any = None,
         spark_master: str | None = None) -> LinkResult:
    """Link every stored record of the warehouse (default ``$JIUZHU_HOME/warehouse.duckdb``)."""
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"未知的计算引擎：{engine}（应为 duckdb 或 spark）")
    with connect(Path(warehouse) if warehouse else None) as con:
        return link_connection(con, engine, spark, spark_master)
