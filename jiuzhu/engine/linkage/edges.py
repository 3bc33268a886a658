"""The scored pairs of a linkage, kept with it: a delta linkage scores only the pairs a changed feature row is in.

A pair's score (Splink, ``scoring.score_residue``) reads the two rows' features, the name frequencies
(registered as a lookup table, never counted from the input) and the population (prior and the u of the
per-person levels) — nothing else of the input. A delta linkage (delta.py) reuses the stored name
frequencies and falls back when the population changed, so a pair whose two feature rows are unchanged
(renamed to the new record ids) scores exactly as before: its stored edge, renamed, is the edge a full
linkage finds. Only the pairs with a row whose features differ (the residue's ``birth_to`` when its as-of
date moved) are scored again, and those can be pairs stored before or not (below the floor then).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from jiuzhu.engine.linkage.features import FEATURE_COLUMNS
from jiuzhu.engine.linkage.model import BLOCKING_RULES, COMPARISONS
from jiuzhu.engine.linkage.scoring import Edge


def _schema() -> pa.Schema:
    return pa.schema([("record_id_l", pa.string()), ("record_id_r", pa.string()),
                      ("match_weight", pa.float64()), ("match_probability", pa.float64()),
                      *((f"level_{c}", pa.string()) for c in COMPARISONS),
                      *((f"weight_{c}", pa.float64()) for c in COMPARISONS)])


def edges_table(edges: list[Edge]) -> pa.Table:
    """``edges`` as a table (one row per pair, left < right), in their order."""
    columns: dict[str, list] = {
        "record_id_l": [e.left for e in edges], "record_id_r": [e.right for e in edges],
        "match_weight": [e.match_weight for e in edges],
        "match_probability": [e.match_probability for e in edges]}
    for c in COMPARISONS:
        columns[f"level_{c}"] = [e.levels[c] for e in edges]
        columns[f"weight_{c}"] = [e.weights[c] for e in edges]
    return pa.table(columns, schema=_schema())


def edges_of(table: pa.Table) -> list[Edge]:
    """The Edges of an ``edges_table`` (the values as stored: already rounded as ``scoring._edge`` rounds)."""
    lists = {name: table.column(name).to_pylist() for name in table.schema.names}
    levels = [lists[f"level_{c}"] for c in COMPARISONS]
    weights = [lists[f"weight_{c}"] for c in COMPARISONS]
    names = list(COMPARISONS)
    return [Edge(left, right, weight, probability, dict(zip(names, lv, strict=True)),
                 dict(zip(names, wt, strict=True)))
            for left, right, weight, probability, lv, wt in zip(
                lists["record_id_l"], lists["record_id_r"], lists["match_weight"], lists["match_probability"],
                zip(*levels, strict=True), zip(*weights, strict=True), strict=True)]


def _blocked() -> str:
    """SQL condition: some blocking rule pairs residue record ``l`` with record ``r`` (Splink's left input is
    the residue, its right the features: scoring.score_residue)."""
    return " OR ".join(f"({rule})" for rule in BLOCKING_RULES)


def changed_rows(work: duckdb.DuckDBPyConnection, before: pa.Table, after: pa.Table) -> list[str] | None:
    """The records whose pairs are to be scored again when the features ``before`` (the stored ones, renamed)
    became ``after`` (the same rows); None when every pair must be (a column other than ``birth_to`` moved).

    ``birth_to`` (a residue record's eligibility bound, moved by a new as-of date) is read by one comparison
    only, ``eligibility``: a residue × ID pair's level changes only when the ID's birth date lies between
    the two bounds (``id_birth > birth_to``), a residue × residue pair has none (``不适用``), and no blocking
    rule reads it. So the pairs to score again are those of a moved residue record with an ID-bearing record
    born between its two bounds that some blocking rule pairs with it: their records are returned (every
    pair among them is then scored again — the others score as before, so that is exact too)."""
    columns = [c for c in FEATURE_COLUMNS if c != "birth_to"]
    work.register("_before", before)
    work.register("_after", after)
    try:
        other = work.sql(f"""SELECT count(*) FROM _before b FULL JOIN _after a USING (unique_id)
            WHERE a.unique_id IS NULL OR b.unique_id IS NULL
               OR ({" OR ".join(f"a.{c} IS DISTINCT FROM b.{c}" for c in columns if c != "unique_id")})
            """).fetchall()[0][0]
        if other:
            return None
        found = work.sql(f"""
            WITH moved AS (SELECT a.*, least(a.birth_to, b.birth_to) AS lo, greatest(a.birth_to, b.birth_to) AS hi
                           FROM _after a JOIN _before b USING (unique_id)
                           WHERE a.birth_to IS DISTINCT FROM b.birth_to)
            SELECT l.unique_id AS a, r.unique_id AS b
            FROM moved l JOIN _after r ON r.id_birth > l.lo AND r.id_birth <= l.hi
            WHERE r.id_number IS NOT NULL AND ({_blocked()})
            UNION ALL SELECT unique_id, unique_id FROM moved WHERE lo IS NULL OR hi IS NULL""").fetchall()
    finally:
        work.unregister("_before")
        work.unregister("_after")
    if any(a == b for a, b in found):  # a bound appeared or went (delta._moved refuses that before)
        return None
    return sorted({r for pair in found for r in pair})


def rescored(stored: list[Edge], fresh: list[Edge], again: list[str]) -> list[Edge]:
    """The edges of now: ``stored`` (renamed) but the pairs of two records of ``again``, which ``fresh``
    (every pair among them scored now, scoring.score_residue) replaces — in scoring's order."""
    among = set(again)
    kept = {(e.left, e.right): e for e in stored if not (e.left in among and e.right in among)}
    kept.update({(e.left, e.right): e for e in fresh})
    return sorted(kept.values(), key=lambda e: (e.left, e.right))
