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


# 1: versions are kept; the layout of release 44b473a plus what ensure_schema adds.
STEPS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {1: _nothing}
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
