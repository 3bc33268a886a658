"""The warehouse's schema version, migrated forward by `jiuzhu init` (never backward).

`ensure_schema` already adds tables and columns a newer release knows; STEPS holds the changes it
cannot make by itself (a rename, a rewrite of values), keyed by the version they bring the file to.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from jiuzhu.engine.warehouse.schema import SCHEMA_VERSION
from jiuzhu.engine.warehouse.store import connect


class WarehouseTooNew(Exception):  # noqa: N818
    """The file was written by a newer release than this one."""


def _nothing(con: duckdb.DuckDBPyConnection) -> None:
    pass


def keyed_record_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The ``rec_<type>`` tables that still carry a primary key (a file made before version 2)."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
        "AND starts_with(table_name, 'rec_') ORDER BY table_name").fetchall()]


def _drop_record_keys(con: duckdb.DuckDBPyConnection) -> None:
    """``rec_<type>`` without its ``record_id`` key (schema.LINEAGE says why). DuckDB cannot drop a
    constraint, so each keyed table is copied (its columns, their order and types, and its rows in their
    order) and takes the old one's name; its views (``cur_<type>``, ``subjects``) name it, so they read the
    copy. Inside `migrate_warehouse`'s transaction: a failure or a kill leaves the keyed file as it was. Needs
    the disk of the largest table once more until the next checkpoint."""
    for table in keyed_record_tables(con):
        copy = f"{table}__v2"
        con.execute(f"DROP TABLE IF EXISTS {copy}")
        con.execute(f"CREATE TABLE {copy} AS SELECT * FROM {table}")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE {copy} RENAME TO {table}")


# 1: versions are kept; the layout of release 44b473a plus what ensure_schema adds.
# 2: rec_<type> without the primary key on record_id.
STEPS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {1: _nothing, 2: _drop_record_keys}
assert sorted(STEPS) == list(range(1, SCHEMA_VERSION + 1))


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate_warehouse(path: Path | None = None) -> tuple[int, int]:
    """Bring the warehouse file to SCHEMA_VERSION in one transaction; returns (from, to)."""
    with connect(path) as con:  # a write connection: ensure_schema has run
        have = schema_version(con)
        if have > SCHEMA_VERSION:
            raise WarehouseTooNew(have)
        if have < SCHEMA_VERSION:
            con.execute("BEGIN")
            for version in range(have + 1, SCHEMA_VERSION + 1):
                STEPS[version](con)
                con.execute("INSERT INTO schema_version VALUES (?)", [version])
            con.execute("COMMIT")
        return have, SCHEMA_VERSION
