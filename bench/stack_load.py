"""Load on the production stack over loopback (issue 18): `python -m bench.stack_load`.

Brings up tests/deploy/stack.py's stack — PostgreSQL, gunicorn (`--workers`, default 2 = the cores),
the worker, nginx with TLS — over a demo county made by `jiuzhu demo --no-serve`, then runs
`--sessions` logged-in sessions (handlers, a department head and partner liaisons, each in its own
thread with its own cookies and keep-alive TLS connection) through their everyday pages for
`--seconds`, each waiting `--think` seconds (mean, exponential) between pages as a person does;
`--think 0` is a closed loop. Prints per page p50/p95/max and errors, requests/s and how many cores
the web processes used; writes bench/out/stack_load.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
# (username, pages): handlers and a department head in the procuratorate, liaisons of partner units
HANDLER_PAGES = ("home", "clue_queue", "clue_page", "cases", "referrals")
LIAISON_PAGES = ("home", "clue_queue", "referrals")
SESSIONS = [("jcg_zhang", HANDLER_PAGES), ("jcg_li", HANDLER_PAGES), ("bmfzr_wang", HANDLER_PAGES),
            ("mz_liaison", LIAISON_PAGES), ("cl_liaison", LIAISON_PAGES), ("jy_liaison", LIAISON_PAGES),
            ("xczx_liaison", LIAISON_PAGES), ("fl_liaison", LIAISON_PAGES)]
URLS = {"home": "/", "clue_queue": "/clues/", "cases": "/casework/", "referrals": "/referrals/"}
CLUE_LINK = re.compile(r'href="/clues/(\d+)/"')


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def _web_pids(master: int) -> list[int]:
    from tests.fixtures.processes import children

    return [master, *children(master)]


def session(base: str, username: str, password: str, pages: tuple[str, ...], seconds: float, think: float,
            seed: int, results: list, ready: threading.Barrier) -> None:
    import requests
    import urllib3

    urllib3.disable_warnings()
    rnd = random.Random(seed)
    s = requests.Session()
    s.trust_env = False  # REQUESTS_CA_BUNDLE would override verify=False; the certificate is self-signed
    s.verify = False
    s.get(f"{base}/login/")
    r = s.post(f"{base}/login/", data={"username": username, "password": password,
                                      "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")},
               headers={"Referer": f"{base}/login/"}, allow_redirects=False)
    if r.status_code != 302:
        results.append(("login", 0.0, r.status_code, username))
    ready.wait()  # logins (a password hash each) are not the everyday pages: all start together after them
    if r.status_code != 302:
        return
    clue_ids: list[str] = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        page = rnd.choice(pages)
        if page == "clue_page":
            if not clue_ids:
                page = "clue_queue"
            url = f"/clues/{rnd.choice(clue_ids)}/" if clue_ids else URLS[page]
        else:
            url = URLS[page]
        started = time.perf_counter()
        try:
            r = s.get(base + url, allow_redirects=False, timeout=60)
            status = r.status_code
            if page == "clue_queue" and status == 200:
                clue_ids = CLUE_LINK.findall(r.text)[:50] or clue_ids
        except Exception:  # a refused or broken connection is an error like a 5xx
            status = 0
        results.append((page, (time.perf_counter() - started) * 1000, status, username))
        if think:
            time.sleep(rnd.expovariate(1 / think))


def run_load(stack, password: str, sessions: int, seconds: float, think: float) -> dict:
    results: list = []
    ready = threading.Barrier(sessions + 1)
    master = stack.procs["gunicorn"].pid
    pids = _web_pids(master)
    threads = [threading.Thread(target=session, args=(stack.base, *SESSIONS[i % len(SESSIONS)][:1], password,
                                                     SESSIONS[i % len(SESSIONS)][1], seconds, think, i, results,
                                                     ready))
               for i in range(sessions)]
    for t in threads:
        t.start()
    ready.wait()
    ticks0, wall0 = _cpu_ticks(pids), time.monotonic()
    for t in threads:
        t.join()
    wall = time.monotonic() - wall0
    import os

    cpu_s = (_cpu_ticks(pids) - ticks0) / os.sysconf("SC_CLK_TCK")
    cores = cpu_s / wall
    per_page = {}
    for page in sorted({r[0] for r in results}):
        ms = sorted(r[1] for r in results if r[0] == page)
        errors = sum(1 for r in results if r[0] == page and not (200 <= r[2] < 400))
        per_page[page] = {"requests": len(ms), "p50_ms": round(statistics.median(ms), 1),
                          "p95_ms": round(ms[max(0, int(len(ms) * 0.95) - 1)], 1), "max_ms": round(ms[-1], 1),
                          "errors": errors}
    return {"sessions": sessions, "seconds": seconds, "think_s": think, "requests": len(results),
            "requests_per_s": round(len(results) / wall, 1), "web_cores_busy": round(cores, 2),
            "web_cpu_ms_per_request": round(cpu_s * 1000 / max(1, len(results)), 1), "load_average": os.getloadavg(),
            "pages": per_page}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stack_load")
    p.add_argument("--scale", default="county", help="demo county size (county ≈ 310,000 residents, or N)")
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--sessions", type=int, default=16)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--think", type=float, nargs="+", default=[1.0], help="mean seconds between pages; several: one run each")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--root", type=Path, default=None, help="keep the stack's files here (reused when prepared)")
    args = p.parse_args(argv)
    from tests.deploy.stack import Stack

    root = args.root or Path(tempfile.mkdtemp(prefix="jiuzhu-stack-bench-"))
    stack = Stack(root, web_workers=args.workers)
    marker = root / "prepared.json"
    if not marker.exists():
        stack.create_database()
        t = time.monotonic()
        out = stack.jiuzhu("demo", "--no-serve", "--scale", args.scale, "--seed", str(args.seed)).stdout
        password = re.search(r"password: (\S+?)\)", out).group(1)
        marker.write_text(json.dumps({"db": stack.db_name, "password": password,
                                      "prepare_s": round(time.monotonic() - t)}))
    prepared = json.loads(marker.read_text())
    stack.db_name, password = prepared["db"], prepared["password"]
    stack.db_url = stack.db_url.rsplit("/", 1)[0] + "/" + stack.db_name
    clues = stack.query("SELECT count(*) FROM clues_clue")[0][0]
    print(f"demo county {args.scale}: {clues} clues; stack at {stack.base} ({args.workers} web processes)", flush=True)
    stack.start()
    runs = []
    try:
        for think in args.think:
            got = run_load(stack, password, args.sessions, args.seconds, think)
            runs.append(got)
            print(f"\n{got['sessions']} sessions, {got['seconds']:.0f} s, think {think} s: {got['requests']} requests, "
                  f"{got['requests_per_s']}/s, web processes used {got['web_cores_busy']} cores "
                  f"({got['web_cpu_ms_per_request']} ms CPU a request); load average {got['load_average'][0]:.1f}")
            print(f"{'page':<12}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
            for page, f in got["pages"].items():
                print(f"{page:<12}{f['requests']:>7}{f['p50_ms']:>9}{f['p95_ms']:>9}{f['max_ms']:>9}{f['errors']:>8}")
    finally:
        stack.stop()
    OUT.mkdir(exist_ok=True)
    (OUT / "stack_load.json").write_text(json.dumps({"scale": args.scale, "clues": clues, "runs": runs}, indent=1))
    if not args.root:
        stack.drop_database()
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
