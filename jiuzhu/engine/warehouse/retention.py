"""Deleting from the warehouse what is kept no longer (PIPL): superseded snapshots, and one person's
records on a legal request. Counts come back, never names or ID numbers.

A superseded snapshot's `batches` row stays (file name, date, counts: no personal data), so the batch
list still shows the registry's history; its records, rejection rows and linkage rows go.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from jiuzhu.engine.sources import SPECS
from jiuzhu.engine.warehouse.batches import record_batch

# What a delta linkage reads of the last one (linkage/delta.py, written by linkage/store.py): named here, below
# the linkage, because a purge must drop them (they hold a copy of every record's linkage values).
LINKAGE_COPIES = ("linkage_records", "linkage_features", "linkage_name_tf", "linkage_guard", "linkage_names",
                  "linkage_edges", "linkage_addresses", "linkage_delta")
# What a scoped screening reads of the last one (screening/scope.py): every record's person key and 户号 or case
# number with a digest of its values; a purge drops it, and the next screening is full.
SCREENING_STATE = ("screening_state", "screening_rows", "screening_rows_next")
# The linkage digest's sums per batch (linkage/reuse.py): they hold for a batch while its records are the ones
# imported; a purge, which deletes or blanks records, drops them.
BATCH_DIGESTS = "batch_digests"
# person_records as the person search builds it before renaming it (engine/persons.py): left only by a build
# that was killed; a purge drops it.
RECORDS_STAGED = "person_records_next"

SECOND_PERSONS = (("defendant_id_number", "defendant_name"), ("respondent_id_number", "respondent_name"),
                  ("head_id_number", "head_name"))


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}


def superseded_before(con: duckdb.DuckDBPyConnection, cutoff: datetime) -> list[str]:
    """Batches not current whose first newer snapshot (same unit and type) was imported before `cutoff`
    (Asia/Shanghai wall time, as `imported_at`) and that still hold records."""
    rows = con.execute("""
        SELECT b.batch_id FROM batches b JOIN batches n
          ON n.unit = b.unit AND n.source_type = b.source_type AND n.batch_id <> b.batch_id
         AND n.state = 'imported'  -- a held or withdrawn batch supersedes nothing
         AND (n.as_of > b.as_of OR (n.as_of = b.as_of AND (n.imported_at > b.imported_at
              OR (n.imported_at = b.imported_at AND n.batch_id < b.batch_id))))
        WHERE b.batch_id NOT IN (SELECT batch_id FROM current_batches)
          AND (b.rows_taken > 0 OR b.batch_id IN (SELECT batch_id FROM rejections))
        GROUP BY b.batch_id HAVING min(n.imported_at) < ? ORDER BY b.batch_id""", [cutoff]).fetchall()
    return [r[0] for r in rows if _holds_anything(con, r[0])]


def _holds_anything(con: duckdb.DuckDBPyConnection, batch_id: str) -> bool:
    (source_type,) = con.execute("SELECT source_type FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
    held = con.execute(f"SELECT count(*) FROM rec_{source_type} WHERE batch_id = ?", [batch_id]).fetchone()[0]
    rejected = con.execute("SELECT count(*) FROM rejections WHERE batch_id = ?", [batch_id]).fetchone()[0]
    return held > 0 or rejected > 0


def _drop_records(con: duckdb.DuckDBPyConnection, tables: set[str], table: str, where: str,
                  params: list) -> int:
    """Delete the rows of `table` matching `where`, with their linkage rows (person_index,
    link_explanations)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE gone AS SELECT record_id FROM {table} WHERE {where}", params)
    for linked in ("person_index", "person_records"):  # person_records: the person file's copy of the values
        if linked in tables:
            con.execute(f"DELETE FROM {linked} WHERE record_id IN (SELECT record_id FROM gone)")
    if "link_explanations" in tables:
        con.execute("DELETE FROM link_explanations WHERE record_id_l IN (SELECT record_id FROM gone) "
                    "OR record_id_r IN (SELECT record_id FROM gone)")
    n = con.execute(f"DELETE FROM {table} WHERE record_id IN (SELECT record_id FROM gone)").fetchone()[0]
    con.execute("DROP TABLE gone")
    return n


