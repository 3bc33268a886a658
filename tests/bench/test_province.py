"""bench.province end to end on a tiny county: every stage a `jiuzhu` command, the figures' shape, and the
exact rows and clues (the same synth seed always gives the same files, so the same counts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.province import main

STAGE_FIGURES = {"command", "exit", "wall_s", "cpu_s", "peak_rss_mib", "peak_rss_largest_mib", "peak_spill_gib",
                 "free_disk_gib_before", "free_disk_gib_after", "warehouse_gib", "load_average_after"}
ROWS, HOUSEHOLD, CLUES = 2736, 2000, 119  # `jiuzhu synth --scale 2000 --seed 7`, as of 2025-10-31
SNAPSHOT = {"rows": 46, "gone": 1, "corrected": 1, "added": 2}  # of the 46 低保边缘 member rows
SNAPSHOT_CLUES = {"clues": 119, "new": 0, "updated": 7, "lapsed": 0}


@pytest.mark.slow
def test_a_tiny_county_from_files_to_clues_and_a_snapshot(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)  # the commands' own database, in the work folder
    work = tmp_path / "work"
    assert main(["--scale", "2000", "--seed", "7", "--work", str(work), "--json", str(tmp_path / "figures.json")]) == 0
    figures = json.loads((work / "figures.json").read_text(encoding="utf-8"))
    assert json.loads((tmp_path / "figures.json").read_text(encoding="utf-8")) == figures
    for stage in (figures["synth"], figures["ingest"], figures["screen"], figures["snapshot"]["ingest"],
                  figures["snapshot"]["screen"]):
        assert stage.keys() >= STAGE_FIGURES and stage["exit"] == 0
        assert stage["peak_rss_mib"] >= stage["peak_rss_largest_mib"] > 0
    batches = figures["ingest"]["batches"]
    assert len(batches) == 13 and {b["state"] for b in batches} == {"已导入"}
    assert figures["ingest"]["rows"] == ROWS
    household = next(b for b in batches if "户籍" in b["file"])
    assert household["taken"] == HOUSEHOLD
    assert figures["screen"]["clues"] == {"clues": CLUES, "new": CLUES, "updated": 0, "lapsed": 0}
    assert isinstance(figures["screen"]["screening_s"], float)  # read from the clue table's title
    stages = [s["stage"] for s in figures["screen"]["linkage"]]
    assert stages[0] == "stream lineage" and stages[-1] == "write tables"
    assert figures["snapshot"]["changes"] == SNAPSHOT
    assert [b["taken"] for b in figures["snapshot"]["ingest"]["batches"]] == [46 - 1 + 2]
    assert figures["snapshot"]["screen"]["clues"] == SNAPSHOT_CLUES
    assert figures["files_to_clues"]["wall_s"] == round(figures["ingest"]["wall_s"] + figures["screen"]["wall_s"], 1)
    # A stage alone again on the kept folder: the same warehouse screened, nothing new.
    assert main(["--work", str(work), "--stages", "screen", "--json", str(tmp_path / "again.json")]) == 0
    again = json.loads((work / "figures.json").read_text(encoding="utf-8"))
    assert again["screen"]["clues"] == {"clues": SNAPSHOT_CLUES["clues"], "new": 0, "updated": 0, "lapsed": 0}
    assert again["synth"] == figures["synth"]


def test_a_stage_that_would_fill_the_disk_is_stopped(tmp_path: Path) -> None:
    """Below --min-free-gib the running command gets SIGTERM and the run ends with the stage failed, saying why."""
    work = tmp_path / "work"
    with pytest.raises(SystemExit, match="stage synth failed"):
        main(["--scale", "2000", "--work", str(work), "--stages", "synth", "--min-free-gib", "1e9",
              "--json", str(tmp_path / "figures.json")])
    synth = json.loads((work / "figures.json").read_text(encoding="utf-8"))["synth"]
    assert synth["stopped"] == "free disk below 1000000000.0 GiB" and synth["exit"] == -15
