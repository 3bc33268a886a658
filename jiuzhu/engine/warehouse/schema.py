"""The warehouse tables and views of docs/architecture.md, generated from the source-type specs.

The warehouse reads the specs (``jiuzhu.engine.sources``), never intake: intake writes into the
warehouse, so the dependency runs from intake to the warehouse and not back."""

from __future__ import annotations

import duckdb

from jiuzhu.engine.sources import PERSON_FIELDS, SPECS, SQL_TYPES, SourceSpec

# ``record_id`` is unique without a key (since schema version 2): intake names a record ``batch:sheet:row``,
# one row of one sheet of one batch, and a batch is stored once (``batches``' key, checked in the file's own
# transaction). A key on it cost memory that grew with the file inside that transaction (DuckDB holds a
# table's key index in memory; docs/performance.md "Sixth session of 2026-12-08") and guarded nothing.
LINEAGE = (("record_id", "VARCHAR"), ("batch_id", "VARCHAR"), ("source_type", "VARCHAR"),
           ("file_name", "VARCHAR"), ("sheet", "VARCHAR"), ("row", "INTEGER"), ("id_status", "VARCHAR"),
           ("id_raw", "VARCHAR"))
PERSON_COLUMNS = (("name", "VARCHAR"), ("id_number", "VARCHAR"), ("sex", "VARCHAR"), ("birth_date", "DATE"),
                  ("phone", "VARCHAR"), ("township", "VARCHAR"), ("village", "VARCHAR"),
                  ("address", "VARCHAR"), ("name_masked", "BOOLEAN"))
assert tuple(c for c, _ in PERSON_COLUMNS[:-1]) == PERSON_FIELDS

BATCHES = """
CREATE TABLE IF NOT EXISTS batches (
    batch_id VARCHAR PRIMARY KEY,
    unit VARCHAR NOT NULL,
    source_type VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    sheets VARCHAR,
    skipped_sheets VARCHAR,
    rows_taken INTEGER,
    rows_rejected INTEGER,
    rows_flagged INTEGER,
    rows_duplicate INTEGER,
    imported_at TIMESTAMP,
    imported_by VARCHAR,
    state VARCHAR DEFAULT 'imported',
    state_reason VARCHAR,
    state_changed_at TIMESTAMP,
    state_changed_by VARCHAR
)"""
# Columns a warehouse made before they existed gains (old batches are 'imported').
BATCH_STATE_COLUMNS = (("state", "VARCHAR DEFAULT 'imported'"), ("state_reason", "VARCHAR"),
                       ("state_changed_at", "TIMESTAMP"), ("state_changed_by", "VARCHAR"))

REJECTIONS = """
CREATE TABLE IF NOT EXISTS rejections (
    batch_id VARCHAR NOT NULL,
    file_name VARCHAR,
    sheet VARCHAR,
    "row" INTEGER,
    "column" VARCHAR,
    value VARCHAR,
    reason VARCHAR,
    kind VARCHAR
)"""

# Per unit and source type the newest imported batch (the first by as_of, imported_at, then batch_id, a
# key: one per group). An ordered aggregate rather than a window (QUALIFY row_number() = 1), which costs a
# page reading a person's file ≈ 2.5 ms of CPU however few the batches; the same rows.
CURRENT_BATCHES = """
CREATE OR REPLACE VIEW current_batches AS
SELECT * FROM batches WHERE batch_id IN (
    SELECT first(batch_id ORDER BY as_of DESC, imported_at DESC, batch_id) FROM batches
    WHERE state = 'imported' GROUP BY unit, source_type)"""


def record_columns(spec: SourceSpec) -> list[tuple[str, str]]:
    """Columns of ``rec_<type>``: lineage, the main subject (§2), the type's fields, ``extra``."""
    type_cols = [(f.name, SQL_TYPES[f.kind]) for f in spec.type_fields]
    return [*LINEAGE, *PERSON_COLUMNS, *type_cols, ("extra", "VARCHAR")]


def _quote(name: str) -> str:
    return f'"{name}"'


# The warehouse's layout version (jiuzhu/engine/warehouse/version.py migrates older files forward in
# `jiuzhu init`). A file made before versions were kept has no schema_version table: version 0.
SCHEMA_VERSION = 2
SCHEMA_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing; add columns a spec gained since the file was made. Idempotent."""
    fresh = not con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = 'batches'").fetchone()[0]
    con.execute(SCHEMA_VERSION_TABLE)
    if fresh:  # a new file is born at the current version; an old one is stamped by `jiuzhu init`
        con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION])
    con.execute(BATCHES)
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'batches'").fetchall()}
    for c, t in BATCH_STATE_COLUMNS:
        if c not in have:
            con.execute(f"ALTER TABLE batches ADD COLUMN {c} {t}")
    con.execute(REJECTIONS)
    con.execute(CURRENT_BATCHES)
    for spec in SPECS.values():
        table = f"rec_{spec.code}"
        cols = record_columns(spec)
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{_quote(c)} {t}' for c, t in cols)})")
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
        for c, t in cols:
            if c not in have:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {_quote(c)} {t}")
        con.execute(f"CREATE OR REPLACE VIEW cur_{spec.code} AS SELECT r.* FROM {table} r "
                    f"WHERE r.batch_id IN (SELECT batch_id FROM current_batches)")
    common = ", ".join(_quote(c) for c, _ in (*LINEAGE, *PERSON_COLUMNS) if c != "id_raw")
    union = " UNION ALL ".join(f"SELECT {common} FROM cur_{code}" for code in SPECS)
    con.execute(f"CREATE OR REPLACE VIEW subjects AS {union}")
