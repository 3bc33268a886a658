"""derive_in drops each step's table once no later statement reads it (features._last_readers): at a cap below
``rec``'s size a table kept in the pool pushes ``rec`` out to the spill. The tables that go, when they go, and
that the features, name frequencies and guard are those of a derivation that keeps every table to the end."""

from __future__ import annotations

import duckdb

from jiuzhu.engine.linkage import features as feats
from jiuzhu.engine.linkage.features import derive_in, lineage_query
from tests.engine.linkage.conftest import background, mixed_county


def _county(registry) -> duckdb.DuckDBPyConnection:
    mixed_county(registry)
    background(registry)
    return registry.build()


def _derive(con: duckdb.DuckDBPyConnection, seen: dict[str, set[str]] | None = None):
    work = duckdb.connect()
    work.register("lineage", con.sql(lineage_query(con)).to_arrow_table())

    def tables(step: str) -> None:
        if seen is not None:
            seen[step] = {t for (t,) in work.sql("SELECT table_name FROM duckdb_tables()").fetchall()}

    out = derive_in(work, guard=True, step=tables)
    guard = work.sql("FROM link_guard ORDER BY ALL").fetchall()
    left = {t for (t,) in work.sql("SELECT table_name FROM duckdb_tables()").fetchall()} - {"link_guard"}
    return out, guard, left


def test_tables_no_later_step_reads_are_gone_before_the_candidates(registry):
    con = _county(registry)
    seen: dict[str, set[str]] = {}
    (features, _, _), _, left = _derive(con, seen)
    assert features.num_rows > 0
    # what the near names and the eligible namesakes were built from is gone once they are built
    near_inputs = {"near_src", "keyed", "near_pairs"}
    assert near_inputs <= seen["keyed"] | {"near_pairs"} and "near_pairs" in seen["near_pairs"]
    assert not near_inputs & seen["residue_names"]  # the step after ``near`` (a step is logged before its drops)
    assert not {"windowed", "cum_county", "cum_town", "cum_village"} & seen["by_eligible"]
    assert not {"own_house", "person_house", "id_house", "residue_keys"} & seen["by_town"]
    # what the features read is there to the end of the steps
    assert {"rec", "cand", "hh", "house_of", "fuzzy_of", "shape_variants", "near", "by_name", "by_eligible",
            "household_house"} <= seen["by_village"]
    assert left == set()  # the rest dropped at the end, as before


def test_dropping_early_changes_nothing(registry, monkeypatch):
    con = _county(registry)
    (features, name_tf, population), guard, _ = _derive(con)
    monkeypatch.setattr(feats, "_last_readers", lambda steps, after: {})  # every table kept to the end
    (kept_features, kept_tf, kept_population), kept_guard, _ = _derive(con)
    assert features.equals(kept_features) and name_tf.equals(kept_tf)
    assert (population, guard) == (kept_population, kept_guard)
