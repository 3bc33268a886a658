"""Batches as snapshots: ids, the no-op check, writing a batch's records and rejections, listing."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import duckdb

from jiuzhu.engine.sources import SPECS, get_spec
from jiuzhu.engine.warehouse.schema import record_columns

if TYPE_CHECKING:
    import pyarrow as pa

REJECTION_COLUMNS = ("batch_id", "file_name", "sheet", "row", "column", "value", "reason", "kind")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def batch_id(unit: str, source_type: str, sha256: str, generation: int = 0) -> str:
    """``b`` + 12 hex of sha256 over ``unit:source_type:file_sha256``; a file imported again after its batch
    was withdrawn ``generation`` times hashes ``unit:source_type:file_sha256:generation`` instead."""
    text = f"{unit}:{source_type}:{sha256}" + (f":{generation}" if generation else "")
    return "b" + hashlib.sha256(text.encode()).hexdigest()[:12]


Withdrawn = dict[tuple[str, str, str], int]  # (unit, source_type, file_sha256) → withdrawn batches


def withdrawn_counts(con: duckdb.DuckDBPyConnection) -> Withdrawn:
    rows = con.execute("SELECT unit, source_type, file_sha256, count(*) FROM batches "
                       "WHERE state = 'withdrawn' GROUP BY ALL").fetchall()
    return {(u, t, h): n for u, t, h, n in rows}


def existing_batches(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> set[str]:
    ids = list(ids)
    if not ids:
        return set()
    rows = con.execute("SELECT batch_id FROM batches WHERE batch_id IN (SELECT unnest(?))", [ids]).fetchall()
    return {r[0] for r in rows}


def _arrow_type(sql: str) -> pa.DataType:
    # The warehouse's public module stays as light as DuckDB for those who only open, read or migrate the
    # file (jiuzhu init); pyarrow loads with the first batch written.
    # here, not at the top: pyarrow loads only when a batch is written
    import pyarrow as pa

    return {"VARCHAR": pa.string(), "DATE": pa.date32(), "BIGINT": pa.int64(), "INTEGER": pa.int32(),
            "BOOLEAN": pa.bool_()}[sql.split()[0]]


def record_batch(record_id: str) -> str:
    """SQL: the batch of the record whose id is the expression ``record_id``. Intake names a record
    ``batch:sheet:row``, so a stored record's batch is read off its id, without a join with its ``rec_<type>``."""
    return f"split_part({record_id}, ':', 1)"


def records_table(source_type: str, records: list[dict], columns: dict[str, list] | None = None) -> pa.Table:
    """Records (dicts keyed by column name; missing keys are NULL) as an Arrow table of ``rec_<type>``'s
    columns; ``columns``: whole columns given as lists (or Arrow arrays of the column's type) instead (e.g.
    the lineage, the same for every record)."""
    # here, not at the top: pyarrow loads only when a batch is written (see _arrow_type)
    import pyarrow as pa

    given = columns or {}
    cols = record_columns(get_spec(source_type))
    # The records' columns in one conversion of the dicts to a struct (Arrow's C++ reads each dict, a
    # missing key is NULL): a list per column built in Python cost as much again as the conversion.
    fields = [pa.field(name, _arrow_type(sql)) for name, sql in cols if name not in given]
    try:
        converted = dict(zip([f.name for f in fields],
                             pa.array(records, type=pa.struct(fields)).flatten(), strict=True))
    except (pa.ArrowException, TypeError, ValueError, OverflowError):
        converted = {}  # a value Arrow refuses: column by column below, which raises the same error
    return pa.table({name: converted[name] if name in converted else
                     given[name] if isinstance(given.get(name), pa.Array) else
                     pa.array(given[name] if name in given else [r.get(name) for r in records],
                              type=_arrow_type(sql)) for name, sql in cols})


def insert_table(con: duckdb.DuckDBPyConnection, source_type: str, table: pa.Table) -> None:
    """Append an Arrow table of ``records_table``'s shape to ``rec_<type>``."""
    # Read by DuckDB's replacement scan of this local name, not `con.register`: a registered table is a view
    # in the catalog, and inside a transaction DuckDB keeps a dropped view (and the Arrow table it holds) until
    # the commit — every chunk of the file, ≈ 0.4 KB a row, outside its memory cap.
    incoming_records = table  # noqa: F841 — read by name in the SQL
    con.execute(f"INSERT INTO rec_{source_type} BY NAME SELECT * FROM incoming_records")


