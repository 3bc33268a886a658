"""`jiuzhu screen` after a new monthly snapshot of one registry, against a full screen of the same data.

    python -m bench.incremental [--residents N | --scale county] [--seed S] [--repeat 3] [--share 0.03]

Synth a county, ingest it, screen once; then, each time with the CLI as a user runs it (a new process,
start-up included, wall clock):
- ``full``: ``jiuzhu screen --full`` (links and screens everything);
- ``unchanged``: ``jiuzhu screen`` with no record changed since the last run (the linkage is kept);
- ``snapshot``: a new 低保边缘 snapshot (``--share`` of its rows gone, as many corrected, a few added) is
  ingested, then ``jiuzhu screen`` — and right after, ``jiuzhu screen --full`` must change nothing: the
  same open clues (``jiuzhu clues export``) and 新增 0，更新 0，事实消失 0 (counted: the runs whose linkage
  derived the features again and wrote its tables as changes, the snapshot reaching the residue);
- ``away``: then a later snapshot of that file whose gone, corrected and added rows (with valid IDs) are
  of persons the stored linkage says no record without ID reaches (``reached``): the delta path of
  linkage/delta.py when its checks agree (counted), verified by a ``--full`` run the same way.
Medians of ``--repeat`` runs, wall and CPU seconds (the CPU of each `jiuzhu screen` process: on a shared
machine the wall clock also waits for the cores); figures to stdout and bench/out/incremental.json. With
``JIUZHU_LINK_STAGES=FILE`` every linkage appends its stages to FILE (a delta one has ``delta check …
reused=1``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

AS_OF = date(2025, 10, 31)
NOTHING = "新增 0，更新 0，事实消失 0"
KEPT = "沿用上次关联结果"
DELTA = "沿用其比对特征重新关联"
REDERIVED = "重新推导比对特征"  # a delta linkage whose changes reach the residue: features derived again


SCOPED = re.compile(r"筛查：只重算变动涉及的 (\d+) 人")
# CPU seconds (user + system) of each `jiuzhu screen` measured, in the order of their wall seconds: on a
# shared machine the wall clock waits for the cores, the CPU time does not.
CPU: dict[str, list[float]] = {}


def _scoped(out: str) -> int | None:
    """How many persons a `jiuzhu screen` screened when it screened only what changed, else None."""
    found = SCOPED.search(out)
    return int(found.group(1)) if found else None


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _cli(home: Path, *args: str, cpu: str = "") -> tuple[float, str]:
    """Wall seconds and stdout of one `jiuzhu` command in a process of its own (its CPU seconds appended to
    ``CPU[cpu]`` when named)."""
    env = {**os.environ, "JIUZHU_HOME": str(home), "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    started, cpu_before = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "jiuzhu.cli.main", *args], env=env, capture_output=True,
                          text=True, check=False)
    seconds = time.perf_counter() - started
    if cpu:
        CPU.setdefault(cpu, []).append(round(_children_cpu() - cpu_before, 2))
    if done.returncode != 0:
        raise RuntimeError(f"jiuzhu {' '.join(args)} failed: {done.stderr[-2000:]}")
    return seconds, done.stdout


def _open_clues(home: Path, out: Path) -> str:
    _cli(home, "clues", "export", "--format", "csv", "--out", str(out))
    return out.read_text(encoding="utf-8")


def _plain(header: str) -> str:
    """A header cell without its spaces, line breaks and required-field stars (``*姓  名`` → ``姓名``)."""
    return re.sub(r"[\s*]", "", header)


def reached(home: Path) -> tuple[set[str], set[str]]:
    """The IDs and names of the persons the stored linkage says a record without ID can reach (its
    candidates, the heads named on rows without ID, persons with a house) and the residue's names: a
    snapshot that leaves them alone may take the delta path (linkage/delta.py checks it all again)."""
    import duckdb  # here, not at the top: the bench package imports no engine at the top

    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        ids = {r[0] for r in con.sql("""SELECT id_number FROM linkage_features WHERE id_number IS NOT NULL
            UNION SELECT value FROM linkage_guard WHERE kind IN ('head', 'house')""").fetchall()}
        names = {r[0] for r in con.sql("SELECT name_norm FROM linkage_features WHERE id_number IS NULL "
                                       "AND name_norm IS NOT NULL").fetchall()}
    return ids, names


def next_snapshot(source: Path, dest: Path, share: float, month: int, ids_only: bool = False,
                  avoid: tuple[set[str], set[str]] = (set(), set())) -> dict[str, int]:
    """A later 低保边缘 file: ``share`` of the member rows gone, as many with a corrected 家庭住址 (or name),
    and a few added (a new name without ID); the title and header lines as they were. ``ids_only``: only
    rows with a valid member ID go or are corrected, and the added rows are heads listed as members of
    their own 户 (with their IDs, persons of the 户籍 already) — a snapshot that may leave the records
    without ID and the population as they were (linkage/delta.py decides). ``avoid``: IDs and names
    (``reached``) whose rows are neither picked nor added."""
    from jiuzhu.engine.identity.idcard import parse_id  # here: the bench package imports no engine at the top

    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    at = next(i for i, r in enumerate(rows) if any(_plain(h) in ("姓名", "成员姓名") for h in r))
    header = [_plain(h) for h in rows[at]]
    member = next(i for i, h in enumerate(header) if h in ("姓名", "成员姓名"))
    body = rows[at + 1:]
    people = [i for i, r in enumerate(body) if len(r) > member + 1 and r[member].strip()]
    if ids_only:
        people = [i for i in people if (number := parse_id(body[i][member + 1]).number)
                  and number not in avoid[0] and body[i][member].strip() not in avoid[1]]
    n = max(1, int(len(people) * share))
    step = max(1, len(people) // (2 * n))
    picked = people[month % step::step][:2 * n]
    gone, corrected = set(picked[:n]), picked[n:]
    column = header.index("家庭住址") if "家庭住址" in header else member
    for i in corrected:
        body[i][column] = body[i][column] + "（更正）"
    added = [[*body[i][:member], body[i][member] + "新", "", *body[i][member + 2:]] for i in picked[:3]]
    heads = [header.index(h) for h in ("户主姓名", "户主身份证号码", "户主身份证号") if h in header]
    if ids_only and len(heads) == 2:
        name, number = heads
        added = [[*body[i][:member], body[i][name], body[i][number], *body[i][member + 2:]] for i in picked[:3]
                 if parse_id(body[i][number]).number not in (None, *avoid[0])
                 and body[i][name].strip() not in avoid[1]]
    kept = [r for i, r in enumerate(body) if i not in gone]
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([*rows[:at + 1], *kept, *added])
    return {"rows": len(people), "gone": len(gone), "corrected": len(corrected), "added": len(added)}


def run(residents: int, seed: int, repeat: int, share: float, work: Path) -> dict:
    # here, not at the top: the bench package is imported by `python -m bench` for every module
    from jiuzhu.engine.synth.config import SynthConfig
    from jiuzhu.engine.synth.generate import generate

    county, home = work / "county", work / "home"
    load_before = os.getloadavg()[0]
    generate(county, residents, seed, AS_OF, SynthConfig())
    files = sorted(str(p) for p in county.iterdir() if p.is_file())
    _cli(home, "ingest", "--as-of", AS_OF.isoformat(), *files)
    first, _ = _cli(home, "screen", "--as-of", AS_OF.isoformat())
    full, unchanged, snapshot, changes, away, away_changes = [], [], [], [], [], []
    [edge] = [Path(f) for f in files if "低保边缘" in f]
    for k in range(repeat):
        full.append(_cli(home, "screen", "--as-of", AS_OF.isoformat(), "--full", cpu="full")[0])
        seconds, out = _cli(home, "screen", "--as-of", AS_OF.isoformat(), cpu="unchanged")
        assert KEPT in out and NOTHING in out, out
        unchanged.append(seconds)
        month = work / f"m{k + 1}" / edge.name
        changes.append(next_snapshot(edge, month, share, k + 1))
        # as-of dates in the order of the files: the latest as-of is the current snapshot
        _cli(home, "ingest", "--as-of", date(2025, 11, 1 + 2 * k).isoformat(), str(month))
        seconds, out_snapshot = _cli(home, "screen", "--as-of", AS_OF.isoformat(), cpu="snapshot")
        snapshot.append(seconds)
        kept = KEPT in out_snapshot
        before = _open_clues(home, work / "before.csv")
        _, out = _cli(home, "screen", "--as-of", AS_OF.isoformat(), "--full")
        assert NOTHING in out, out
        assert _open_clues(home, work / "after.csv") == before, "open clues differ from the full screen's"
        changes[-1]["linkage_kept"] = int(kept)
        changes[-1]["delta"] = int(DELTA in out_snapshot)
        changes[-1]["rederived"] = int(REDERIVED in out_snapshot)
        changes[-1]["scoped"] = _scoped(out_snapshot)
        # A later snapshot of the same file whose changed rows are away from the residue (``reached``).
        away_file = work / f"a{k + 1}" / edge.name
        away_changes.append(next_snapshot(month, away_file, share, k + 1, ids_only=True, avoid=reached(home)))
        _cli(home, "ingest", "--as-of", date(2025, 11, 2 + 2 * k).isoformat(), str(away_file))
        seconds, out = _cli(home, "screen", "--as-of", AS_OF.isoformat(), cpu="away")
        away.append(seconds)
        away_changes[-1]["delta"] = int(DELTA in out)
        away_changes[-1]["rederived"] = int(REDERIVED in out)
        away_changes[-1]["scoped"] = _scoped(out)
        # why not the delta path, when not
        away_changes[-1]["fallback"] = "".join(re.findall(r"(?:完整关联|无身份证号的记录)（(.*?)）", out))
        before = _open_clues(home, work / "before.csv")
        _, out = _cli(home, "screen", "--as-of", AS_OF.isoformat(), "--full")
        assert NOTHING in out, out
        assert _open_clues(home, work / "after.csv") == before, "open clues differ from the full screen's"
    median = {name: round(statistics.median(v), 2) for name, v in
              (("full", full), ("unchanged", unchanged), ("snapshot", snapshot), ("away", away))}
    return {"residents": residents, "seed": seed, "repeat": repeat, "share": share, "first_screen": round(first, 2),
            "seconds": {"full": full, "unchanged": unchanged, "snapshot": snapshot, "away": away},
            "cpu_seconds": CPU, "median_cpu": {name: round(statistics.median(v), 2) for name, v in CPU.items()},
            "median": median, "ratio_unchanged": round(median["unchanged"] / median["full"], 3),
            "ratio_snapshot": round(median["snapshot"] / median["full"], 3),
            "ratio_away": round(median["away"] / median["full"], 3), "snapshots": changes,
            "away_snapshots": away_changes,
            "load_before": load_before, "cores": os.cpu_count()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.incremental")
    parser.add_argument("--residents", type=int, default=None)
    parser.add_argument("--scale", default="county")
    parser.add_argument("--seed", type=int, default=91002)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--share", type=float, default=0.03, help="rows gone (and as many corrected)")
    args = parser.parse_args(argv)
    # here, not at the top: the bench package is imported by `python -m bench` for every module
    from jiuzhu.engine.synth.generate import SCALES

    residents = args.residents or SCALES[args.scale]
    with tempfile.TemporaryDirectory(prefix="jiuzhu-bench-incr-") as tmp:
        figures = run(residents, args.seed, args.repeat, args.share, Path(tmp))
    figures["load_after"] = os.getloadavg()[0]
    m = figures["median"]
    print(f"{residents:,} residents, seed {args.seed}: full screen {m['full']} s; unchanged {m['unchanged']} s "
          f"({figures['ratio_unchanged']:.0%}); after a 低保边缘 snapshot {m['snapshot']} s "
          f"({figures['ratio_snapshot']:.0%}, features derived again "
          f"{sum(s['rederived'] for s in figures['snapshots'])}/{len(figures['snapshots'])}); "
          f"after a snapshot away from the residue {m['away']} s "
          f"({figures['ratio_away']:.0%}, delta path {sum(a['delta'] for a in figures['away_snapshots'])}"
          f"/{len(figures['away_snapshots'])}); open clues equal to the full screen's: yes; CPU s (medians) "
          f"{figures['median_cpu']}; screening scoped to {[s['scoped'] for s in figures['snapshots']]} (snapshot), "
          f"{[s['scoped'] for s in figures['away_snapshots']]} (away) persons")
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "incremental.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
