"""Import throughput: ``python -m bench.ingest --files DIR`` (rows/s, wall and CPU time in total).

Without ``--files`` it makes its own input: a synthetic county (``--residents``, default 310000, the size
of 大田县; ``--seed``) via ``jiuzhu synth``; ``--csv-rows N`` instead writes one household CSV of N rows
(the shape of the province files). Every run imports into a fresh, temporary ``JIUZHU_HOME``.
``--jobs N`` as ``jiuzhu ingest --jobs`` (default one per core); ``--jobs 1`` also times each file.
CPU seconds include the worker processes (given apart too); ``--keep HOME`` keeps the warehouse there.
Figures go to stdout and to ``bench/out/ingest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

OUT = Path(__file__).parent / "out"


def _household_csv(path: Path, rows: int) -> Path:
    from jiuzhu.engine.identity.idcard import make_id

    towns = ("均溪镇", "石牌镇", "上京镇", "广平镇", "桃源镇", "太华镇")
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("户号,姓名,身份证号,与户主关系,人员状态,乡镇,村(社区)\n")
        for i in range(rows):
            pid = make_id("350425", date(1940 + i % 70, 1 + i % 12, 1 + i % 28), i % 1000)
            fh.write(f"H{i // 3:09d},人{i},{pid},{('户主', '配偶', '子')[i % 3]},正常,{towns[i % 6]},第{i % 40}村\n")
    return path


def _make_input(args: argparse.Namespace, work: Path) -> Path:
    if args.files:
        return Path(args.files)
    folder = work / "input"
    folder.mkdir()
    if args.csv_rows:
        _household_csv(folder / "户籍人口.csv", args.csv_rows)
        return folder
    from jiuzhu.cli.main import main as jiuzhu

    started = time.perf_counter()
    jiuzhu(["synth", "--scale", str(args.residents), "--seed", str(args.seed), "--out", str(folder), "--quiet"])
    print(f"synth {args.residents} residents: {time.perf_counter() - started:.1f} s", flush=True)
    return folder


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    parser.add_argument("--files", help="folder (or file) to import")
    parser.add_argument("--residents", type=int, default=310_000, help="synthetic county size without --files")
    parser.add_argument("--seed", type=int, default=1, help="synth seed without --files")
    parser.add_argument("--csv-rows", type=int, default=0, help="one household CSV of N rows instead")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("--keep", help="import into this JIUZHU_HOME (new, kept after) to compare warehouses")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        source = _make_input(args, work)
        home = Path(args.keep) if args.keep else work / "home"
        os.environ["JIUZHU_HOME"] = str(home)
        from jiuzhu.engine.api import ingest
        from jiuzhu.engine.intake.importer import expand_paths

        files = expand_paths([source])
        per_file = []
        total_rows = 0
        cpu_before, own_before = _cpu_seconds(), _cpu_seconds(resource.RUSAGE_SELF)
        started = time.perf_counter()
        for path in files if args.jobs == 1 else [source]:  # --jobs 1: one file at a time, each timed
            t0 = time.perf_counter()
            results = ingest([path], jobs=args.jobs)
            seconds = time.perf_counter() - t0
            for name in dict.fromkeys(r.file_name for r in results):
                mine = [r for r in results if r.file_name == name]
                rows = sum(r.rows_taken + r.rows_rejected + r.rows_duplicate for r in mine)
                total_rows += rows
                per_file.append({"file": name, "rows": rows, "status": [r.status for r in mine]}
                                | ({"seconds": round(seconds, 3)} if args.jobs == 1 else {}))
                if args.jobs == 1:
                    print(f"{name}: {rows} rows in {seconds:.2f} s ({rows / seconds:,.0f} rows/s)", flush=True)
        wall = time.perf_counter() - started
        cpu, own = _cpu_seconds() - cpu_before, _cpu_seconds(resource.RUSAGE_SELF) - own_before
        size = (home / "warehouse.duckdb").stat().st_size
    peak_own, peak_workers = (resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    peak = max(peak_own, peak_workers)
    load = os.getloadavg()
    summary = {"files": len(files), "rows": total_rows, "jobs": args.jobs, "wall_s": round(wall, 2),
               "cpu_s": round(cpu, 2),
               "cpu_s_importing": round(own, 2), "cpu_s_workers": round(cpu - own, 2),
               "rows_per_s": round(total_rows / wall) if wall else None,
               "peak_rss_mb": round(peak / 1024),
               "peak_rss_mb_importing": round(peak_own / 1024), "peak_rss_mb_workers": round(peak_workers / 1024),
               "warehouse_bytes": size, "load_avg": [round(x, 2) for x in load],
               "cpus": os.cpu_count(), "python": platform.python_version(), "per_file": per_file}
    print(
        f"TOTAL {total_rows} rows, {len(files)} files, jobs {args.jobs or 'default'}: {wall:.1f} s wall, "
        f"{cpu:.1f} CPU s (importing process {own:.1f}, workers {cpu - own:.1f}), {summary['rows_per_s']:,} rows/s, "
        f"peak RSS {peak / 1024:.0f} MB (largest process; importing {peak_own / 1024:.0f}, "
        f"largest worker {peak_workers / 1024:.0f}), "
        f"warehouse {size / 1e6:.1f} MB, {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    OUT.mkdir(exist_ok=True)
    (OUT / "ingest.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _cpu_seconds(*who: int) -> float:
    """User + system CPU of this process and of its finished children (the import's workers), or of ``who``."""
    usages = [resource.getrusage(w) for w in who or (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usages)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
