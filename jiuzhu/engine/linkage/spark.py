"""A local Spark session for the ``spark`` engine (PySpark local mode)."""

from __future__ import annotations

import os
from typing import Any


def local_session(cores: int | None = None, memory: str = "2g") -> Any:
    from pyspark.sql import SparkSession

    cores = cores or os.cpu_count() or 2
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("jiuzhu-linkage")
        .config("spark.ui.enabled", "false")
        # Small local jobs: few partitions keep the per-task overhead down.
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.default.parallelism", str(cores))
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", memory)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark
