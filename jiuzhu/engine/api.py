"""The engine → app seam (docs/architecture.md): plain records in and out, no Django."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jiuzhu.engine.home import warehouse_path
from jiuzhu.engine.intake import CSV_HEADER as REJECTION_CSV_HEADER
from jiuzhu.engine.intake import BatchResult, Progress, import_paths
from jiuzhu.engine.linkage import (
    NAMES,
    LinkResult,
    StageLog,
    inputs_digest,
    last_linkage,
    link_connection,
    person_key,
    remember,
    spark_session,
    trim_heap,
)
from jiuzhu.engine.linkage import memory_limit_mb as link_memory_mb
from jiuzhu.engine.persons import (
    PersonFile,
    PersonHit,
    WarehouseUnavailable,
    build_search,
    index_person_records,
    parse_query,
    person_file,
    update_search,
)
from jiuzhu.engine.persons import search as search_persons
from jiuzhu.engine.screening import ClueFinding, RuleError, RuleSetting, ScreenResult, screen
from jiuzhu.engine.screening import builtin_definitions as rule_definitions
from jiuzhu.engine.screening import check_setting as check_rule_setting
from jiuzhu.engine.sources import SPECS
from jiuzhu.engine.units import UNIT_NAMES
from jiuzhu.engine.warehouse import SCHEMA_VERSION as WAREHOUSE_SCHEMA_VERSION
from jiuzhu.engine.warehouse import STATE_NAMES as BATCH_STATE_NAMES
from jiuzhu.engine.warehouse import (
    BatchStateError,
    WarehouseBusy,
    batch_id,
    confirm,
    connect,
    file_sha256,
    list_batches,
    purge_batches,
    purge_person,
    rejections,
    settings,
    superseded_before,
    withdraw,
    without_vacuum,
)
from jiuzhu.engine.warehouse import file_version as warehouse_version

__all__ = ["BATCH_STATE_NAMES", "REJECTION_CSV_HEADER", "WAREHOUSE_SCHEMA_VERSION", "BatchResult", "BatchStateError",
           "ClueFinding", "PersonFile", "PersonHit", "RuleError", "RuleSetting", "ScreenResult", "StageLog",
           "WarehouseBusy", "WarehouseUnavailable", "batch_rejection_rows", "build_person_search",
           "check_rule_setting", "confirm_batch", "copy_warehouse", "file_batch_id", "ingest", "link", "parse_query",
           "person_file", "person_key_for_id", "person_keys_in_warehouse", "purge_person_records", "purge_superseded",
           "rule_definitions", "screen", "search_persons", "source_title", "sources_of_unit", "spark_session",
           "superseded_batches", "unit_name", "warehouse_batch", "warehouse_batches", "warehouse_counts",
           "warehouse_is_duckdb", "warehouse_version", "withdraw_batch"]


def person_key_for_id(id_number: str) -> str:
    """The person key linkage gives a person with this valid ID (a hand-entered clue joins the same
    person)."""
    return person_key(id_number)


def build_person_search(warehouse: str | Path | None = None) -> int:
    """Rewrite the search table (names with pinyin) from the current linkage; `link` does this itself."""
    with connect(Path(warehouse) if warehouse else None) as con:
        return build_search(con)


def source_title(code: str) -> str:
    """A source type's Chinese name (``dibao`` → its spec title); an unknown code is shown as it is."""
    spec = SPECS.get(code)
    return spec.title if spec is not None else code


def sources_of_unit(unit_code: str) -> list[str]:
    """The source types a unit sends by default (sources.md §3: 民政 → dibao, tekun, …)."""
    return [code for code, spec in SPECS.items() if spec.unit == unit_code]


def unit_name(code: str) -> str:
    """A unit kind's Chinese name (``civil_affairs`` → ``民政局``); an unknown code is shown as it is."""
    return UNIT_NAMES.get(code, code)


