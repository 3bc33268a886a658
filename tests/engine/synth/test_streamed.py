"""Large regions are generated in chunks by worker processes and merged: the merged files and
truth/ must be as consistent as a single-chunk county's."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from jiuzhu.engine.synth.generate import generate
from tests.engine.synth.rederive import read, rederive
from tests.engine.synth.test_determinism import digests
from tests.engine.synth.test_dirt import id_kind, sheet_rows

AS_OF = date(2025, 10, 31)


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("chunked") / "region"
    generate(out, 12_000, 21, AS_OF, chunk=4_000, workers=2)
    return out


def test_chunked_truth_agrees_with_the_rules(chunked: Path) -> None:
    clues = {(r["rule"], r["id_number"]) for r in read(chunked / "truth" / "clues.csv")}
    assert rederive(chunked / "truth", AS_OF) == clues
    manifest = json.loads((chunked / "truth" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["chunks"] == 3
    assert all(info["format"].startswith("csv") for info in manifest["files"].values())


def test_chunked_people_are_unique(chunked: Path) -> None:
    persons = read(chunked / "truth" / "persons.csv")
    assert len(persons) == 12_000
    assert len({p["id_number"] for p in persons}) == 12_000
    assert len({p["person"] for p in persons}) == 12_000


def test_chunked_rows_point_at_their_people(chunked: Path) -> None:
    manifest = json.loads((chunked / "truth" / "manifest.json").read_text(encoding="utf-8"))
    ids = {p["person"]: p["id_number"] for p in read(chunked / "truth" / "persons.csv")}
    records = read(chunked / "truth" / "records.csv")
    assert len({(r["file"], r["row"]) for r in records}) == len(records)
    checked = 0
    for name, info in manifest["files"].items():
        rows = sheet_rows(chunked / name, info["format"])
        col = info["columns"].index("id_number")
        mine = [r for r in records if r["file"] == name]
        assert len(mine) == info["rows"]
        for r in mine:
            cell = rows[int(r["row"]) - 1][col]
            if id_kind(cell) == "plain":
                assert cell == ids[r["person"]], (name, r["row"])
                checked += 1
    assert checked > 11_000


def test_chunked_generation_is_deterministic(chunked: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", 12_000, 21, AS_OF, chunk=4_000, workers=1)
    assert digests(tmp_path / "again") == digests(chunked)
