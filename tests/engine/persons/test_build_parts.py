"""person_records is built range of person keys by range, each range joined, sorted in a statement of its own
and appended in key order, so its memory and temporary disk stay bounded at province scale; the rows are the
same whatever the ranges, and the table is in key order."""

from __future__ import annotations

import duckdb
import pytest

from jiuzhu.engine import persons
from jiuzhu.engine.warehouse import RECORDS_STAGED
from tests.fixtures.warehouse import build_person_warehouse


def _rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.sql("FROM person_records ORDER BY ALL").fetchall()


def _more_persons(con: duckdb.DuckDBPyConnection) -> None:
    """Forty more persons of one 低保 record each (keys spread like hashes), so the ranges have something to cut."""
    for n in range(40):
        key, rid = f"p{(n * 2654435761) % 16**8:08x}", f"b1:S:{100 + n}"
        con.execute("INSERT INTO rec_dibao (record_id, batch_id, source_type, file_name, sheet, \"row\", name) "
                    "VALUES (?, 'b1', 'dibao', '低保.xlsx', 'S', ?, ?)", [rid, 100 + n, f"林{n}"])
        con.execute("INSERT INTO person_index VALUES (?, 'dibao', ?, 'single')", [rid, key])
        con.execute("INSERT INTO persons VALUES (?, ?, NULL, NULL, NULL, 1)", [key, f"林{n}"])


def test_the_records_are_the_same_built_in_one_range_or_in_several(tmp_path, monkeypatch):
    con = duckdb.connect(str(build_person_warehouse(tmp_path / "warehouse.duckdb")))
    _more_persons(con)
    assert persons.build_search(con) == 43
    whole = _rows(con)
    assert len(whole) == 42
    assert [(r[0], r[1], r[4], r[-8]) for r in whole if r[0] == "pA"] == [("pA", "b1:S:4", "郑小梅", "郑小梅"),
                                                                         ("pA", "b2:S:9", "郑小梅", "郑小梅")]
    for per_part in (5, 1):  # 9 ranges, then one range per record (as the sample cuts them)
        monkeypatch.setattr(persons, "RECORDS_PER_PART", per_part)
        cuts = persons._key_cuts(con, -(-42 // per_part))
        assert len(cuts) > 5
        assert persons.build_search(con) == 43
        assert _rows(con) == whole
        # in key order as stored (the person page reads a person's rows by their zone)
        keys = [k for (k,) in con.sql("SELECT person_key FROM person_records").fetchall()]
        assert keys == sorted(keys)


def test_the_ranges_take_every_record_once(tmp_path):
    con = duckdb.connect(str(build_person_warehouse(tmp_path / "warehouse.duckdb")))
    _more_persons(con)
    cuts = persons._key_cuts(con, 4)
    assert len(cuts) == 3 and cuts == sorted(cuts)
    bounds = [None, *cuts, None]
    taken = [r for keys in zip(bounds[:-1], bounds[1:], strict=True)
             for (r,) in con.sql(f"SELECT record_id FROM ({persons._records_select(con, keys=keys)})").fetchall()]
    assert sorted(taken) == sorted(r for (r,) in con.sql("SELECT record_id FROM person_index").fetchall())
    assert persons._key_cuts(con, 1) == []


def test_a_build_that_fails_leaves_the_last_tables_and_no_staged_records(tmp_path, monkeypatch):
    """person_records is built apart, as ``RECORDS_STAGED``, and renamed with the search tables in one
    transaction: a build failing after it leaves the last tables as they were, and the staged copy dropped."""
    con = duckdb.connect(str(build_person_warehouse(tmp_path / "warehouse.duckdb")))
    _more_persons(con)
    assert persons.build_search(con) == 43
    whole, search = _rows(con), con.sql("FROM person_search ORDER BY ALL").fetchall()
    con.execute("DELETE FROM persons WHERE person_key = 'pA'")

    def failing(table: str, within: str = "", source: str = "") -> str:
        raise RuntimeError("killed")

    monkeypatch.setattr(persons, "_search_select", failing)
    with pytest.raises(RuntimeError, match="killed"):
        persons.build_search(con)
    assert (_rows(con), con.sql("FROM person_search ORDER BY ALL").fetchall()) == (whole, search)
    tables = {r[0] for r in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert RECORDS_STAGED not in tables and "person_records" in tables
    assert con.sql("SELECT index_name FROM duckdb_indexes()").fetchall() == [("person_records_key",)]
