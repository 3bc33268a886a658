"""DuckDB and Spark give the same person partition (the same Splink model, the same clustering)."""

from __future__ import annotations

import pytest

from jiuzhu.engine.linkage.run import partition
from tests.engine.linkage.conftest import mixed_county

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


@pytest.fixture(scope="module")
def spark():
    from jiuzhu.engine.linkage.spark import spark_session

    session = spark_session("local[2]", memory="1g")
    yield session
    session.stop()


def _groups(part, con) -> set[frozenset[str]]:
    """Persons as sets of record ids; a record the partition does not list is alone with its ID."""
    rows = con.sql(
        "SELECT record_id, CASE WHEN id_status = 'valid' THEN id_number END FROM subjects"
    ).fetchall()
    groups: dict[str, set[str]] = {}
    for rid, number in rows:
        groups.setdefault(part.cluster_of.get(rid, f"#{number}"), set()).add(rid)
    return {frozenset(g) for g in groups.values()}


def test_duckdb_and_spark_give_the_same_persons(registry, spark):
    truth = mixed_county(registry, people=150)
    con = registry.build()
    _, on_duckdb = partition(con, "duckdb")
    _, on_spark = partition(con, "spark", spark)
    assert len(on_duckdb.links) > 100  # exact, homophone and masked-with-case links: not a trivial county
    assert _groups(on_spark, con) == _groups(on_duckdb, con)
    assert [(e.left, e.right, e.levels) for e in on_spark.links] == [
        (e.left, e.right, e.levels) for e in on_duckdb.links
    ]
    assert on_spark.id_of_cluster == on_duckdb.id_of_cluster
    # And the partition is the true one on this county (records of one person together, look-alikes apart).
    true_groups: dict[str, set[str]] = {}
    for rid, person in truth.items():
        true_groups.setdefault(person, set()).add(rid)
    assert _groups(on_duckdb, con) == {frozenset(g) for g in true_groups.values()}
