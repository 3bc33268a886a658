"""person_records is built part by part (records split by a hash of their id) and sorted in a statement of its
own, so its memory stays bounded at province scale; the rows are the same whatever the parts."""

from __future__ import annotations

import duckdb

from jiuzhu.engine import persons
from tests.fixtures.warehouse import build_person_warehouse


def _rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.sql("FROM person_records ORDER BY ALL").fetchall()


def test_the_records_are_the_same_built_in_one_part_or_in_several(tmp_path, monkeypatch):
    con = duckdb.connect(str(build_person_warehouse(tmp_path / "warehouse.duckdb")))
    whole = _rows(con)
    assert [(r[0], r[1], r[4], r[-8]) for r in whole] == [("pA", "b1:S:4", "郑小梅", "郑小梅"),
                                                          ("pA", "b2:S:9", "郑小梅", "郑小梅")]
    for per_part in (1, 2):  # two parts of one record each (as the hash falls), then one part
        monkeypatch.setattr(persons, "RECORDS_PER_PART", per_part)
        assert persons.build_search(con) == 3
        assert _rows(con) == whole
        # sorted by person as stored (the person page reads a person's rows by their zone)
        keys = [k for (k,) in con.sql("SELECT person_key FROM person_records").fetchall()]
        assert keys == sorted(keys)


def test_a_part_selects_the_records_whose_id_hash_falls_in_it(tmp_path):
    con = duckdb.connect(str(build_person_warehouse(tmp_path / "warehouse.duckdb")))
    ids = [[r for (r,) in con.sql(f"SELECT record_id FROM ({persons._records_select(con, part=(k, 3))})").fetchall()]
           for k in range(3)]
    assert sorted(r for part in ids for r in part) == ["b1:S:4", "b2:S:9"]  # each record in exactly one part
    expected = {r: h % 3 for r, h in con.sql("SELECT record_id, hash(record_id) FROM person_index").fetchall()}
    assert all(expected[r] == k for k, part in enumerate(ids) for r in part)
