"""Every kind of dirt is in the files, at its configured rate, and the manifest counts what
the files really hold (read back from the files themselves)."""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from python_calamine import CalamineWorkbook

from jiuzhu.engine.identity.idcard import check_digit
from jiuzhu.engine.synth import names as nm
from tests.engine.synth.rederive import read

ROW_KINDS = ("id_float", "id_invalid", "id_legacy15", "id_fullwidth", "id_spaces", "id_lower_x", "id_missing",
             "id_missing_enforcement", "id_missing_victim", "name_masked", "name_typo", "date_mixed", "amount_mixed",
             "enum_variant", "rejected_row", "dropped_value", "duplicate_row", "multiline_cell")
FILE_KINDS = ("title_row", "subtitle_row", "blank_row", "serial_column", "serial_only_rows", "two_row_merged_header",
              "header_line_breaks", "required_star", "totals_row", "notes_rows", "instructions_sheet", "hidden_sheet")
ENCODING = {"csv-gb18030": "gb18030", "csv-utf8-bom": "utf-8-sig", "csv-utf8": "utf-8", "csv-utf16": "utf-16"}


def manifest(root: Path) -> dict:
    return json.loads((root / "truth" / "manifest.json").read_text(encoding="utf-8"))


def sheet_rows(path: Path, fmt: str) -> list[list[object]]:
    """Rows as a spreadsheet numbers them (index 0 = row 1) of the data sheet."""
    if fmt.startswith("csv"):
        with open(path, encoding=ENCODING[fmt], newline="") as fh:
            return list(csv.reader(fh, delimiter="\t" if fmt == "csv-utf8" else ","))
    book = CalamineWorkbook.from_path(str(path))
    names = [s.name for s in book.sheets_metadata if s.name not in ("填表说明", "下拉选项")]
    return book.get_sheet_by_name(names[0]).to_python(skip_empty_area=False)


def id_kind(cell: object) -> str:
    if isinstance(cell, float):
        return "float"
    text = str(cell)
    if text == "":
        return "missing"
    if re.fullmatch(r"\d\.\d+E\+17", text) or (
        len(text) == 18 and text.endswith("000") and check_digit(text[:17]) != text[17]
    ):
        return "float"
    if re.search(r"[０-９]", text):
        return "fullwidth"
    if " " in text:
        return "spaces"
    if re.fullmatch(r"\d{15}", text):
        return "legacy15"
    if text.endswith("x"):
        return "lower_x"
    if check_digit(text[:17]) != text[17]:
        return "invalid"
    return "plain"


def test_every_dirt_kind_is_present(small_county: Path) -> None:
    m = manifest(small_county)
    assert all(m["dirt"][k]["count"] > 0 for k in ROW_KINDS), {k: m["dirt"][k]["count"] for k in ROW_KINDS}
    assert all(m["file_dirt"].get(k, 0) > 0 for k in FILE_KINDS), m["file_dirt"]


@pytest.mark.parametrize("kind", ROW_KINDS)
def test_each_dirt_kind_is_at_its_rate(small_county: Path, kind: str) -> None:
    d = manifest(small_county)["dirt"][kind]
    n, rate = d["eligible"], d["rate"]
    expected = n * rate
    # four binomial standard deviations (plus one row for the rare kinds)
    assert abs(d["count"] - expected) <= 4 * math.sqrt(n * rate * (1 - rate)) + 1, d


def test_file_level_dirt_is_at_its_rate(small_county: Path) -> None:
    m = manifest(small_county)
    files = len(m["files"])
    assert m["file_dirt"]["serial_column"] == round(0.6 * files)
    assert m["file_dirt"]["title_row"] == round(0.85 * files)


def test_id_cells_in_the_files_are_what_the_manifest_counts(small_county: Path) -> None:
    m = manifest(small_county)
    records = read(small_county / "truth" / "records.csv")
    dups = {(r["file"], r["row"]) for r in read(small_county / "truth" / "duplicates.csv")}
    persons = {r["person"]: r["id_number"] for r in read(small_county / "truth" / "persons.csv")}
    rows_of: dict[str, list[dict]] = {}
    for r in records:
        rows_of.setdefault(r["file"], []).append(r)
    corrupted = {(r["file"], r["row"]) for r in read(small_county / "truth" / "corrupted.csv")}
    seen_corrupted = set()
    for name, info in m["files"].items():
        if info["source"] == "household":
            continue
        rows = sheet_rows(small_county / name, info["format"])
        col = info["columns"].index("id_number")
        kinds: Counter[str] = Counter()
        for r in rows_of[name]:
            if (name, r["row"]) in dups:
                continue
            cell = rows[int(r["row"]) - 1][col]
            kind = id_kind(cell)
            kinds[kind] += 1
            if kind == "float":
                seen_corrupted.add((name, r["row"]))
            if kind == "plain":  # a clean cell holds the person's true number
                assert cell == persons[r["person"]]
        dirt = info["dirt"]
        missing = sum(v for k, v in dirt.items() if k.startswith("id_missing") or k == "id_stripped")
        assert kinds["missing"] == missing, name
        for kind in ("float", "invalid", "legacy15", "fullwidth", "spaces", "lower_x"):
            assert kinds[kind] == dirt.get(f"id_{kind}", 0), (name, kind)
    assert seen_corrupted == corrupted


