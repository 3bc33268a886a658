"""A county where every unit sends pseudonymised files: nothing of its people reaches the platform, and
its clues, revealed through the map, are the plain run's (bench/privacy.py measures the same)."""

from __future__ import annotations

from pathlib import Path

from bench.privacy import cli, compare, county_clues, county_people, leaks, read_map, valid_id_records
from jiuzhu.engine.pseudonymize import pseudonymise


def test_pseudonymised_county_links_and_screens_as_the_plain_one(small_county: Path, tmp_path: Path) -> None:
    ids, names = county_people(small_county / "truth")
    assert leaks(small_county, ids, names)  # the scan finds them where they are

    outcome = pseudonymise([small_county], b"a key the county's units share", tmp_path / "sent", tmp_path / "map.csv")
    assert not outcome.failed and len(outcome.written) == 13
    home = tmp_path / "home"
    pseudo = county_clues(tmp_path / "sent", home)
    plain = county_clues(small_county, tmp_path / "plain_home")

    result = compare(plain, pseudo, read_map(tmp_path / "map.csv"), valid_id_records(tmp_path / "plain_home"))
    assert result["clues_with_id_evidence"] > 100 and result["clues_with_id_evidence_differing"] == []
    assert result["recall"] >= 0.97 and result["precision"] >= 0.97, result
    # every batch is marked pseudonymised (recognised by its ID cells), none of the plain run's
    listed = cli(home, "batches").stdout.splitlines()[1:]
    assert len(listed) == 13 and all("·假名化" in line for line in listed)
    assert "假名化" not in cli(tmp_path / "plain_home", "batches").stdout
    # the files sent, the warehouse, the case database, the reports and anything else in the home
    assert leaks(tmp_path / "sent", ids, names) == []
    assert leaks(home, ids, names) == []
