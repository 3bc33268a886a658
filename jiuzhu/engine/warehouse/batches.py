"""Batches as snapshots: ids, the no-op check, writing a batch's records and rejections, listing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from jiuzhu.engine.intake.specs import get_spec
from jiuzhu.engine.warehouse.schema import record_columns

_ARROW = {"VARCHAR": pa.string(), "DATE": pa.date32(), "BIGINT": pa.int64(), "INTEGER": pa.int32(),
          "BOOLEAN": pa.bool_()}
REJECTION_COLUMNS = ("batch_id", "file_name", "sheet", "row", "column", "value", "reason", "kind")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def batch_id(unit: str, source_type: str, sha256: str) -> str:
    """``b`` + 12 hex of sha256 over ``unit:source_type:file_sha256``."""
    return "b" + hashlib.sha256(f"{unit}:{source_type}:{sha256}".encode()).hexdigest()[:12]


def existing_batches(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> set[str]:
    ids = list(ids)
    if not ids:
        return set()
    rows = con.execute("SELECT batch_id FROM batches WHERE batch_id IN (SELECT unnest(?))", [ids]).fetchall()
    return {r[0] for r in rows}


def _arrow_type(sql: str) -> pa.DataType:
    return _ARROW[sql.split()[0]]


def records_table(source_type: str, records: list[dict], columns: dict[str, list] | None = None) -> pa.Table:
    """Records (dicts keyed by column name; missing keys are NULL) as an Arrow table of ``rec_<type>``'s columns;
    ``columns``: whole columns given as lists instead (e.g. the lineage, the same for every record)."""
    given = columns or {}
    cols = record_columns(get_spec(source_type))
    return pa.table({name: pa.array(given[name] if name in given else [r.get(name) for r in records],
                                    type=_arrow_type(sql)) for name, sql in cols})


def insert_table(con: duckdb.DuckDBPyConnection, source_type: str, table: pa.Table) -> None:
    """Append an Arrow table of ``records_table``'s shape to ``rec_<type>``."""
    con.register("incoming_records", table)
    try:
        con.execute(f"INSERT INTO rec_{source_type} BY NAME SELECT * FROM incoming_records")
    finally:
        con.unregister("incoming_records")


def insert_rejections(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Rows in the order of ``REJECTION_COLUMNS``."""
    if not rows:
        return
    types = [pa.string(), pa.string(), pa.string(), pa.int32(), pa.string(), pa.string(), pa.string(), pa.string()]
    table = pa.table({c: pa.array([r[i] for r in rows], type=t) for i, (c, t) in enumerate(zip(REJECTION_COLUMNS, types,
                                                                                             strict=True))})
    con.register("incoming_rejections", table)
    try:
        con.execute("INSERT INTO rejections BY NAME SELECT * FROM incoming_rejections")
    finally:
        con.unregister("incoming_rejections")


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


def insert_batch(con: duckdb.DuckDBPyConnection, b: BatchRow) -> None:
    con.execute(
        "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [b.batch_id, b.unit, b.source_type, b.as_of, b.file_name, b.file_sha256, b.sheets, b.skipped_sheets,
         b.rows_taken, b.rows_rejected, b.rows_flagged, b.rows_duplicate, b.imported_at, b.imported_by],
    )


def list_batches(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every batch, newest first, with ``current`` telling whether it is its registry's snapshot."""
    cur = con.execute(
        "SELECT b.*, b.batch_id IN (SELECT batch_id FROM current_batches) AS current FROM batches b "
        "ORDER BY b.imported_at DESC, b.batch_id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def rejections(con: duckdb.DuckDBPyConnection, *, batch: str | None = None, current_only: bool = True) -> list[tuple]:
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
