"""Screening a synthetic county with the true linkage, to test the rules apart from linkage."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb


def use_true_linkage(warehouse: Path, truth_dir: Path) -> None:
    """person_index and persons from truth/: every record keyed by the person it really is."""
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(f"""CREATE OR REPLACE TABLE person_index AS
            SELECT s.record_id, s.source_type, concat('T', t.person) AS person_key, 'truth' AS method
            FROM subjects s JOIN read_csv('{truth_dir / "records.csv"}', all_varchar=true) t
              ON t.file = s.file_name AND CAST(t.row AS INTEGER) = s.row""")
        con.execute(f"""CREATE OR REPLACE TABLE persons AS
            SELECT concat('T', person) AS person_key, name, id_number, sex, CAST(birth_date AS DATE) AS birth_date,
                   0 AS records
            FROM read_csv('{truth_dir / "persons.csv"}', all_varchar=true)""")
    finally:
        con.close()


def truth_pairs(truth_dir: Path) -> set[tuple[str, str]]:
    with open(truth_dir / "clues.csv", encoding="utf-8", newline="") as fh:
        return {(r["rule"], r["id_number"]) for r in csv.DictReader(fh)}


def scenarios(truth_dir: Path) -> list[dict[str, str]]:
    with open(truth_dir / "scenarios.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
