"""Outputs before and after a change, compared row for row (issue #15: a refactor changes nothing).

    python -m bench.equivalence snapshot --out DIR [--scale county] [--seed 7] [--id-poor-residents 30000]
    python -m bench.equivalence compare DIR_BEFORE DIR_AFTER

`snapshot` runs the demo preparation (synth → import → screen → demo cases) on a county in a fresh
home, and synth → import → screen on an ID-poor county, then writes what users and other systems
read: the person index, every clue (open and closed), the batches and the quarterly figures (every
cell of the .xlsx report). `compare` lists every file and row that differs; exit status 1 if any.
Run `snapshot` at the commit before and at the commit after, then `compare`.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

AS_OF = "2026-11-30"
YEAR, QUARTER = "2026", "4"


def _jiuzhu(home: Path, *args: str) -> str:
    env = {**os.environ, "JIUZHU_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", *args], env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"jiuzhu {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _xlsx_to_csv(xlsx: Path, out: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(xlsx, read_only=True, data_only=True)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                w.writerow([sheet.title, *("" if v is None else str(v) for v in row)])


def _exports(home: Path, out: Path, quarterly: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    _jiuzhu(home, "persons", "export", "--out", str(out / "persons.csv"))
    _jiuzhu(home, "clues", "export", "--format", "csv", "--all", "--out", str(out / "clues.csv"))
    (out / "batches.txt").write_text(_jiuzhu(home, "batches"), encoding="utf-8")
    if quarterly:
        xlsx = home / "quarterly.xlsx"
        _jiuzhu(home, "report", "quarterly", "--year", YEAR, "--quarter", QUARTER, "--out", str(xlsx),
                "--as-of", AS_OF)
        _xlsx_to_csv(xlsx, out / "quarterly.csv")


def snapshot(out: Path, scale: str, seed: int, id_poor_residents: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "county"
        _jiuzhu(home, "demo", "--no-serve", "--scale", scale, "--seed", str(seed), "--as-of", AS_OF)
        _exports(home, out / "county", quarterly=True)
        home = Path(tmp) / "id-poor"
        files = Path(tmp) / "id-poor-files"
        _jiuzhu(home, "synth", "--scale", str(id_poor_residents), "--seed", str(seed), "--out", str(files),
                "--as-of", AS_OF, "--id-poor", "--quiet")
        _jiuzhu(home, "init")
        _jiuzhu(home, "ingest", str(files))
        _jiuzhu(home, "screen", "--as-of", AS_OF)
        _exports(home, out / "id-poor", quarterly=False)
    for f in sorted(out.rglob("*.*")):
        print(f.relative_to(out), _lines(f), "lines")


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _comparable(path: Path) -> list[str]:
    """The file's lines; of the batch list, without the import time (when it ran, not what it holds)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.name != "batches.txt" or not lines:
        return lines
    drop = lines[0].split("\t").index("导入时间")
    return ["\t".join(c for i, c in enumerate(line.split("\t")) if i != drop) for line in lines]


def compare(before: Path, after: Path) -> int:
    differ = 0
    for f in sorted(before.rglob("*.*")):
        other = after / f.relative_to(before)
        if not other.exists():
            print(f"missing after: {f.relative_to(before)}")
            differ += 1
        elif _comparable(f) != _comparable(other):
            a, b = _comparable(f), _comparable(other)
            rows = [i for i in range(max(len(a), len(b))) if a[i:i + 1] != b[i:i + 1]]
            print(f"differs: {f.relative_to(before)} ({len(a)} vs {len(b)} lines; first rows {rows[:5]})")
            differ += 1
        else:
            print(f"identical: {f.relative_to(before)} ({_lines(f)} lines)")
    return 1 if differ else 0


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m bench.equivalence snapshot --out DIR | compare BEFORE AFTER")
        return 0
    p = argparse.ArgumentParser(prog="bench.equivalence")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--scale", default="county")
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--id-poor-residents", type=int, default=30000)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = p.parse_args(argv)
    if args.cmd == "snapshot":
        snapshot(args.out, args.scale, args.seed, args.id_poor_residents)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