def _holds_batches(con: duckdb.DuckDBPyConnection, tables: set[str], listing: str, copies: tuple[str, ...],
                   batch_ids: list[str]) -> bool:
    """Whether the set of tables ``copies`` holds a record of these batches, read in ``listing``, the one of them
    that names every record the set holds (a record id is batch:sheet:row); without it, whether any is there."""
    if listing not in tables:
        return any(t in tables for t in copies)
    return con.execute(f"SELECT EXISTS (SELECT 1 FROM {listing} "
                       f"WHERE list_contains(?, {record_batch('record_id')}))", [batch_ids]).fetchone()[0]


def purge_batches(con: duckdb.DuckDBPyConnection, batch_ids: list[str]) -> dict[str, int]:
    """Delete the records, rejection rows and linkage rows of these batches, in one transaction."""
    counts = {"batches": len(batch_ids), "records": 0, "rejection_rows": 0}
    if not batch_ids:
        return counts
    tables = _tables(con)
    types = sorted({r[0] for r in con.execute(
        "SELECT DISTINCT source_type FROM batches WHERE list_contains(?, batch_id)", [batch_ids]).fetchall()})
    # The last linkage's copies and the last screening's state hold the records current then: a batch superseded
    # since and not screened again is still in them (values, person keys, case numbers) — then they go, and the
    # next run is full; otherwise they stay (a weekly purge does not make every next run a full one).
    drop = [RECORDS_STAGED, BATCH_DIGESTS]  # a purged batch may be current again after a withdrawal
    for listing, copies in (("linkage_records", LINKAGE_COPIES), ("screening_rows", SCREENING_STATE)):
        if _holds_batches(con, tables, listing, copies, batch_ids):
            drop += copies
    con.execute("BEGIN")
    for table in drop:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    for source_type in types:
        counts["records"] += _drop_records(con, tables, f"rec_{source_type}", "list_contains(?, batch_id)",
                                           [batch_ids])
    counts["rejection_rows"] = con.execute("DELETE FROM rejections WHERE list_contains(?, batch_id)",
                                           [batch_ids]).fetchone()[0]
    con.execute("COMMIT")
    return counts


def purge_person(con: duckdb.DuckDBPyConnection, id_number: str) -> tuple[list[str], dict[str, int]]:
    """Delete every record whose main subject is this person (by ID, and records linked to the same
    person), blank the person where they are the second person on another's row, drop their rejection
    rows and linkage rows, in one transaction. Returns (the person keys found, counts)."""
    tables = _tables(con)
    keys: list[str] = []
    if "persons" in tables:
        keys = [r[0] for r in con.execute("SELECT person_key FROM persons WHERE id_number = ?",
                                          [id_number]).fetchall()]
    linked = keys and "person_index" in tables
    counts = {"records": 0, "second_person_cells": 0, "rejection_rows": 0, "linkage_rows": 0}
    con.execute("BEGIN")
    for spec in SPECS.values():
        table = f"rec_{spec.code}"
        if table not in tables:
            continue
        where = "id_number = ?" + (" OR record_id IN (SELECT record_id FROM person_index "
                                   "WHERE list_contains(?, person_key))" if linked else "")
        params = [id_number] + ([keys] if linked else [])
        counts["records"] += _drop_records(con, tables, table, where, params)
        have = _columns(con, table)
        for id_col, name_col in SECOND_PERSONS:
            if id_col in have:
                sets = ", ".join(f'"{c}" = NULL' for c in (id_col, name_col) if c in have)
                counts["second_person_cells"] += con.execute(
                    f'UPDATE {table} SET {sets} WHERE "{id_col}" = ?', [id_number]).fetchone()[0]
    counts["rejection_rows"] = con.execute(
        "DELETE FROM rejections WHERE contains(upper(value), ?)", [id_number.upper()]).fetchone()[0]
    # The last linkage's copy of every record's values (linkage/delta.py) holds the person's: the next
    # linkage derives everything again; so does the last screening's state (its person keys and case numbers).
    for table in (*LINKAGE_COPIES, *SCREENING_STATE, RECORDS_STAGED, BATCH_DIGESTS):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    # every table linkage and the person search write that is keyed by the person (engine/persons.py)
    for table in ("person_index", "persons", "person_records", "person_search", "person_search_py",
                  "person_search_id"):
        if keys and table in tables:
            counts["linkage_rows"] += con.execute(
                f"DELETE FROM {table} WHERE list_contains(?, person_key)", [keys]).fetchone()[0]
    con.execute("COMMIT")
    return keys, counts
