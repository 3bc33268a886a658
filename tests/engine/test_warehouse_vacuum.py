"""`without_vacuum`: the changes of the block are checkpointed with the same rows as with DuckDB's vacuum
(which compacts row groups holding deleted rows); the setting restored after, an error or not."""

from __future__ import annotations

import duckdb
import pytest

from jiuzhu.engine.warehouse import without_vacuum


def _changed(path, vacuum: bool) -> tuple[list[tuple], str]:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT range AS k, range % 7 AS v FROM range(300000) ORDER BY k")
    con.execute("CHECKPOINT")
    with without_vacuum(con) if not vacuum else con.cursor():  # a month's changes, spread over every row group
        con.execute("DELETE FROM t WHERE k % 97 = 0")
        con.execute("INSERT INTO t SELECT range * 97, -1 FROM range(3093)")
        if vacuum:
            con.execute("CHECKPOINT")
    rows = con.sql("SELECT count(*), sum(k), sum(v) FROM t").fetchall()
    setting = con.sql("SELECT current_setting('max_vacuum_tasks')").fetchall()[0][0]
    con.close()
    return rows, str(setting)


def test_same_rows_without_compacting_and_the_setting_restored(tmp_path):
    kept, setting = _changed(tmp_path / "a.duckdb", vacuum=False)
    vacuumed, _ = _changed(tmp_path / "b.duckdb", vacuum=True)
    assert kept == vacuumed == [(300000, sum(range(300000)),
                                 sum(v % 7 for v in range(300000)) - sum((k * 97) % 7 for k in range(3093)) - 3093)]
    assert setting == "100"  # DuckDB's default, as before the block


def test_an_error_in_the_block_restores_the_setting(tmp_path):
    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    with pytest.raises(duckdb.Error), without_vacuum(con):
        con.execute("SELECT * FROM missing")
    assert str(con.sql("SELECT current_setting('max_vacuum_tasks')").fetchall()[0][0]) == "100"
