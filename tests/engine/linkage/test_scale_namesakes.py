"""Namesake counts are built only where a feature reads them.

At province scale the records without ID bear nearly every name, so counting namesakes for every
(name, township), (name, village) and (name, place, birth date) of the region is tens of millions of rows
(docs/performance.md "Which step spills at the real province"). derive_in counts them only for the places
of the records whose features it builds (``cand``: the residue and its candidates) and, for the eligible
namesakes, of the records with a birth window (``windowed``) — and the counts it keeps are the full ones.
"""

from __future__ import annotations

import duckdb

from jiuzhu.engine.linkage.features import derive_in, lineage_query
from tests.engine.linkage.conftest import background, make_id, mixed_county

# The counts as they were built for every pair of the region (the unrestricted definitions).
FULL_BY_PLACE = """
SELECT norm, {place}, count(DISTINCT id_number) AS n FROM rec
WHERE id_number IS NOT NULL AND NOT masked AND {place} IS NOT NULL AND norm IN (SELECT norm FROM residue_names)
GROUP BY ALL"""
FULL_CUM = """
SELECT norm, {place}, id_birth, sum(n) OVER (PARTITION BY norm, {place} ORDER BY id_birth
                                             ROWS UNBOUNDED PRECEDING) AS cum
FROM (SELECT norm, {place}, id_birth, count(*) AS n
      FROM (SELECT DISTINCT norm, {place}, id_number, id_birth FROM rec
            WHERE id_number IS NOT NULL AND NOT masked AND id_birth IS NOT NULL AND {place} IS NOT NULL
              AND norm IN (SELECT norm FROM windowed))
      GROUP BY ALL)"""


def _count(work: duckdb.DuckDBPyConnection, sql: str) -> int:
    return work.sql(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]


def test_namesakes_are_counted_only_at_the_places_read_and_in_full_there(registry):
    mixed_county(registry)
    background(registry)
    # namesakes in villages: one a 失业登记 row in a village could list (working age), one it could not
    # and one far away that no rule pairs with it (another township, birth month and village)
    people = (("1985-04-04", "均溪镇", "玉田村"), ("1941-08-08", "均溪镇", "玉田村"),
              ("1986-05-05", "均溪镇", "东坂村"), ("1950-01-01", "石牌镇", "下洋村"))
    for k, (birth, town, village) in enumerate(people):
        registry.add(f"V{k}", "上官秀琴", id_number=make_id(birth, 600 + k), township=town, village=village,
                     source="household")
    registry.add("V9", "上官秀琴", source="unemployment", township="均溪镇", village="玉田村", when="2025-03-03")
    con = registry.build()
    work = duckdb.connect()
    work.register("lineage", con.sql(lineage_query(con)).to_arrow_table())
    seen: dict[str, tuple[int, ...]] = {}

    def check(step: str) -> None:
        for table, place, of, full in (("by_town", "township", "cand", FULL_BY_PLACE),
                                       ("by_village", "village", "cand", FULL_BY_PLACE),
                                       ("cum_town", "township", "windowed", FULL_CUM),
                                       ("cum_village", "village", "windowed", FULL_CUM)):
            if step != table:
                continue
            full_sql = full.format(place=place)
            outside = f"""SELECT * FROM {table} b WHERE NOT EXISTS (
                SELECT 1 FROM {of} c WHERE c.norm = b.norm AND c.{place} = b.{place})"""
            # the full rows at the places read, less the built ones: nothing (every count is whole)
            missing = f"""SELECT f.* FROM ({full_sql}) f WHERE EXISTS (
                SELECT 1 FROM {of} c WHERE c.norm = f.norm AND c.{place} = f.{place}) EXCEPT ALL FROM {table}"""
            seen[table] = (_count(work, f"FROM {table}"), _count(work, outside), _count(work, missing),
                           _count(work, full_sql))

    features, _, _ = derive_in(work, step=check)
    assert set(seen) == {"by_town", "by_village", "cum_town", "cum_village"}
    for table, (built, outside, missing, full) in seen.items():
        assert built > 0, table
        assert (outside, missing) == (0, 0), table
        assert built < full, table  # the background's names are counted nowhere they are not read
    assert features.num_rows > 0
