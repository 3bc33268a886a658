"""Score candidate pairs with Splink on DuckDB or Spark: residue × ID-bearing records, residue × residue.

Only the residue (records whose main subject has no valid ID) is compared; two records with
valid IDs are never compared — the exact pass already decided them.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jiuzhu.engine.linkage.model import (
    BLOCKING_RULES,
    CANDIDATE_WEIGHT_FLOOR,
    COMPARISONS,
    level_labels,
    settings,
)
from jiuzhu.engine.linkage.spark import lake_dir

logging.getLogger("splink").setLevel(logging.WARNING)

# On DuckDB, Splink scores the candidates in slices of about this many records (hash of the record
# id, Splink's own chunking): the blocked pairs of a province's residue (tens of millions) never
# exist at once, so neither memory nor the spill folder grows with the whole. A county is one slice.
SCORE_CHUNK_ROWS = 1_000_000


@dataclass(frozen=True)
class Edge:
    """A scored pair of records (left < right by record id)."""

    left: str
    right: str
    match_weight: float
    match_probability: float
    levels: dict[str, str] = field(default_factory=dict)  # comparison → level label
    weights: dict[str, float] = field(default_factory=dict)  # comparison → match weight (bits)


def _db_api(engine: str, spark: Any = None, connection: duckdb.DuckDBPyConnection | None = None):
    # here, not at the top: Splink and sqlglot load in ≈ 0.4–0.6 s, and a run whose linkage is kept scores nothing
    from splink import DuckDBAPI

    if engine == "duckdb":
        # In the caller's DuckDB when given: one memory cap and spill folder for the whole linkage.
        return DuckDBAPI(connection) if connection is not None else DuckDBAPI()
    if engine == "spark":
        from splink import SparkAPI  # here, not at the top: it imports pyspark, heavy and only for Spark

        partitions = int(spark.conf.get("spark.sql.shuffle.partitions"))
        return SparkAPI(spark_session=spark, register_udfs_automatically=False,
                        break_lineage_method="persist", num_partitions_on_repartition=partitions)
    raise ValueError(f"未知的计算引擎：{engine}")


def _register(db_api, table: pa.Table, lake: Path | None):
    """A table as Splink's input: as it is on DuckDB; on Spark, a Parquet file in the lake that the
    executors read themselves (a cluster's executors never see the driver's memory)."""
    if lake is None:
        return db_api.register(table)
    path = lake / f"t{len(list(lake.iterdir()))}.parquet"
    pq.write_table(table, path)
    return db_api.register(db_api.spark.read.parquet(str(path)))


def _predict(db_api, tables: list[pa.Table], link_type: str, name_tf: pa.Table, population: int,
             floor: float, chunk_rows: int = SCORE_CHUNK_ROWS) -> list[dict]:
    from splink import DuckDBAPI  # here, not at the top: see _db_api

    lake = None if isinstance(db_api, DuckDBAPI) else lake_dir()
    try:
        return _predict_in(db_api, tables, link_type, name_tf, population, floor, chunk_rows, lake)
    finally:
        if lake is not None:
            shutil.rmtree(lake, ignore_errors=True)


def _predict_in(db_api, tables: list[pa.Table], link_type: str, name_tf: pa.Table, population: int,
                floor: float, chunk_rows: int, lake: Path | None) -> list[dict]:
    from splink import DuckDBAPI, Linker  # here, not at the top: see _db_api

    inputs = [_register(db_api, t, lake) for t in tables]
    # Fixed settings: skip Splink's validation, which only logs doubtful columns (≈ 0.5 s of SQL parsing).
    linker = Linker(inputs if len(inputs) > 1 else inputs[0], settings(link_type, population), log_level=None,
                    validate_settings=False)
    tf = _register(db_api, name_tf, lake)
    linker.table_management.register_term_frequency_lookup(tf, "name_norm")
    # Slices of the last table (the candidates); every pair falls in exactly one slice.
    chunks = -(-tables[-1].num_rows // chunk_rows) if isinstance(db_api, DuckDBAPI) else 1
    pred = linker.inference.predict(threshold_match_weight=floor, warning_mode="never",
                                    num_chunks_left=1, num_chunks_right=max(chunks, 1))
    # Only the columns an Edge reads: the prediction also retains every compared value of both
    # records, several times the memory as Python dicts at province scale.
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability", "mw_tf_adj_name",
               *(f"{p}_{c}" for c in COMPARISONS for p in ("gamma", "mw"))]
    rows = linker.misc.query_sql(f"SELECT {', '.join(columns)} FROM {pred.physical_name}").as_record_list()
    if isinstance(db_api, DuckDBAPI):
        # The caller's database outlives the run: drop Splink's tables and let go of the Arrow inputs
        # (a registered table keeps its Arrow buffers alive), so the outputs built next have the room.
        db_api.delete_tables_created_by_splink_from_db()
        for sdf in (*inputs, tf):
            db_api.duckdb_con.unregister(sdf.physical_name)
    return rows


def _edge(row: dict) -> Edge:
    levels, weights = {}, {}
    for comp in COMPARISONS:
        levels[comp] = level_labels(comp)[int(row[f"gamma_{comp}"])]
        w = float(row[f"mw_{comp}"] or 0.0)
        if comp == "name":
            w += float(row.get("mw_tf_adj_name") or 0.0)  # the term-frequency part of the name weight
        weights[comp] = round(w, 6)
    left, right = sorted((row["unique_id_l"], row["unique_id_r"]))
    return Edge(left, right, round(float(row["match_weight"]), 6), round(float(row["match_probability"]), 9),
                levels, weights)


def _swap_sides(rule: str) -> str:
    """``l.a = r.b`` → ``r.a = l.b``."""
    return re.sub(r"\b([lr])\.", lambda m: ("r." if m.group(1) == "l" else "l."), rule)


def paired_with(residue: str) -> str:
    """SQL condition on an ID-bearing record ``r``: some blocking rule pairs it with a record of ``residue``.

    Splink forms exactly the same residue × ID pairs from the records meeting it as from all of them
    (every rule is tried both ways round, so this is a superset of what it blocks). A semi-join per
    rule, the residue as the small build side: no pair is materialised here.
    """
    rules: dict[frozenset, str] = {}
    for rule in (*BLOCKING_RULES, *(_swap_sides(r) for r in BLOCKING_RULES)):
        # ``l.x = r.x`` swapped is the same rule: join once.
        rules.setdefault(frozenset(frozenset(eq.split(" = ")) for eq in rule.split(" AND ")), rule)
    exists = " OR ".join(f"EXISTS (SELECT 1 FROM {residue} l WHERE {rule})" for rule in rules.values())
    return f"({exists})"


def score_residue(features: pa.Table, name_tf: pa.Table, population: int, engine: str = "duckdb",
                  spark: Any = None, connection: duckdb.DuckDBPyConnection | None = None,
                  floor: float = CANDIDATE_WEIGHT_FLOOR, chunk_rows: int = SCORE_CHUNK_ROWS) -> list[Edge]:
    """Every blocked pair involving a residue record, scored, at or above ``floor`` (the candidate floor;
    linkage passes its threshold: at province scale millions of pairs score a little above 0).

    ``features``: the residue and ID-bearing records — ``derive_in`` gives only those some blocking
    rule pairs with the residue (:func:`paired_with`); any other would only be blocked out by Splink."""
    residue = features.filter(pc.is_null(features.column("id_number")))
    if residue.num_rows == 0:
        return []
    db_api = _db_api(engine, spark, connection)
    # One Splink run: the residue against itself and its candidates, as given (no copy of the
    # ID-bearing rows: at province scale they are millions). Every comparison is symmetric, so a
    # residue pair met both ways round scores the same twice; a record met with itself is dropped.
    rows = _predict(db_api, [residue, features], "link_only", name_tf, population, floor, chunk_rows)
    edges = {}
    for row in rows:
        if row["unique_id_l"] == row["unique_id_r"]:
            continue
        e = _edge(row)
        edges[(e.left, e.right)] = e
    return sorted(edges.values(), key=lambda e: (e.left, e.right))