# A staging table of releases before schema version 2 (a file's records, committed chunk by chunk, then moved
# into rec_<type>); one a killed import of such a release left is dropped by the next import.
STAGING_PREFIX = "stage_"


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Every staging table an import of an older release left behind (one writing process at a time: any
    found is not in use)."""
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                       "WHERE starts_with(table_name, ?)", [STAGING_PREFIX]).fetchall()]
    for name in names:
        con.execute(f"DROP TABLE IF EXISTS {name}")


def append_rejections(con: duckdb.DuckDBPyConnection, batches: Iterable) -> None:
    """Inside the file's transaction: a batch's rejections (Arrow record ``batches`` of ``rejections``'
    columns) appended in their order."""
    _append_batches(con, "rejections", batches)


def leave_out(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable, *, batch: str) -> None:
    """The records of batch ``batch`` at ``rows`` (Arrow record batches of ``sheet``, ``row``) out of
    ``table``; the others keep their order."""
    name = f"{STAGING_PREFIX}{batch}_left_out"
    con.execute(f'CREATE OR REPLACE TEMP TABLE {name} (sheet VARCHAR, "row" INTEGER)')
    try:
        if _append_batches(con, name, rows):
            con.execute(f'DELETE FROM {table} USING {name} WHERE {table}.batch_id = ? '
                        f'AND {table}.sheet = {name}.sheet AND {table}."row" = {name}."row"', [batch])
    finally:
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _append_batches(con: duckdb.DuckDBPyConnection, into: str, batches: Iterable) -> int:
    """Arrow record ``batches`` appended to table ``into``, one statement each; rows appended."""
    # here, not at the top: pyarrow loads only when a batch is written (see _arrow_type)
    import pyarrow as pa

    n = 0
    for batch in batches:
        if not batch.num_rows:
            continue
        incoming_rows = pa.Table.from_batches([batch])  # noqa: F841 — read by name (see insert_table)
        con.execute(f"INSERT INTO {into} SELECT * FROM incoming_rows")
        n += batch.num_rows
    return n


@dataclass
class BatchRow:
    batch_id: str
    unit: str
    source_type: str
    as_of: date
    file_name: str
    file_sha256: str
    sheets: str
    skipped_sheets: str
    rows_taken: int
    rows_rejected: int
    rows_flagged: int
    rows_duplicate: int
    imported_at: datetime
    imported_by: str
    state: str = "imported"  # imported | held | withdrawn
    state_reason: str | None = None


def insert_batch(con: duckdb.DuckDBPyConnection, b: BatchRow) -> None:
    con.execute(
        "INSERT INTO batches (batch_id, unit, source_type, as_of, file_name, file_sha256, sheets, "
        "skipped_sheets, rows_taken, rows_rejected, rows_flagged, rows_duplicate, imported_at, imported_by, "
        "state, state_reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [b.batch_id, b.unit, b.source_type, b.as_of, b.file_name, b.file_sha256, b.sheets, b.skipped_sheets,
         b.rows_taken, b.rows_rejected, b.rows_flagged, b.rows_duplicate, b.imported_at, b.imported_by,
         b.state, b.state_reason],
    )


def current_snapshot(con: duckdb.DuckDBPyConnection, unit: str,
                     source_type: str) -> tuple[str, int, date] | None:
    """``(batch_id, rows_taken, as_of)`` of the registry's current snapshot, or None."""
    rows = con.execute("SELECT batch_id, rows_taken, as_of FROM current_batches "
                       "WHERE unit = ? AND source_type = ?",
                       [unit, source_type]).fetchall()  # fetched whole: the connection goes on writing
    return rows[0] if rows else None


def hold_below() -> float:
    """A new snapshot with fewer rows than this share of the current one is held (``JIUZHU_HOLD_BELOW``)."""
    try:
        return float(os.environ.get("JIUZHU_HOLD_BELOW", "") or 0.5)
    except ValueError:
        return 0.5


