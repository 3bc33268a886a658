"""The small synthetic county: with the true linkage, screening finds exactly truth/clues.csv."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.engine.screening.truth import scenarios, truth_pairs, use_true_linkage
from tests.fixtures.county import SMALL_COUNTY_AS_OF


@pytest.fixture(scope="module")
def county_warehouse(small_county: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from jiuzhu.engine.api import ingest

    home = tmp_path_factory.mktemp("screen_home")
    mp = pytest.MonkeyPatch()
    mp.setenv("JIUZHU_HOME", str(home))
    try:
        results = ingest(sorted(p for p in small_county.iterdir() if p.is_file()), as_of=SMALL_COUNTY_AS_OF)
    finally:
        mp.undo()
    assert not [r.file_name for r in results if r.status == "failed"]
    use_true_linkage(home / "warehouse.duckdb", small_county / "truth")
    return home / "warehouse.duckdb"


def test_true_linkage_gives_exactly_the_expected_clues(county_warehouse: Path, small_county: Path):
    from jiuzhu.engine.api import screen

    result = screen(SMALL_COUNTY_AS_OF, warehouse=county_warehouse)
    found = {(c.rule, c.person_id_number) for c in result.clues}
    expected = truth_pairs(small_county / "truth")
    assert found == expected
    assert Counter(r for r, _ in found) == Counter(r for r, _ in expected)
    for s in scenarios(small_county / "truth"):
        if s["expect"].startswith("not "):
            assert (s["expect"][4:], s["id_number"]) not in found, s["scenario"]
        else:
            assert (s["expect"], s["id_number"]) in found, s["scenario"]
    # Every clue is traceable to the cells it came from.
    assert all(c.records and all(r["file"] and r["row"] for r in c.records) for c in result.clues)
