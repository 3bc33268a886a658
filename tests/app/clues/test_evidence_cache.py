"""The clue page's person file is read from the warehouse once, and again only after the file changed."""

from __future__ import annotations

import pytest

from jiuzhu.app.clues import evidence
from jiuzhu.engine.api import PersonFile


@pytest.fixture
def reads(tmp_path, monkeypatch):
    monkeypatch.setenv("JIUZHU_HOME", str(tmp_path))
    calls = []

    def fake(person_key, extra_record_ids=None):
        calls.append((person_key, tuple(extra_record_ids or ())))
        return PersonFile(None, [], [])

    monkeypatch.setattr(evidence, "person_file", fake)
    return calls


def test_reused_until_the_warehouse_changes(tmp_path, reads):
    (tmp_path / "warehouse.duckdb").write_bytes(b"x" * 100)
    first = evidence.cached_person_file("p1", ["r2", "r1"])
    assert evidence.cached_person_file("p1", ["r1", "r2"]) is first
    assert reads == [("p1", ("r2", "r1"))]
    evidence.cached_person_file("p2", ["r1"])  # another person: read
    assert len(reads) == 2
    with (tmp_path / "warehouse.duckdb").open("ab") as f:  # an import wrote the file
        f.write(b"y")
    assert evidence.cached_person_file("p1", ["r1", "r2"]) is not first
    assert len(reads) == 3
    (tmp_path / "warehouse.duckdb.wal").write_bytes(b"w")  # its write-ahead log too
    evidence.cached_person_file("p1", ["r1", "r2"])
    assert len(reads) == 4


def test_nothing_kept_without_a_warehouse(reads):
    evidence.cached_person_file("p1", [])
    evidence.cached_person_file("p1", [])
    assert len(reads) == 2
