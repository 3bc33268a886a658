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


# Version 2: rec_<type> without the primary key on record_id (schema.LINEAGE says why).

def _old_warehouse(home, tmp_path, monkeypatch) -> None:
    """A warehouse as the schema of version 1 made it (rec_<type> keyed on record_id), holding two
    registries' batches and a duplicate row (reported, not stored)."""
    from jiuzhu.engine import api
    from jiuzhu.engine.warehouse import schema

    from .intake.helpers import ids, write_csv

    keyed = tuple((c, "VARCHAR PRIMARY KEY" if c == "record_id" else t) for c, t in schema.LINEAGE)
    with monkeypatch.context() as old:
        old.setattr(schema, "LINEAGE", keyed)
        old.setattr(schema, "SCHEMA_VERSION", 1)
        people = ids(6)
        rows = [[f"H{i // 2}", f"人{i}", pid, "户主", "正常", "均溪镇", "第1村"] for i, pid in enumerate(people)]
        header = ["户号", "姓名", "身份证号", "与户主关系", "人员状态", "乡镇", "村(社区)"]
        write_csv(tmp_path / "户籍人口.csv", [header, *rows, rows[0]])
        write_csv(tmp_path / "特困供养人员名册.csv", [["姓名", "身份证号", "乡镇"],
                                               *[[f"人{i}", pid, "均溪镇"] for i, pid in enumerate(people[:3])]])
        results = [*api.ingest([tmp_path / "户籍人口.csv"], jobs=1),
                   *api.ingest([tmp_path / "特困供养人员名册.csv"], source="tekun", jobs=1)]
        assert [r.status for r in results] == ["imported", "imported"], [r.message_en for r in results]


def _layout(con) -> dict:
    """Each record table's columns (name, type, nullable, in order) and rows (in stored order)."""
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                        "WHERE starts_with(table_name, 'rec_') ORDER BY 1").fetchall()]
    return {t: (con.execute("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                            "WHERE table_name = ? ORDER BY ordinal_position", [t]).fetchall(),
                con.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}


def _old_home(tmp_path, monkeypatch):
    """JIUZHU_HOME set to a home whose warehouse the schema of version 1 made; its warehouse's path."""
    home = tmp_path / "home"
    monkeypatch.setenv("JIUZHU_HOME", str(home))
    _old_warehouse(home, tmp_path, monkeypatch)
    return home / "warehouse.duckdb"


def test_a_keyed_warehouse_migrates_to_record_tables_without_the_key(tmp_path, monkeypatch):
    from jiuzhu.engine.warehouse.version import keyed_record_tables

    path = _old_home(tmp_path, monkeypatch)
    with duckdb.connect(str(path), read_only=True) as con:
        assert schema_version(con) == 1
        assert len(keyed_record_tables(con)) == len(_layout(con)) > 2  # every record table, two of them filled
        before = _layout(con)
        views = con.execute("SELECT * FROM subjects ORDER BY record_id").fetchall()
    assert sum(len(rows) for _, rows in before.values()) == 6 + 3

    assert migrate_warehouse(path) == (1, SCHEMA_VERSION)
    with duckdb.connect(str(path), read_only=True) as con:
        assert keyed_record_tables(con) == []
        assert con.execute("SELECT count(*) FROM duckdb_constraints() "
                           "WHERE starts_with(table_name, 'rec_')").fetchone()[0] == 0
        after = _layout(con)
        assert con.execute("SELECT * FROM subjects ORDER BY record_id").fetchall() == views
        copies = "SELECT count(*) FROM duckdb_tables() WHERE ends_with(table_name, '__v2')"
        assert con.execute(copies).fetchone()[0] == 0
    # The same columns in the same order and types (nullable now, as in a new file), the same rows in order.
    assert {t: ([c[:2] for c in cols], rows) for t, (cols, rows) in after.items()} == \
           {t: ([c[:2] for c in cols], rows) for t, (cols, rows) in before.items()}
    with connect(tmp_path / "new.duckdb") as con:
        assert {t: cols for t, (cols, _) in _layout(con).items()} == {t: cols for t, (cols, _) in after.items()}
    assert migrate_warehouse(path) == (SCHEMA_VERSION, SCHEMA_VERSION)


def test_a_failed_migration_leaves_the_keyed_warehouse(tmp_path, monkeypatch):
    from jiuzhu.engine.warehouse import version

    path = _old_home(tmp_path, monkeypatch)
    with duckdb.connect(str(path), read_only=True) as con:
        before, keyed = _layout(con), version.keyed_record_tables(con)

    def halfway(con):
        version._drop_record_keys(con)
        raise RuntimeError("killed")

    monkeypatch.setitem(version.STEPS, 2, halfway)
    with pytest.raises(RuntimeError):
        migrate_warehouse(path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert (schema_version(con), version.keyed_record_tables(con), _layout(con)) == (1, keyed, before)
