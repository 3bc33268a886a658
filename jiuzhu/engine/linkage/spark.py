"""The Spark session of the ``spark`` engine, and the Parquet lake its executors read.

``master`` is any Spark master URL (cli.md ``--spark-master``): ``local[*]`` (the default, one JVM),
``local-cluster[N,C,MB]`` (N executor processes on this machine), ``spark://…``, ``yarn``, ``k8s://…``.
The executors read their inputs as Parquet files from the lake (:func:`lake_dir`), a folder every
executor reaches; nothing is sent through the driver's Python-to-JVM channel.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

DEFAULT_MASTER = "local[*]"


def _cores(master: str) -> int:
    """Task slots the session has: shuffle partitions follow them (small jobs, little per-task overhead)."""
    local = re.fullmatch(r"local\[(\d+|\*)(?:,\d+)?\]", master)
    if local:
        return os.cpu_count() or 2 if local.group(1) == "*" else int(local.group(1))
    cluster = re.fullmatch(r"local-cluster\[(\d+),\s*(\d+),\s*\d+\]", master)
    if cluster:
        return int(cluster.group(1)) * int(cluster.group(2))
    return max(2, int(os.environ.get("JIUZHU_SPARK_PARTITIONS", "200")))


def spark_session(master: str | None = None, memory: str = "2g") -> Any:
    """A Spark session on ``master`` (default ``local[*]``)."""
    from pyspark.sql import SparkSession  # here, not at the top: pyspark is heavy and only for Spark

    master = master or DEFAULT_MASTER
    if master.startswith("local-cluster"):
        # Executors are separate processes started by Spark's own scripts: they need the Spark
        # home (the pip package carries one) and the same Python as the driver for Splink's UDF-free SQL.
        import pyspark  # here, not at the top: pyspark is heavy and only for Spark

        os.environ.setdefault("SPARK_HOME", os.path.dirname(pyspark.__file__))
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    parts = str(_cores(master))
    spark = (
        SparkSession.builder.master(master)
        .appName("jiuzhu")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", parts)
        .config("spark.default.parallelism", parts)
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def lake_dir() -> Path:
    """A new folder for one run's Parquet inputs: under ``JIUZHU_LAKE`` (a path every executor reaches:
    a shared mount on a cluster) when set, else the system's temporary folder (enough on one machine)."""
    root = os.environ.get("JIUZHU_LAKE")
    if root:
        Path(root).mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="jiuzhu-lake-", dir=root or None))
