"""Time `jiuzhu synth` and its peak memory: `python -m bench.synth [--province] [--keep DIR]`.

Runs the command in a child process and samples the resident memory of its whole process
tree (the province scale uses worker processes) every 0.2 s; also reports the CPU seconds of the
tree and the load average at the end (wall time on a shared machine says little without them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                stack += [int(c) for c in children]
        except (FileNotFoundError, ProcessLookupError, StopIteration, PermissionError):
            continue
    return total


def run(scale: str, seed: int, out: Path, as_of: str) -> dict:
    cmd = [sys.executable, "-m", "jiuzhu.cli.main", "synth", "--scale", scale, "--seed", str(seed), "--out", str(out),
           "--as-of", as_of, "--quiet"]


    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.2)
    seconds = time.monotonic() - start
    _, err = proc.communicate()
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of the whole tree (workers included): a figure that a loaded machine does not inflate
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"synth failed: {err.decode()[-2000:]}")
    manifest = json.loads((out / "truth" / "manifest.json").read_text(encoding="utf-8"))
    rows = sum(f["rows"] for f in manifest["files"].values())
    household = sum(f["rows"] for f in manifest["files"].values() if f["source"] == "household")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"scale": scale, "residents": manifest["residents"], "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1), "load_average": round(os.getloadavg()[0], 1),
            "peak_rss_mib": round(peak / 1024), "rows": rows, "registry_rows": rows - household,
            "output_gib": round(size / 2**30, 2), "clues": manifest["rules"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synth", description="synth generation time and memory")
    parser.add_argument("--province", action="store_true", help="also the province scale (≈41 M residents)")
    parser.add_argument("--scale", default="county", help="the first scale to time (default county)")
    parser.add_argument("--seed", type=int, default=20251031)
    parser.add_argument("--as-of", default="2025-10-31")
    parser.add_argument("--keep", type=Path, help="write the output here and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    scales = [args.scale] + (["province"] if args.province else [])
    for scale in scales:
        base = args.keep or Path(tempfile.mkdtemp(prefix="bench-synth-"))
        out = base / scale
        if out.exists():
            shutil.rmtree(out)
        try:
            result = run(scale, args.seed, out, args.as_of)
        finally:
            if not args.keep:
                shutil.rmtree(base, ignore_errors=True)
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
