"""The linkage writes its tables in one transaction (store.replacing); an Arrow table it writes there is let go
once written, not at the COMMIT — a province's features (10⁷ rows, ≈ 5 GB) stayed in memory through the
outputs' build and write while the warehouse's transaction held them (docs/performance.md, fourth session)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from jiuzhu.engine.linkage.store import FEATURES, replacing, write_features

ROWS = 200_000


def test_features_written_in_the_transaction_are_let_go_before_the_commit_and_stored_whole(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute(f"CREATE TABLE {FEATURES} AS SELECT 'r0' AS unique_id, 0::BIGINT AS n")
    # Arrow's own allocator counts these (a table DuckDB exports is allocated by DuckDB, out of its count)
    before = pa.total_allocated_bytes()
    features = pa.table({"unique_id": pa.array([f"r{i:07d}" for i in range(ROWS)]),
                         "n": pa.array(range(ROWS), pa.int64())}).combine_chunks()
    held = pa.total_allocated_bytes() - before
    assert held > 2_000_000
    aux = {FEATURES: features}
    with replacing(con):
        write_features(con, aux)
        assert aux == {}
        del features
        # none of its buffers left (the transaction keeps only the read-out reader: < 1 KB)
        assert pa.total_allocated_bytes() - before < held // 1000
        with con.cursor() as reader:  # another connection still sees the last linkage's
            assert reader.sql(f"SELECT count(*), max(unique_id) FROM {FEATURES}").fetchall() == [(1, "r0")]
    assert con.sql(f"SELECT count(*), min(unique_id), max(unique_id), sum(n) FROM {FEATURES}").fetchall() == [
        (ROWS, "r0000000", f"r{ROWS - 1:07d}", ROWS * (ROWS - 1) // 2)]
    assert con.sql(f"SELECT count(*) FROM {FEATURES} WHERE unique_id <> printf('r%07d', n)").fetchall() == [(0,)]
    con.close()
