"""Pseudonymised sharing against the plain run: synth a county, pseudonymise every file, run both
through `jiuzhu ingest` → `screen` → `clues export` in their own homes, reveal the pseudonymised clues
through the map and compare them clue by clue.

    python -m bench.privacy [--residents N] [--seed S] [--id-poor]

A clue is (rule, person, target unit); the person is its revealed ID number, or — for a person without
one — its revealed, normalised name. A clue's evidence carries ID numbers when every record it cites has a
valid ID in the plain run; those clues must be equal in everything (priority, tags, files cited).
Figures go to stdout and bench/out/privacy.json (docs/privacy.md).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

AS_OF = date(2025, 10, 31)
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    """One `jiuzhu` command in its own home, on SQLite (never the test database of DATABASE_URL)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["JIUZHU_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", *args], env=env, capture_output=True,
                          text=True, check=False)


def county_clues(files: Path, home: Path, as_of: date = AS_OF) -> list[dict[str, str]]:
    """ingest every file of the folder, screen, and export every clue (`--all`)."""
    for step in (("init",), ("ingest", "--as-of", as_of.isoformat(), str(files)),
                 ("screen", "--as-of", as_of.isoformat()),
                 ("clues", "export", "--format", "csv", "--all", "--out", str(home / "clues.csv"))):
        done = cli(home, *step)
        if done.returncode != 0:
            raise RuntimeError(f"jiuzhu {' '.join(step)} failed: {done.stderr}")
    with open(home / "clues.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_map(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["pseudonym"]: r["original"] for r in csv.DictReader(fh)}


def _key(row: dict[str, str], mapping: dict[str, str]) -> tuple[str, str, str]:
    from jiuzhu.engine.identity.names import normalise_name

    id_number = mapping.get(row["person_id_number"], row["person_id_number"])
    person = id_number or "name:" + normalise_name(mapping.get(row["person_name"], row["person_name"]))
    return row["rule"], person, row["target_unit"]


def _facts(row: dict[str, str]) -> tuple[str, str, tuple[str, ...]]:
    """What a clue with an ID must keep: priority, tags, and the files of its evidence (rows move: a
    pseudonymised file has no title rows)."""
    files = tuple(sorted(":".join(r.split(":")[:2]) for r in row["records"].split(";") if r))
    return row["priority"], row["tags"], files


def valid_id_records(home: Path) -> set[str]:
    """``type:file:row`` of every stored record whose main subject has a valid ID (the plain run's)."""
    import duckdb

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        tables = [t for (t,) in con.sql("SELECT table_name FROM information_schema.tables "
                                         "WHERE table_name LIKE 'rec_%'").fetchall()]
        return {f"{t}:{f}:{r}" for table in tables for t, f, r in con.sql(
            f"SELECT source_type, file_name, \"row\" FROM {table} WHERE id_status = 'valid'").fetchall()}
    finally:
        con.close()


def compare(plain: list[dict[str, str]], pseudo: list[dict[str, str]], mapping: dict[str, str],
            id_records: set[str]) -> dict:
    """Recall and precision of the revealed pseudonymised clues against the plain ones, and the clues whose
    evidence carries ID numbers (every record of the clue has a valid ID: ``id_records``, the plain run's)
    that differ in anything or are missing (should be none)."""
    a = Counter(_key(r, {}) for r in plain)
    b = Counter(_key(r, mapping) for r in pseudo)
    common = sum((a & b).values())
    facts_a = {_key(r, {}): _facts(r) for r in plain
               if r["records"] and all(x in id_records for x in r["records"].split(";"))}
    facts_b = {_key(r, mapping): _facts(r) for r in pseudo}
    id_diff = sorted(k for k in facts_a if facts_a[k] != facts_b.get(k))
    return {"plain": len(plain), "pseudonymised": len(pseudo), "common": common,
            "recall": common / len(plain) if plain else 1.0, "precision": common / len(pseudo) if pseudo else 1.0,
            "clues_with_id_evidence": len(facts_a), "clues_with_id_evidence_differing": id_diff,
            "only_plain": sorted(a - b), "only_pseudonymised": sorted(b - a)}


def county_people(truth: Path) -> tuple[set[str], set[str]]:
    """Every ID number and full name of the county's residents (truth/persons.csv)."""
    ids, names = set(), set()
    with open(truth / "persons.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            ids.add(r["id_number"])
            names.add(r["name"])
    return ids, names


def _texts_of(path: Path):
    """Every text a file holds: the cells of a database or spreadsheet, the text of anything else."""
    suffix = path.suffix.lower()
    if suffix == ".duckdb":
        import duckdb

        con = duckdb.connect(str(path), read_only=True)
        try:
            for table, column in con.sql("""SELECT table_name, column_name FROM information_schema.columns
                                            WHERE data_type = 'VARCHAR'""").fetchall():
                for (value,) in con.sql(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
                                        ).fetchall():
                    yield value
        finally:
            con.close()
    elif suffix in {".sqlite3", ".db", ".sqlite"}:
        con = sqlite3.connect(path)
        try:
            for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                for row in con.execute(f'SELECT * FROM "{table}"'):
                    yield from (str(v) for v in row if v is not None)
        finally:
            con.close()
    elif suffix in {".xlsx", ".xls"}:
        from jiuzhu.engine.intake.headers import cell_text
        from jiuzhu.engine.intake.readers import read_sheets

        for sheet in read_sheets(path):
            for _, cells in sheet.rows:
                yield from (cell_text(c) for c in cells)
    else:
        yield path.read_bytes().decode("utf-8", errors="ignore")


def leaks(where: Path, ids: set[str], names: set[str]) -> list[str]:
    """Where an ID number or a name of the county stands in any file under ``where``: an ID anywhere in
    a text, a name as a whole cell, or inside a text when it has 3 characters or more."""
    lengths = sorted({len(n) for n in names if len(n) >= 3})
    found = []
    for path in sorted(p for p in where.rglob("*") if p.is_file() and not p.name.endswith((".wal", ".lock"))):
        for text in _texts_of(path):
            hit = next((m for m in _ID.findall(text) if m in ids), None)
            if hit is None and text in names:
                hit = text
            if hit is None and len(text) > 3:  # every substring of a name's length: linear in the text
                hit = next((text[i:i + n] for n in lengths for i in range(len(text) - n + 1)
                            if text[i:i + n] in names), None)
            if hit is not None:
                found.append(f"{path.relative_to(where)}: {hit}")
                break
    return found


def main(argv: list[str]) -> int:
    from jiuzhu.engine.pseudonymize import pseudonymise

    parser = argparse.ArgumentParser(prog="python -m bench.privacy")
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=91001)
    parser.add_argument("--id-poor", action="store_true")
    args = parser.parse_args(argv)
    from jiuzhu.engine.synth.config import IdPoor, SynthConfig
    from jiuzhu.engine.synth.generate import generate

    work = Path(tempfile.mkdtemp(prefix="bench-privacy-"))
    county = work / "county"
    generate(county, args.residents, args.seed, AS_OF, SynthConfig(id_poor=IdPoor() if args.id_poor else None))
    started = time.perf_counter()
    pseudonymise([county], os.urandom(32), work / "sent", work / "map.csv")
    seconds = time.perf_counter() - started
    plain = county_clues(county, work / "home_plain")
    pseudo = county_clues(work / "sent", work / "home_pseudo")
    result = compare(plain, pseudo, read_map(work / "map.csv"), valid_id_records(work / "home_plain"))
    ids, names = county_people(county / "truth")
    result |= {"residents": args.residents, "seed": args.seed, "id_poor": args.id_poor,
               "pseudonymise_seconds": round(seconds, 1),
               "leaks": leaks(work / "sent", ids, names) + leaks(work / "home_pseudo", ids, names)}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "privacy.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if result["recall"] >= 0.97 and result["precision"] >= 0.97 and not result["leaks"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
