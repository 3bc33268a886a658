"""Ground truth of a synthetic county, and its true linkage (bench.screening.oracle_linkage)."""

from __future__ import annotations

import csv
from pathlib import Path

from bench.screening import oracle_linkage as use_true_linkage

__all__ = ["scenarios", "truth_pairs", "use_true_linkage"]


def truth_pairs(truth_dir: Path) -> set[tuple[str, str]]:
    with open(truth_dir / "clues.csv", encoding="utf-8", newline="") as fh:
        return {(r["rule"], r["id_number"]) for r in csv.DictReader(fh)}


def scenarios(truth_dir: Path) -> list[dict[str, str]]:
    with open(truth_dir / "scenarios.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
