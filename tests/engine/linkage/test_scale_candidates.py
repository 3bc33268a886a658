"""``cand`` (features._candidates) holds the same records, each once, as its definition: the records whose
blocking columns some rule pairs with the residue, looked up by record id in ``rec``. It looks them up by row
id. The case checked: a person in two 户, each with a house — ``house_of`` once gave such a record two rows
(one per 户), which a one-pass form (rec's columns carried beside the blocking columns and filtered) would
repeat; since ``id_house`` it gives one (test_two_households.py).
"""

from __future__ import annotations

import duckdb

from jiuzhu.engine.linkage.features import BLOCKING_COLUMNS, _features, derive_in, lineage_query
from jiuzhu.engine.linkage.scoring import paired_with
from tests.engine.linkage.conftest import background, make_id, mixed_county

# cand as it was defined (two passes: the ids of the records kept, then their rows of ``rec``).
DEFINITION = f"""
SELECT * FROM rec WHERE record_id IN (
    SELECT r.unique_id FROM ({_features('rec', BLOCKING_COLUMNS)}) r
    WHERE r.id_number IS NULL OR {paired_with("residue_keys")})"""


def _count(work: duckdb.DuckDBPyConnection, sql: str) -> int:
    return work.sql(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]


def test_candidates_are_the_definitions_records_each_once(registry):
    mixed_county(registry)
    background(registry)
    # A person in two 户 (户籍 rows under H1 and H2), each 户 with a house another member's address names
    # (A, B), the person's own records with no address: ``house_of`` gives each of its records one row.
    # Records without ID name house A and house B.
    addr = "福建省三明市大田县上京镇桥石村{}"
    x, y, z = make_id("1960-01-01", 700), make_id("1962-02-02", 701), make_id("1963-03-03", 702)
    # record ids of their own: the background's (Y1, Y2 …) would repeat a record in ``rec``
    registry.add("two_X1", "欧阳春生", id_number=x, township="上京镇", village="桥石村", source="household",
                 household_no="H1")
    registry.add("two_X2", "欧阳春生", id_number=x, township="上京镇", village="桥石村", source="household",
                 household_no="H2")
    registry.add("two_Y1", "欧阳秋月", id_number=y, township="上京镇", village="桥石村", source="household",
                 household_no="H1")
    registry.add("two_Y2", "欧阳秋月", id_number=y, source="veteran", address=addr.format("5组21号"))
    registry.add("two_Z1", "欧阳冬梅", id_number=z, township="上京镇", village="桥石村", source="household",
                 household_no="H2")
    registry.add("two_Z2", "欧阳冬梅", id_number=z, source="veteran", address=addr.format("7组33号"))
    registry.add("two_W1", "慕容晓", source="victim", address=addr.format("5组21号"))
    registry.add("two_W2", "慕容昊", source="victim", address=addr.format("7组33号"))
    con = registry.build()
    work = duckdb.connect()
    work.register("lineage", con.sql(lineage_query(con)).to_arrow_table())
    seen: dict[str, tuple[int, ...]] = {}

    def check(step: str) -> None:
        if step == "cand":
            two_houses = work.sql("SELECT record_id FROM house_of GROUP BY ALL HAVING count(*) > 1 "
                                  "ORDER BY ALL").fetchall()
            seen["two_houses"] = tuple(r for (r,) in two_houses)
            seen["cand"] = (_count(work, "FROM cand"),
                            _count(work, f"FROM cand EXCEPT ALL {DEFINITION}"),
                            _count(work, f"{DEFINITION} EXCEPT ALL FROM cand"),
                            _count(work, "SELECT record_id FROM cand WHERE record_id IN ('two_X1', 'two_X2')"))

    derive_in(work, step=check)
    assert seen["two_houses"] == ()  # one house per record, whatever its 户 (id_house)
    built, extra, missing, person = seen["cand"]
    assert built > 0
    assert (extra, missing) == (0, 0)
    assert person == 2  # each of the person's records once, kept by the house rule