def test_bad_rows_name_cells_that_are_bad(small_county: Path) -> None:
    m = manifest(small_county)
    bad = read(small_county / "truth" / "bad_rows.csv")
    kinds = Counter(r["kind"] for r in bad)
    assert kinds["rejected"] == m["dirt"]["rejected_row"]["count"]
    assert kinds["dropped"] == m["dirt"]["dropped_value"]["count"]
    assert kinds["duplicate"] == m["dirt"]["duplicate_row"]["count"]
    for r in bad:
        if r["kind"] not in ("rejected", "dropped"):
            continue
        info = m["files"][r["file"]]
        rows = sheet_rows(small_county / r["file"], info["format"])
        cell = rows[int(r["row"]) - 1][info["columns"].index(r["field"])]
        if r["reason"] == "empty_required":
            assert cell in ("", None)
        else:
            assert cell not in ("", None)


def test_id_poor_county_strips_court_ids(small_county_id_poor: Path) -> None:
    m = manifest(small_county_id_poor)
    by_source = {info["source"]: info for info in m["files"].values()}
    victim, enforcement = by_source["victim"], by_source["enforcement"]
    assert abs(victim["dirt"]["id_stripped"] / victim["eligible"]["id_stripped"] - 0.25) < 0.08
    assert abs(enforcement["dirt"]["id_stripped"] / enforcement["eligible"]["id_stripped"] - 0.20) < 0.06
    # ID-less court rows still carry other evidence: birth date, phone or address columns
    for info in (victim, enforcement):
        assert {"birth_date", "phone", "address"} <= set(info["columns"])


def test_ordinary_county_court_files_carry_birth_date_phone_and_address(small_county: Path) -> None:
    # as in the ID-poor county: a court row whose ID is missing still leaves other evidence
    by_source = {info["source"]: info for info in manifest(small_county)["files"].values()}
    for source in ("victim", "enforcement"):
        assert {"birth_date", "phone", "address"} <= set(by_source[source]["columns"])


def test_id_poor_county_has_namesakes_in_one_township(small_county_id_poor: Path) -> None:
    persons = read(small_county_id_poor / "truth" / "persons.csv")
    same = Counter((p["name"], p["township"]) for p in persons)
    assert same[("陈秀英", next(t for (n, t) in same if n == "陈秀英"))] >= 3
    court = {
        r["person"]
        for t in ("victim", "enforcement")
        for r in read(small_county_id_poor / "truth" / "state" / f"{t}.csv")
    }
    by_id = {p["person"]: p for p in persons}
    shared = sum(1 for p in court if same[(by_id[p]["name"], by_id[p]["township"])] > 1)
    assert shared >= 30


def test_no_registry_date_falls_before_its_persons_birth(small_county: Path) -> None:
    born = {p["person"]: p["birth_date"] for p in read(small_county / "truth" / "persons.csv")}
    dated = {"disability": "issue_date", "temp_relief": "relief_date", "child_care": "enrolled_date",
             "dibao": "enrolled_date", "unemployment": "registered_date"}
    checked = 0
    for source, column in dated.items():
        for row in read(small_county / "truth" / "state" / f"{source}.csv"):
            if row[column]:
                assert row[column] >= born[row["person"]], (source, row["row"])
                checked += 1
    assert checked > 1000


def test_id_poor_stripped_rows_get_surname_typos_and_address_only_rows(small_county_id_poor: Path) -> None:
    m = manifest(small_county_id_poor)
    by_source = {info["source"]: info for info in m["files"].values()}
    for source in ("victim", "enforcement"):
        info = by_source[source]
        eligible, count = info["eligible"]["address_only"], info["dirt"]["address_only"]
        assert eligible == info["dirt"]["id_stripped"] and abs(count - 0.3 * eligible) <= 4 * math.sqrt(
            eligible * 0.3 * 0.7) + 1
    # a typo on a stripped row is one character, the surname as often as not (林 → 琳, 霖, 材 …)
    changed: Counter[str] = Counter()
    rng = np.random.default_rng(5)
    for _ in range(2000):
        typed = nm.typo_wide(rng, "林华兰")
        assert typed != "林华兰" and len(typed) == 3 and sum(a != b for a, b in zip(typed, "林华兰", strict=True)) == 1
        changed["surname" if typed[0] != "林" else "given"] += 1
    assert changed["surname"] > 400 and changed["given"] > 400
