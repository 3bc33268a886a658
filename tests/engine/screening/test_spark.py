"""Spark SQL and DuckDB run the same compiled rules and give the same clues on a small county."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.county import SMALL_COUNTY_AS_OF

pytestmark = pytest.mark.spark


def test_spark_and_duckdb_give_identical_clues(county_warehouse: Path):
    from jiuzhu.engine.api import screen

    duck = screen(SMALL_COUNTY_AS_OF, warehouse=county_warehouse)
    assert all(n > 0 for n in duck.counts.values())  # every rule has something to agree on
    spark = screen(SMALL_COUNTY_AS_OF, warehouse=county_warehouse, engine="spark")
    assert spark.engine == "spark" and spark.rule_versions == duck.rule_versions
    assert spark.counts == duck.counts
    assert [c.as_dict() for c in spark.clues] == [c.as_dict() for c in duck.clues]
