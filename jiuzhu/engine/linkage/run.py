"""``link()``: the whole linkage — read subjects, exact pass, Splink on the residue, cluster, store."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from jiuzhu.engine.linkage import model
from jiuzhu.engine.linkage.clustering import cluster
from jiuzhu.engine.linkage.features import read_subjects
from jiuzhu.engine.linkage.scoring import score_residue
from jiuzhu.engine.linkage.store import build_tables, write_tables


@dataclass(frozen=True)
class LinkResult:
    engine: str
    records: int
    persons: int
    records_with_id: int  # method `id`
    records_linked: int  # method `probabilistic`
    records_single: int  # method `single`
    links: int  # accepted probabilistic links (rows of link_explanations)
    seconds: float


def partition(con: duckdb.DuckDBPyConnection, engine: str = "duckdb", spark: Any = None,
              threshold: float = model.MATCH_WEIGHT_THRESHOLD):
    """The person partition of the subjects in ``con`` (nothing written)."""
    subjects = read_subjects(con)
    ids = subjects.lineage.column("record_id").to_pylist()
    numbers = {r: n for r, n in zip(ids, subjects.lineage.column("id_number").to_pylist(), strict=True) if n}
    edges = score_residue(subjects.features, subjects.name_tf, subjects.population, engine=engine, spark=spark)
    return subjects, cluster(ids, numbers, edges, threshold)


def link_connection(con: duckdb.DuckDBPyConnection, engine: str = "duckdb", spark: Any = None) -> LinkResult:
    started = time.perf_counter()
    own_spark = engine == "spark" and spark is None
    if own_spark:
        from jiuzhu.engine.linkage.spark import local_session

        spark = local_session()
    try:
        subjects, part = partition(con, engine, spark)
    finally:
        if own_spark:
            spark.stop()
    index, persons, expl = build_tables(subjects.lineage, part)
    write_tables(con, index, persons, expl)
    methods = index.column("method").to_pylist()
    return LinkResult(
        engine=engine,
        records=index.num_rows,
        persons=persons.num_rows,
        records_with_id=methods.count("id"),
        records_linked=methods.count("probabilistic"),
        records_single=methods.count("single"),
        links=expl.num_rows,
        seconds=round(time.perf_counter() - started, 3),
    )


def link(engine: str = "duckdb", *, warehouse: str | Path | None = None, spark: Any = None) -> LinkResult:
    """Link every stored record of the warehouse (default ``$JIUZHU_HOME/warehouse.duckdb``)."""
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"未知的计算引擎：{engine}（应为 duckdb 或 spark）")
    from jiuzhu.engine.warehouse.store import connect

    with connect(Path(warehouse) if warehouse else None) as con:
        return link_connection(con, engine, spark)
