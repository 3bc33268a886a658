"""The memory cap of a DuckDB connection, read back as a number: the linkage halves it while a large
result is built in Python memory beside it (features.derive_in)."""

from __future__ import annotations

import duckdb
import pytest

from jiuzhu.engine.warehouse import memory_mb, settings


@pytest.mark.parametrize(("setting", "expected"), [("8192MB", 8160), ("512MB", 511), ("3GB", 2899),
                                                   ("2GiB", 2147), ("100KB", 0)])
def test_the_cap_is_read_back_in_megabytes_as_duckdb_prints_it(setting, expected):
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{setting}'")
    # DuckDB prints it rounded to one decimal of its own unit (8192MB → "7.6 GiB")
    assert memory_mb(con) == expected


def test_half_the_cap_for_a_block_then_the_cap_again():
    con = duckdb.connect()
    con.execute("SET memory_limit = '4000MB'")
    with settings(con, memory_limit=f"{memory_mb(con) // 2}MB"):
        assert con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0] == "1.8 GiB"
    # restored from what DuckDB printed ("3.7 GiB"), which it prints back a little lower ("3.6 GiB")
    assert 3700 < memory_mb(con) <= 4000
