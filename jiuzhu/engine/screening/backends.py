"""Where the screening SQL runs: a DuckDB connection (the warehouse), or Spark fed from the warehouse.

Both take the same SELECT statements from subjects.py and the rule compiler. Rows come back as
dicts of plain Python values (str, int, bool, date, None).
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from typing import Any

import duckdb

from jiuzhu.engine.linkage import lake_dir, spark_session
from jiuzhu.engine.screening.subjects import COMMON_COLUMNS, SOURCE_COLUMNS, SQL_TYPES, VIEWS

# The inputs screening reads, with the columns it needs when a table is missing (nothing ingested yet).
INPUTS: dict[str, dict[str, str]] = {
    **{f"cur_{st}": {**COMMON_COLUMNS, **cols} for st, cols in SOURCE_COLUMNS.items()},
    "person_index": {"record_id": "text", "source_type": "text", "person_key": "text", "method": "text"},
    "persons": {"person_key": "text", "name": "text", "id_number": "text", "sex": "text",
                "birth_date": "date"},
}


def _duck_type(kind: str) -> str:
    return "VARCHAR" if kind == "text" else SQL_TYPES[kind]


def relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables and views of the warehouse."""
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


class DuckBackend:
    engine = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection, scratch: Path | None = None) -> None:
        """With ``scratch`` (a file path), stages are tables of a scratch database there: DuckDB pages
        them to disk under its memory cap, where temporary tables must fit in memory (province scale)."""
        self.con = con
        self.scratch = scratch
        self.home_db = con.execute("SELECT current_database()").fetchone()[0]
        have = relations(con)
        for name, cols in INPUTS.items():
            if name not in have:
                spec = ", ".join(f"CAST(NULL AS {_duck_type(k)}) AS {c}" for c, k in cols.items())
                con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {spec} WHERE FALSE")

        if scratch is not None:
            scratch.unlink(missing_ok=True)
            con.execute(f"ATTACH '{scratch}' AS screen_scratch")
            con.execute("USE screen_scratch")
            con.execute(f"SET search_path = 'screen_scratch.main,\"{self.home_db}\".main'")
            con.execute("SET preserve_insertion_order = false")
            # One transaction, never committed: no WAL flush and fsync per stage (half the time of a
            # county); large tables still go to the scratch file as they are written.
            con.execute("BEGIN TRANSACTION")
        self.kind = "TABLE" if scratch is not None else "TEMP TABLE"

    def materialise(self, name: str, select: str) -> None:
        kind = self.kind.replace("TABLE", "VIEW") if name in VIEWS else self.kind
        self.con.execute(f"CREATE OR REPLACE {kind} {name} AS {select}")

    def fetch(self, sql: str) -> list[dict[str, Any]]:
        cur = self.con.execute(sql)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def register_keys(self, name: str, keys: list[str]) -> None:
        # One statement with a list parameter: executemany costs a round trip per key.
        self.con.execute(f"CREATE OR REPLACE {self.kind} {name} AS SELECT unnest(?::VARCHAR[]) AS k", [keys])

    def close(self) -> None:
        if self.scratch is not None:
            # The transaction may already have ended with the error that brought us here.
            with contextlib.suppress(duckdb.TransactionException):
                self.con.execute("ROLLBACK")
            self.con.execute(f'USE "{self.home_db}"')
            self.con.execute("DETACH screen_scratch")
            self.scratch.unlink(missing_ok=True)
            Path(f"{self.scratch}.wal").unlink(missing_ok=True)


class SparkBackend:
    """Copies the inputs out of the warehouse as Parquet into the lake, then runs every stage in Spark SQL
    (the executors read the Parquet files themselves)."""

    engine = "spark"

    def __init__(self, con: duckdb.DuckDBPyConnection, spark: Any = None,
                 spark_master: str | None = None) -> None:
        self.own_session = spark is None
        self.spark = spark_session(spark_master) if spark is None else spark
        self.tmp = lake_dir()
        have = relations(con)
        for name, cols in INPUTS.items():
            path = self.tmp / f"{name}.parquet"
            select = ", ".join(f"CAST({c} AS {_duck_type(k)}) AS {c}" if name in have
                               else f"CAST(NULL AS {_duck_type(k)}) AS {c}" for c, k in cols.items())
            source = f"FROM {name}" if name in have else "WHERE FALSE"
            con.execute(f"COPY (SELECT {select} {source}) TO '{path}' (FORMAT parquet)")
            self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def materialise(self, name: str, select: str) -> None:
        df = self.spark.sql(select)
        # The per-type projections and the views are cheap to recompute; every other stage is computed once.
        if not name.startswith("s_") and name not in VIEWS:
            df = df.localCheckpoint()
        df.createOrReplaceTempView(name)

    def fetch(self, sql: str) -> list[dict[str, Any]]:
        return [row.asDict() for row in self.spark.sql(sql).collect()]

    def register_keys(self, name: str, keys: list[str]) -> None:
        # here, not at the top: pyspark is heavy and only for Spark
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType([StructField("k", StringType())])
        self.spark.createDataFrame([(k,) for k in keys], schema).createOrReplaceTempView(name)

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.own_session:
            self.spark.stop()