class BatchStateError(Exception):  # noqa: N818 — a user-facing condition
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(zh)
        self.zh, self.en = zh, en


STATE_NAMES = {"imported": "已导入", "held": "待确认", "withdrawn": "已撤回"}


def _batch(con: duckdb.DuckDBPyConnection, bid: str) -> dict:
    cur = con.execute("SELECT * FROM batches WHERE batch_id = ?", [bid])
    rows = cur.fetchall()
    if not rows:
        raise BatchStateError(f"没有这个批次：{bid}", f"no such batch: {bid}")
    return dict(zip([d[0] for d in cur.description], rows[0], strict=True))


def _set_state(con: duckdb.DuckDBPyConnection, bid: str, state: str, reason: str | None, by: str) -> None:
    con.execute("UPDATE batches SET state = ?, state_reason = ?, state_changed_at = ?, state_changed_by = ? "
                "WHERE batch_id = ?", [state, reason, _now(), by, bid])


def _now() -> datetime:
    return datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)


def confirm(con: duckdb.DuckDBPyConnection, bid: str, *, by: str) -> dict:
    """A held batch becomes an imported one (the current snapshot when it is the newest). Returns it as it
    was."""
    before = _batch(con, bid)
    if before["state"] != "held":
        state = STATE_NAMES.get(before["state"], before["state"])
        raise BatchStateError(f"批次 {bid} 不是待确认状态（{state}），无需确认",
                              f"batch {bid} is not held ({before['state']})")
    _set_state(con, bid, "imported", None, by)
    return before


def withdraw(con: duckdb.DuckDBPyConnection, bid: str, *, reason: str, by: str) -> dict:
    """Take a batch back: no longer current (the snapshot it replaced is again), kept for history; the same
    file imports again as a new batch. Returns it as it was."""
    if not reason.strip():
        raise BatchStateError("撤回需要写明原因", "a withdrawal needs a reason")
    before = _batch(con, bid)
    if before["state"] == "withdrawn":
        raise BatchStateError(f"批次 {bid} 已经撤回", f"batch {bid} is withdrawn already")
    _set_state(con, bid, "withdrawn", reason.strip(), by)
    return before


def list_batches(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every batch, newest first, with ``current`` telling whether it is its registry's snapshot and
    ``pseudonymised`` whether its file came from `jiuzhu pseudonymize`."""
    cur = con.execute(
        "SELECT b.*, b.batch_id IN (SELECT batch_id FROM current_batches) AS current FROM batches b "
        "ORDER BY b.imported_at DESC, b.batch_id")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    for row in rows:
        row["pseudonymised"] = is_pseudonymised(con, row["batch_id"], row["source_type"])
    return rows


def is_pseudonymised(con: duckdb.DuckDBPyConnection, batch_id: str, source_type: str) -> bool:
    """A pseudonymised file holds pseudonyms in every usable ID cell (`P…`, never a real ID's first
    character), so one of its valid IDs tells."""
    if source_type not in SPECS:
        return False
    try:
        found = con.execute(f"SELECT id_number FROM rec_{source_type} "
                            "WHERE batch_id = ? AND id_status = 'valid' LIMIT 1", [batch_id]).fetchone()
    except duckdb.CatalogException:  # no records of the type stored yet
        return False
    return bool(found) and found[0].startswith("P")


def rejections(con: duckdb.DuckDBPyConnection, *, batch: str | None = None,
               current_only: bool = True) -> list[tuple]:
    """``(file, sheet, row, column, value, reason, kind)`` in file and row order."""
    where, params = [], []
    if batch:
        where.append("batch_id = ?")
        params.append(batch)
    if current_only and not batch:
        where.append("batch_id IN (SELECT batch_id FROM current_batches)")
    sql = ('SELECT file_name, sheet, "row", "column", value, reason, kind FROM rejections'
           + (" WHERE " + " AND ".join(where) if where else "")
           + ' ORDER BY file_name, batch_id, sheet, "row", "column"')
    return con.execute(sql, params).fetchall()
