"""The small synthetic county: with the true linkage, screening finds exactly truth/clues.csv."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.engine.screening.truth import scenarios, truth_pairs
from tests.fixtures.county import SMALL_COUNTY_AS_OF


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
