"""A region end to end, as an operator runs it: synth files → `jiuzhu ingest` → `jiuzhu screen` (links, screens,
stores the clues) → optionally a new monthly snapshot of one registry and `jiuzhu screen` again.

    python -m bench.province [--scale province|county|N] [--seed S] [--work DIR] [--files DIR]
                             [--snapshot random|away|none] [--stages synth,ingest,screen,snapshot]

Every stage is a `jiuzhu` command in a process of its own (the synth too, timed apart: it is not part of
the files → clues target). Per stage: wall seconds, CPU seconds of the whole process tree (the reading
workers included), the tree's peak resident memory and its largest process's, sampled every 0.25 s, the
peak size of the temporary files DuckDB and the intake spill into — the children's ``TMPDIR``
(``WORK/tmp``: the intake's spools and digests, the linkage's scratch database) plus the warehouse's
``warehouse.duckdb.tmp``/``.wal``/``.screen-scratch`` —, free disk before and after, the warehouse's
size after. The linkage's own stages come from ``JIUZHU_LINK_STAGES`` (``WORK/logs/link-stages-*.txt``).

``--work`` keeps everything (files, home, logs, ``figures.json``) and lets a later run reuse it:
``--stages screen`` screens the warehouse already ingested there again (a stage that failed can be re-run
alone); ``--files`` takes files synthesised elsewhere. Without ``--work`` a temporary folder is used and
removed. The DuckDB memory caps are the environment's (``JIUZHU_INTAKE_MEMORY_MB``,
``JIUZHU_LINK_MEMORY_MB``, ``JIUZHU_SCREEN_MEMORY_MB``; docs/scale.md) and are recorded with the figures.
Figures go to stdout (JSON), ``WORK/figures.json`` and bench/out/province.json (``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

AS_OF = date(2025, 10, 31)
STAGES = ("synth", "ingest", "screen", "snapshot")
MEMORY_KNOBS = ("JIUZHU_INTAKE_MEMORY_MB", "JIUZHU_LINK_MEMORY_MB", "JIUZHU_SCREEN_MEMORY_MB",
                "JIUZHU_SPILL_MB", "JIUZHU_PARSE_MEMORY_MB")
INGESTED = re.compile(r"^(?P<file>\S+) → .*?\[(?P<batch>[^\]]+)\] (?P<state>[^：]+)：导入 (?P<taken>\d+) 条，"
                      r"拒收 (?P<rejected>\d+) 行，标记 (?P<flagged>\d+) 行，重复 (?P<duplicate>\d+) 行", re.M)
SCREENING = re.compile(r"线索筛查 \S+（\S+，([\d.]+) 秒）")  # the title of the clue table: the rules' seconds
CLUES = re.compile(r"^clues: (\d+); new (\d+), updated (\d+), lapsed (\d+)$", re.M)
GIB = 2**30


def tree_rss_kib(pid: int) -> tuple[int, int]:
    """Resident memory of a process and all its descendants, and of the largest of them (KiB, /proc)."""
    total, largest, stack = 0, 0, [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            total, largest = total + rss, max(largest, rss)
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration, PermissionError):
            continue
    return total, largest


def allocated(path: Path) -> int:
    """Bytes a file or folder takes on disk (allocated blocks: DuckDB's temporary files are sparse)."""
    try:
        if path.is_file():
            return path.stat().st_blocks * 512
        total = 0
        for root, _, files in os.walk(path):
            for name in files:
                try:
                    total += (Path(root) / name).stat().st_blocks * 512
                except FileNotFoundError:
                    continue
        return total
    except FileNotFoundError:
        return 0


def spill_bytes(work: Path) -> int:
    """What the running commands hold in temporary files: the children's TMPDIR and the warehouse's
    temporary companions (not the warehouse itself)."""
    home = work / "home"
    companions = [p for p in home.glob("warehouse.duckdb*") if p.name != "warehouse.duckdb"] if home.exists() else []
    return allocated(work / "tmp") + sum(allocated(p) for p in companions)


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


DEFAULT_MIN_FREE_GIB = 8.0
# A stage is stopped when the disk's free space falls below this (--min-free-gib); by default 8 GiB or a quarter of
# what was free when the stage started, the less: a small run on a nearly full disk is not stopped for what others
# took.
MIN_FREE_GIB: float | None = None


def run_stage(work: Path, name: str, args: list[str], env: dict[str, str]) -> tuple[dict, str]:
    """Run one `jiuzhu` command with its figures sampled; its stdout and stderr go to WORK/logs/NAME.*.
    A command whose temporary files would fill the disk is stopped (SIGTERM), its figures say so: a
    province's spill can outgrow a shared machine's disk, and a full disk breaks every other process on it."""
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    free_before = shutil.disk_usage(work).free
    min_free = MIN_FREE_GIB * GIB if MIN_FREE_GIB is not None else min(DEFAULT_MIN_FREE_GIB * GIB, free_before / 4)
    peak = {"tree": 0, "largest": 0, "spill": 0}
    done = threading.Event()

    def sample_disk() -> None:  # a walk of the temporary folders takes longer than a memory sample
        while not done.is_set():
            peak["spill"] = max(peak["spill"], spill_bytes(work))
            if shutil.disk_usage(work).free < min_free and proc.poll() is None:
                peak["stopped"] = f"free disk below {min_free / GIB:.1f} GiB"
                proc.terminate()
            done.wait(1.0)

    cpu_before, started = _children_cpu(), time.perf_counter()
    with (logs / f"{name}.out").open("w", encoding="utf-8") as out, \
            (logs / f"{name}.err").open("w", encoding="utf-8") as err:
        proc = subprocess.Popen([sys.executable, "-m", "jiuzhu.cli.main", *args], env=env, stdout=out, stderr=err)
        disk = threading.Thread(target=sample_disk, daemon=True)
        disk.start()
        while proc.poll() is None:
            tree, largest = tree_rss_kib(proc.pid)
            peak["tree"], peak["largest"] = max(peak["tree"], tree), max(peak["largest"], largest)
            time.sleep(0.25)
        done.set()
        disk.join()
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    stdout = (logs / f"{name}.out").read_text(encoding="utf-8")
    warehouse = work / "home" / "warehouse.duckdb"
    figures = {"command": "jiuzhu " + " ".join(a if len(a) < 80 else "…" for a in args), "exit": proc.returncode,
               "wall_s": round(seconds, 1), "cpu_s": round(cpu, 1), "peak_rss_mib": round(peak["tree"] / 1024),
               "peak_rss_largest_mib": round(peak["largest"] / 1024), "peak_spill_gib": round(peak["spill"] / GIB, 2),
               "free_disk_gib_before": round(free_before / GIB, 1),
               "free_disk_gib_after": round(shutil.disk_usage(work).free / GIB, 1),
               "warehouse_gib": round(warehouse.stat().st_size / GIB, 2) if warehouse.exists() else 0,
               "load_average_after": [round(x, 2) for x in os.getloadavg()]}
    if "stopped" in peak:
        figures["stopped"] = peak["stopped"]
    if proc.returncode != 0:
        tail = (logs / f"{name}.err").read_text(encoding="utf-8")[-3000:]
        figures["error"] = tail
    return figures, stdout


def ingested(stdout: str) -> list[dict]:
    """One row per batch `jiuzhu ingest` printed: file, batch, state and its row counts."""
    return [{"file": m["file"], "batch": m["batch"], "state": m["state"],
             **{k: int(m[k]) for k in ("taken", "rejected", "flagged", "duplicate")}}
            for m in INGESTED.finditer(stdout)]


def clue_counts(stdout: str) -> dict | None:
    found = CLUES.search(stdout)
    return dict(zip(("clues", "new", "updated", "lapsed"), map(int, found.groups()), strict=True)) if found else None


def link_stages(path: Path, kind: str = "stage") -> list[dict]:
    """The linkage's stage lines (``key=value`` each), numbers as numbers; ``kind="step"``: the lines that
    split a stage by SQL step instead (not to be added to the stages')."""
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row: dict = {}
        key = ""
        for field in line.split():
            if "=" not in field:  # "stage=stream lineage": a word of the stage's name
                row[key] = f"{row[key]} {field}"
                continue
            key, _, value = field.partition("=")
            try:
                row[key] = float(value) if "." in value else int(value)
            except ValueError:
                row[key] = value
        if kind in row:
            rows.append(row)
    return rows


def _env(work: Path, stages_file: Path | None = None) -> dict[str, str]:
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "JIUZHU_HOME": str(work / "home"), "TMPDIR": str(work / "tmp"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    if stages_file is not None:
        stages_file.unlink(missing_ok=True)
        env["JIUZHU_LINK_STAGES"] = str(stages_file)
    return env


def _screen(work: Path, name: str, as_of: date) -> dict:
    stages_file = work / "logs" / f"link-stages-{name}.txt"
    figures, stdout = run_stage(work, name, ["screen", "--as-of", as_of.isoformat()], _env(work, stages_file))
    figures["clues"] = clue_counts(stdout)
    figures["linkage"] = link_stages(stages_file)
    figures["linkage_steps"] = link_stages(stages_file, "step")
    # the command's parts around the linkage: inputs digest, person search, screening state, rules, clue store
    figures["parts"] = link_stages(stages_file, "part")
    figures["link_wall_s"] = round(sum(s.get("wall_s", 0) for s in figures["linkage"]), 1)
    figures["link_cpu_s"] = round(sum(s.get("cpu_s", 0) for s in figures["linkage"]), 1)
    screening = SCREENING.search(stdout)
    figures["screening_s"] = float(screening.group(1)) if screening else None
    # the rest of the command: start-up (imports, Django, migrate) and storing the clues
    figures["other_s"] = round(figures["wall_s"] - figures["link_wall_s"] - (figures["screening_s"] or 0), 1)
    figures["printed"] = [line for line in stdout.splitlines() if line.startswith(("人员关联", "筛查："))]
    return figures


def _snapshot(work: Path, files: Path, kind: str, as_of: date, share: float) -> dict:
    """A later 低保边缘 snapshot (bench.incremental.next_snapshot), ingested, then `jiuzhu screen`."""
    from bench.incremental import next_snapshot, reached  # here, not at the top: only this stage needs it

    [edge] = [p for p in files.iterdir() if "低保边缘" in p.name]
    dest = work / "snapshot" / edge.name
    avoid = reached(work / "home") if kind == "away" else (set(), set())
    changes = next_snapshot(edge, dest, share, 1, ids_only=kind == "away", avoid=avoid)
    later = date.fromordinal(as_of.toordinal() + 1).isoformat()
    ingest, stdout = run_stage(work, "snapshot-ingest", ["ingest", "--as-of", later, str(dest)], _env(work))
    ingest["batches"] = ingested(stdout)
    return {"kind": kind, "share": share, "changes": changes, "ingest": ingest,
            "screen": _screen(work, "snapshot-screen", as_of)}


def run(work: Path, stages: list[str], scale: str, seed: int, as_of: date, files: Path | None,
        snapshot: str, share: float) -> dict:
    figures_path = work / "figures.json"
    figures: dict = json.loads(figures_path.read_text(encoding="utf-8")) if figures_path.exists() else {}
    files = files or work / "files"
    figures.update({"scale": scale, "seed": seed, "as_of": as_of.isoformat(), "files": str(files),
                    "cores": os.cpu_count(), "memory_gib": round(os.sysconf("SC_PAGE_SIZE")
                                                                  * os.sysconf("SC_PHYS_PAGES") / GIB, 1),
                    "memory_caps": {k: os.environ[k] for k in MEMORY_KNOBS if k in os.environ}})
    for stage in stages:
        if stage == "synth":
            if files.exists():
                shutil.rmtree(files)
            figures["synth"], _ = run_stage(work, "synth", ["synth", "--scale", scale, "--seed", str(seed), "--out",
                                                            str(files), "--as-of", as_of.isoformat(), "--quiet"],
                                            _env(work))
            figures["synth"]["output_gib"] = round(allocated(files) / GIB, 2)
        elif stage == "ingest":
            shutil.rmtree(work / "home", ignore_errors=True)
            inputs = sorted(str(p) for p in files.iterdir() if p.is_file())
            figures["ingest"], stdout = run_stage(work, "ingest", ["ingest", "--as-of", as_of.isoformat(), *inputs],
                                                  _env(work))
            figures["ingest"]["batches"] = ingested(stdout)
            figures["ingest"]["rows"] = sum(b["taken"] + b["rejected"] + b["duplicate"]
                                            for b in figures["ingest"]["batches"])
        elif stage == "screen":
            figures["screen"] = _screen(work, "screen", as_of)
        elif stage == "snapshot" and snapshot != "none":
            figures["snapshot"] = _snapshot(work, files, snapshot, as_of, share)
        figures_path.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
        failed = figures.get(stage, {}).get("exit")
        if failed:
            raise SystemExit(f"stage {stage} failed (exit {failed}), see {work / 'logs'}")
    if "ingest" in figures and "screen" in figures:
        figures["files_to_clues"] = {
            "wall_s": round(figures["ingest"]["wall_s"] + figures["screen"]["wall_s"], 1),
            "cpu_s": round(figures["ingest"]["cpu_s"] + figures["screen"]["cpu_s"], 1),
            "peak_rss_mib": max(figures["ingest"]["peak_rss_mib"], figures["screen"]["peak_rss_mib"]),
            "peak_spill_gib": max(figures["ingest"]["peak_spill_gib"], figures["screen"]["peak_spill_gib"])}
    figures_path.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.province", description="a region end to end")
    parser.add_argument("--scale", default="province", help="province, county or a number of residents")
    parser.add_argument("--seed", type=int, default=20251031)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    parser.add_argument("--work", type=Path, help="keep everything here (default: a temporary folder, removed)")
    parser.add_argument("--files", type=Path, help="files already synthesised (the synth stage is skipped)")
    parser.add_argument("--stages", default=None, help=f"comma-separated, of {','.join(STAGES)} (default all)")
    parser.add_argument("--snapshot", choices=("random", "away", "none"), default="random",
                        help="the monthly 低保边缘 snapshot re-screened: random rows, rows away from the records "
                             "without ID (bench.incremental), or none")
    parser.add_argument("--share", type=float, default=0.03, help="snapshot: rows gone (and as many corrected)")
    parser.add_argument("--min-free-gib", type=float, default=None,
                        help=f"stop a stage when free disk falls below this (default {DEFAULT_MIN_FREE_GIB} or a "
                             "quarter of the free disk at its start, the less)")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "out" / "province.json",
                        help="where the figures go besides stdout (default bench/out/province.json)")
    args = parser.parse_args(argv)
    global MIN_FREE_GIB
    MIN_FREE_GIB = args.min_free_gib
    stages = args.stages.split(",") if args.stages else [s for s in STAGES if not (s == "synth" and args.files)]
    if unknown := set(stages) - set(STAGES):
        parser.error(f"unknown stages {sorted(unknown)}")
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-province-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        figures = run(work.resolve(), stages, args.scale, args.seed, args.as_of,
                      args.files.resolve() if args.files else None, args.snapshot, args.share)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
