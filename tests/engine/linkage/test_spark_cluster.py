"""Spark on a cluster (`--spark-master`): two separate executor processes (``local-cluster[2,1,1024]``)
give the same persons and the same clues as DuckDB; the executors read their inputs from the lake."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from jiuzhu.engine.linkage.run import link, partition
from tests.engine.linkage.conftest import mixed_county
from tests.engine.linkage.test_spark import _groups
from tests.fixtures.county import SMALL_COUNTY_AS_OF

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

MASTER = "local-cluster[2,1,1024]"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory):
    from jiuzhu.engine.linkage.spark import spark_session

    mp = pytest.MonkeyPatch()
    lake = tmp_path_factory.mktemp("lake")
    mp.setenv("JIUZHU_LAKE", str(lake))
    session = spark_session(MASTER, memory="1g")
    yield session, lake
    session.stop()
    mp.undo()


def test_the_session_has_two_executor_processes(cluster):
    session, _ = cluster
    import os

    pids = session.sparkContext.parallelize(range(8), 8).map(lambda _: os.getpid()).distinct().collect()
    assert len(pids) == 2 and os.getpid() not in pids


def test_persons_on_the_cluster_equal_duckdb_on_every_kind_of_evidence(registry, cluster):
    session, lake = cluster
    mixed_county(registry, people=150)
    con = registry.build()
    _, on_duckdb = partition(con, "duckdb")
    _, on_cluster = partition(con, "spark", session)
    assert len(on_duckdb.links) > 100
    assert _groups(on_cluster, con) == _groups(on_duckdb, con)
    assert [(e.left, e.right, e.levels) for e in on_cluster.links] == \
        [(e.left, e.right, e.levels) for e in on_duckdb.links]
    assert list(lake.iterdir()) == []  # the run's Parquet inputs are gone with it


def _ingested(small_county: Path, home: Path) -> Path:
    from jiuzhu.engine.api import ingest

    mp = pytest.MonkeyPatch()
    mp.setenv("JIUZHU_HOME", str(home))
    try:
        results = ingest(
            sorted(p for p in small_county.iterdir() if p.is_file()), as_of=SMALL_COUNTY_AS_OF, jobs=1
        )
    finally:
        mp.undo()
    assert not [r.file_name for r in results if r.status == "failed"]
    return home / "warehouse.duckdb"


def _person_index(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql("SELECT record_id, person_key, method FROM person_index ORDER BY record_id").fetchall()


def test_a_county_links_and_screens_the_same_on_the_cluster(small_county: Path, cluster, tmp_path: Path):
    from jiuzhu.engine.screening.screen import screen

    session, _ = cluster
    on_duckdb = _ingested(small_county, tmp_path / "duckdb")
    (tmp_path / "spark").mkdir()
    on_cluster = tmp_path / "spark" / "warehouse.duckdb"
    shutil.copy(on_duckdb, on_cluster)
    duck_link = link("duckdb", warehouse=on_duckdb)
    spark_link = link("spark", warehouse=on_cluster, spark=session)
    assert duck_link.records_linked > 0
    assert (spark_link.persons, spark_link.links) == (duck_link.persons, duck_link.links)
    assert _person_index(on_cluster) == _person_index(on_duckdb)
    duck = screen(SMALL_COUNTY_AS_OF, warehouse=on_duckdb)
    spark = screen(SMALL_COUNTY_AS_OF, warehouse=on_cluster, engine="spark", spark=session)
    assert sum(duck.counts.values()) > 0 and all(n > 0 for n in duck.counts.values())
    assert [c.as_dict() for c in spark.clues] == [c.as_dict() for c in duck.clues]
