"""truth/ agrees with itself: the expected clues are what the rules give over the true state."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from tests.engine.synth.rederive import read, rederive
from tests.fixtures.county import SMALL_COUNTY_AS_OF

RULES = ("SJ-01", "SJ-02", "SJ-03", "SJ-04", "MZ-01", "MZ-02", "WC-01", "FP-01")


def expected(root: Path) -> set[tuple[str, str]]:
    return {(r["rule"], r["id_number"]) for r in read(root / "truth" / "clues.csv")}


def test_clues_are_the_rules_over_the_true_state(small_county: Path) -> None:
    assert rederive(small_county / "truth", SMALL_COUNTY_AS_OF) == expected(small_county)


def test_clues_agree_in_the_id_poor_county_too(small_county_id_poor: Path) -> None:
    assert rederive(small_county_id_poor / "truth", SMALL_COUNTY_AS_OF) == expected(small_county_id_poor)


def test_every_rule_has_at_least_eight_planted_positives(small_county: Path) -> None:
    planted = Counter(r["rule"] for r in read(small_county / "truth" / "clues.csv") if r["planted"] == "1")
    assert all(planted[rule] >= 8 for rule in RULES), planted


def test_near_misses_do_not_fire_their_rule(small_county: Path) -> None:
    clues = {(r["rule"], r["person"]) for r in read(small_county / "truth" / "clues.csv")}
    misses = [r for r in read(small_county / "truth" / "scenarios.csv") if r["expect"].startswith("not ")]
    assert len({r["scenario"] for r in misses}) >= 10
    fired = [r for r in misses if (r["expect"][4:], r["person"]) in clues]
    assert fired == []


def test_records_cover_every_data_row_once(small_county: Path) -> None:
    manifest = json.loads((small_county / "truth" / "manifest.json").read_text(encoding="utf-8"))
    rows = read(small_county / "truth" / "records.csv")
    per_file = Counter(r["file"] for r in rows)
    assert {f: info["rows"] for f, info in manifest["files"].items()} == dict(per_file)
    assert len({(r["file"], r["row"]) for r in rows}) == len(rows)
    persons = {r["person"] for r in read(small_county / "truth" / "persons.csv")}
    assert {r["person"] for r in rows} <= persons


def test_clue_people_are_real_people_with_their_ids(small_county: Path) -> None:
    by_person = {r["person"]: r["id_number"] for r in read(small_county / "truth" / "persons.csv")}
    for r in read(small_county / "truth" / "clues.csv"):
        assert by_person[r["person"]] == r["id_number"]


def test_corrupted_ids_are_never_a_clue_persons(small_county: Path) -> None:
    clue_people = {r["person"] for r in read(small_county / "truth" / "clues.csv")}
    corrupted = read(small_county / "truth" / "corrupted.csv")
    assert corrupted
    assert not {r["person"] for r in corrupted} & clue_people


def test_all_13_source_types_have_a_file(small_county: Path) -> None:
    manifest = json.loads((small_county / "truth" / "manifest.json").read_text(encoding="utf-8"))
    sources = sorted(info["source"] for info in manifest["files"].values())
    assert sources == sorted(["household", "victim", "enforcement", "prisoner", "dibao", "tekun", "dibao_edge",
                              "temp_relief", "disability", "poverty_watch", "child_care", "veteran", "unemployment"])
    assert all(info["rows"] > 0 for info in manifest["files"].values())
    formats = Counter(info["format"] for info in manifest["files"].values())
    assert formats["xls"] == 1 and formats["csv-gb18030"] >= 1 and formats["csv-utf8-bom"] >= 1