def ingest(
    paths: Iterable[str | Path],
    *,
    source: str | None = None,
    unit: str | None = None,
    as_of: date | None = None,
    sheet: str | None = None,
    allow_empty: bool = False,
    imported_by: str = "cli",
    progress: Progress | None = None,
    jobs: int | None = None,
    bounded: bool = False,
) -> list[BatchResult]:
    """Import files (or every file in a folder) as batches; one result per batch or per failed file.

    ``jobs``: processes reading files side by side (default one per core, at most one per file; 1 = serial).
    The outcome is the same for any value. ``bounded``: read each file in a process with memory and time
    limits (docs/intake.md "Limits"), as `jiuzhu ingest` and uploads do."""
    return import_paths([Path(p) for p in paths], source=source, unit=unit, as_of=as_of, sheet=sheet,
                        allow_empty=allow_empty, imported_by=imported_by, progress=progress, jobs=jobs,
                        bounded=bounded)


def confirm_batch(batch_id: str, *, by: str = "cli") -> dict:
    """Make a held batch (a snapshot far smaller than the current one) imported, so current when newest.
    Returns the batch as it was; ``BatchStateError`` (zh/en) when it is not held or unknown."""
    with connect() as con:
        return confirm(con, batch_id, by=by)


def withdraw_batch(batch_id: str, *, reason: str, by: str = "cli") -> dict:
    """Take back a batch: not current any more (the snapshot it replaced is again), the same file imports
    again. Returns the batch as it was; ``BatchStateError`` (zh/en) when withdrawn already or unknown."""
    with connect() as con:
        return withdraw(con, batch_id, reason=reason, by=by)


def link(engine: str = "duckdb", *, spark: Any = None, spark_master: str | None = None,
         incremental: bool = False, remember_inputs: bool | None = None) -> LinkResult:
    """Records → persons (person_index, persons, link_explanations): exact on valid IDs, Splink on the rest.

    On the spark engine: ``spark`` a session to use, else one on ``spark_master`` (default ``local[*]``).
    ``incremental`` (DuckDB): keep the stored linkage when it read exactly the records, code and region of
    now (linkage/reuse.py; ``reused`` in the result); else, when no changed record can reach the records
    without ID, link from the stored residue's features (linkage/delta.py; ``delta``); else, when the stored
    linkage could be diffed, derive the features again and write the tables as changes (``rederived``); else
    link in full.
    ``remember_inputs`` (default: ``incremental``): store what this linkage read, so that the next
    incremental one can keep it."""
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"未知的计算引擎：{engine}（应为 duckdb 或 spark）")
    remember_inputs = incremental if remember_inputs is None else remember_inputs
    # One connection throughout: no import can slip in between the digest and the tables it vouches for.
    with connect() as con:
        log = StageLog(con)  # part= lines: the digest and the search, around the linkage's own stages
        # under the linkage's cap: at DuckDB's default (80 % of the machine) the digest's joins over a province's
        # 49 M records took the process to 15.1 GB, its peak (docs/performance.md, fourth session)
        with settings(con, memory_limit=f"{link_memory_mb()}MB"):
            digest = inputs_digest(con, engine) if remember_inputs and engine == "duckdb" else None
        log.mark("inputs digest", con, kind="part")
        log.close()
        last = last_linkage(con, digest) if digest and incremental else None
        if last is not None:
            index_person_records(con)  # a warehouse linked before the index was written with its table
            return LinkResult(**{**last, "seconds": 0.0, "reused": True, "delta": False, "fallback": "",
                                 "rederived": False})
        keep = bool(digest)
        # a delta linkage and the search update write a few thousand rows into tables of every record
        with without_vacuum(con) if keep and incremental else nullcontext():
            result = link_connection(con, engine, spark, spark_master, keep=keep, delta=keep and incremental)
            trim_heap()  # the linkage's features, let go, before the search and the screening
            log = StageLog(con)  # the linkage's own log wrote its stages: time the search from here
            # the pinyin of every name, as this linkage computed it (linkage/delta.py); after a delta linkage
            # (features reused or derived again) only the persons it changed are rewritten
            # under the linkage's cap, not DuckDB's default of 80 % of the machine (a province's search spills)
            with settings(con, memory_limit=f"{link_memory_mb()}MB"):
                if not ((result.delta or result.rederived) and update_search(con, pinyin_of=NAMES) is not None):
                    build_search(con, pinyin_of=NAMES if keep else None, step=lambda name: log.step(name, con))
            log.mark("person search", con, kind="part")
            log.close()
            if digest:
                remember(con, digest, result)
    return result



# The warehouse as the app's batch pages and operations see it (backup, /healthz, retention): the app
# opens the file only through these.

