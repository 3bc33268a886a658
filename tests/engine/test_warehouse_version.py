"""The warehouse carries a schema version: new files are born current; an unversioned (older) file is
migrated forward by `migrate_warehouse`; a file from a newer release is refused."""

from __future__ import annotations

import duckdb
import pytest

from jiuzhu.engine.warehouse.schema import SCHEMA_VERSION
from jiuzhu.engine.warehouse.store import connect
from jiuzhu.engine.warehouse.version import WarehouseTooNew, migrate_warehouse, schema_version


def test_new_file_is_current(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        assert schema_version(con) == SCHEMA_VERSION
    assert migrate_warehouse(tmp_path / "w.duckdb") == (SCHEMA_VERSION, SCHEMA_VERSION)


def test_unversioned_file_migrates_forward_once(tmp_path):
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        con.execute("DROP TABLE schema_version")  # as a file made before versions were kept
    with connect(path) as con:  # an ordinary connection does not stamp an old file
        assert schema_version(con) == 0
    assert migrate_warehouse(path) == (0, SCHEMA_VERSION)
    assert migrate_warehouse(path) == (SCHEMA_VERSION, SCHEMA_VERSION)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_file_is_refused(tmp_path):
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        con.execute("INSERT INTO schema_version VALUES (?)", [SCHEMA_VERSION + 1])
    with pytest.raises(WarehouseTooNew):
        migrate_warehouse(path)
