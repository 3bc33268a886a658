"""Import throughput: ``python -m bench.ingest --files DIR`` (rows/s and wall time per file and in total).

Without ``--files`` it makes its own input: a synthetic county (``--residents``, default 310000, the size
of 大田县) via ``jiuzhu synth``; ``--csv-rows N`` instead writes one household CSV of N rows (the shape of
the province files). Every run imports into a fresh, temporary ``JIUZHU_HOME``.
Figures go to stdout and to ``bench/out/ingest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
    jiuzhu(["synth", "--scale", str(args.residents), "--seed", "1", "--out", str(folder), "--quiet"])
    print(f"synth {args.residents} residents: {time.perf_counter() - started:.1f} s", flush=True)
    return folder


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    parser.add_argument("--files", help="folder (or file) to import")
    parser.add_argument("--residents", type=int, default=310_000, help="synthetic county size without --files")
    parser.add_argument("--csv-rows", type=int, default=0, help="one household CSV of N rows instead")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        source = _make_input(args, work)
        os.environ["JIUZHU_HOME"] = str(work / "home")
        from jiuzhu.engine.intake.importer import expand_paths, import_file

        files = expand_paths([source])
        per_file = []
        total_rows, started = 0, time.perf_counter()
        for path in files:
            t0 = time.perf_counter()
            results = import_file(path)
            seconds = time.perf_counter() - t0
            rows = sum(r.rows_taken + r.rows_rejected + r.rows_duplicate for r in results)
            total_rows += rows
            per_file.append({"file": path.name, "rows": rows, "seconds": round(seconds, 3),
                             "rows_per_s": round(rows / seconds) if seconds else None,
                             "status": [r.status for r in results]})
            print(f"{path.name}: {rows} rows in {seconds:.2f} s ({rows / seconds:,.0f} rows/s)", flush=True)
        wall = time.perf_counter() - started
        size = (work / "home" / "warehouse.duckdb").stat().st_size
    summary = {"files": len(files), "rows": total_rows, "wall_s": round(wall, 2),
               "rows_per_s": round(total_rows / wall) if wall else None, "warehouse_bytes": size,
               "cpus": os.cpu_count(), "python": platform.python_version(), "per_file": per_file}
    print(f"TOTAL {total_rows} rows, {len(files)} files, {wall:.1f} s wall, {summary['rows_per_s']:,} rows/s, "
          f"warehouse {size / 1e6:.1f} MB, {os.cpu_count()} CPUs")
    OUT.mkdir(exist_ok=True)
    (OUT / "ingest.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