def warehouse_batches(*, wait_seconds: float | None = None) -> list[dict]:
    """Every batch, newest first, with ``current`` and ``pseudonymised`` (``[]`` while nothing was imported);
    read only, ``WarehouseBusy`` when a writer holds the file longer than ``wait_seconds``."""
    if not warehouse_path().exists():
        return []
    with connect(read_only=True, wait_seconds=wait_seconds) as con:
        return list_batches(con)


def warehouse_batch(bid: str) -> dict | None:
    """One batch as `warehouse_batches` lists it; None when unknown."""
    return next((b for b in warehouse_batches() if b["batch_id"] == bid), None)


def batch_rejection_rows(bid: str) -> list[tuple]:
    """A batch's problem rows, current or not: ``(file, sheet, row, column, value, reason, kind)`` in file
    and row order; the first six are a line of `REJECTION_CSV_HEADER`."""
    with connect(read_only=True) as con:
        return rejections(con, batch=bid, current_only=False)


def file_batch_id(unit: str, source_type: str, path: Path) -> str:
    """The id the file's batch gets when it is imported the first time (docs/architecture.md "batches")."""
    return batch_id(unit, source_type, file_sha256(path))


DUCKDB_MAGIC = b"DUCK"


def warehouse_is_duckdb(path: Path) -> bool:
    """Whether the file starts as a DuckDB file does (an 8-byte checksum, then the magic): cheap enough for
    every probe, it tells a file overwritten or truncated at once. ``OSError`` when it cannot be read
    (``FileNotFoundError`` before the first import)."""
    with path.open("rb") as f:
        return f.read(12)[8:] == DUCKDB_MAGIC


def warehouse_counts(path: Path | None = None, *, wait_seconds: float | None = None) -> tuple[int, int]:
    """(batches, schema version) of the warehouse, opened read only; the version is 0 for a file of the
    release before versions were kept. ``WarehouseBusy`` when a writer holds it past ``wait_seconds``."""
    with connect(path, read_only=True, wait_seconds=wait_seconds) as con:
        batches = con.execute("SELECT count(*) FROM batches").fetchone()[0]
        versioned = con.execute("SELECT count(*) FROM information_schema.tables "
                                "WHERE table_name = 'schema_version'").fetchone()[0]
        version = con.execute("SELECT max(version) FROM schema_version").fetchone()[0] if versioned else 0
    return batches, version or 0


def copy_warehouse(src: Path, dst: Path, *, wait_seconds: float | None = None) -> Path:
    """A consistent copy of the warehouse file ``src`` into the new file ``dst``."""
    # A read-only connection: readers go on, an import waits (or is waited for) — the copy is one
    # read transaction of DuckDB's own, so an import is in it whole or not at all.
    with connect(src, read_only=True, wait_seconds=wait_seconds) as con:
        name = con.execute("SELECT current_database()").fetchone()[0]
        con.execute(f"ATTACH '{dst}' AS backup_copy (READ_WRITE)")
        con.execute(f'COPY FROM DATABASE "{name}" TO backup_copy')
        con.execute("DETACH backup_copy")
    return dst


def superseded_batches(cutoff: datetime) -> list[str]:
    """Batches superseded before ``cutoff`` (Asia/Shanghai wall time, naive) that still hold records
    (docs/retention.md); ``[]`` while nothing was imported."""
    if not warehouse_path().exists():
        return []
    with connect(read_only=True) as con:
        return superseded_before(con, cutoff)


def purge_superseded(batch_ids: list[str]) -> dict[str, int]:
    """Delete the records, rejection rows and linkage rows of these superseded batches; counts back."""
    with connect() as con:
        return purge_batches(con, batch_ids)


def person_keys_in_warehouse(id_number: str) -> list[str]:
    """The person keys linkage gave a normalised ID number (``[]`` before the first import or linkage)."""
    if not warehouse_path().exists():
        return []
    with connect(read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "persons" not in tables:
            return []
        return [r[0] for r in con.execute("SELECT person_key FROM persons WHERE id_number = ?",
                                          [id_number]).fetchall()]


def purge_person_records(id_number: str) -> dict[str, int]:
    """Delete one person's records (a normalised ID number) and their linkage rows, on a legal request
    (docs/retention.md); counts back, ``{}`` while nothing was imported."""
    if not warehouse_path().exists():
        return {}
    with connect() as con:
        return purge_person(con, id_number)[1]
