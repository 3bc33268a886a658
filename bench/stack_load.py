"""Load on the production stack over loopback (issue 18): `python -m bench.stack_load`.

Brings up tests/deploy/stack.py's stack — PostgreSQL, gunicorn (`--workers`, default 2 = the cores),
the worker, nginx with TLS — over a demo county made by `jiuzhu demo --no-serve`, then runs
`--sessions` logged-in sessions (handlers, a department head and partner liaisons, each in its own
thread with its own cookies and keep-alive TLS connection) through their everyday pages for
`--seconds`, each waiting `--think` seconds (mean, exponential) between pages as a person does;
`--think 0` is a closed loop. The load comes from wrk (`--client wrk`, the default: C, one thread and
keep-alive TLS connection per session, driven by a Lua script written per run; each page's latency is read
from nginx's access log, $request_time) or from Python threads (`--client python`, in `--client-processes`
processes; costs the machine about a core at 16 sessions). Prints per page
p50/p95/max and errors, requests/s, the cores used by each part of the stack (CPU time per process
tree from /proc: gunicorn, PostgreSQL, nginx, the worker), by the load generator and by the whole
machine, and whether the issue's target is met; writes bench/out/stack_load.json.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
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
# The target: every page's p95 within this, no error, and the machine's cores busy (this share of
# their time, the load generator's own share included: it runs on the same cores).
TARGET_P95_MS = 300
BUSY_SHARE = 0.9
CLUE_LINK = re.compile(r'href="/clues/(\d+)/"')


def _proc_table() -> dict[int, tuple[int, str, int]]:
    """pid → (parent pid, command name, CPU ticks): its own user + system time and that of the children it
    has reaped, so a gunicorn worker recycled during the run (max_requests) still counts in its master."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # gone meanwhile
            continue
        comm = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        table[int(stat.parent.name)] = (int(fields[1]), comm, sum(int(f) for f in fields[11:15]))
    return table


def _tree_ticks(table: dict[int, tuple[int, str, int]], root: int) -> int:
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        kids.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            total += table[pid][2]
            todo.extend(kids.get(pid, []))
    return total


def _postmaster(table: dict[int, tuple[int, str, int]]) -> int | None:
    """The PostgreSQL server's first process (its backends are its children)."""
    return next((pid for pid, (ppid, comm, _) in table.items()
                 if comm.startswith("postgres") and not table.get(ppid, (0, ""))[1].startswith("postgres")), None)


def _machine_ticks() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(values) - values[3] - values[4], sum(values)  # less idle and iowait


class CpuMeter:
    """CPU used between start() and stop() by each part of the stack, the load generator (this process,
    its threads and its reaped children) and the whole machine: deltas of /proc's utime+stime (+ reaped
    children) per process tree, in cores (CPU seconds per second of wall time)."""

    def __init__(self, roots: dict[str, int]) -> None:
        self.roots = roots

    def _sample(self) -> dict[str, int]:
        table = _proc_table()
        roots = dict(self.roots)
        postmaster = _postmaster(table)
        if postmaster is not None:
            roots["postgres"] = postmaster
        got = {name: _tree_ticks(table, pid) for name, pid in roots.items()}
        # The load generator: this process and the children it has reaped (the Python client processes, wrk).
        # Not its process tree: the stack's processes are its children too.
        used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        got["client"] = round(sum(u.ru_utime + u.ru_stime for u in used) * os.sysconf("SC_CLK_TCK"))
        got["machine_busy"], got["machine_all"] = _machine_ticks()
        return got

    def start(self) -> None:
        self.before, self.wall0 = self._sample(), time.monotonic()

    def stop(self) -> dict:
        after, wall = self._sample(), time.monotonic() - self.wall0
        hz = os.sysconf("SC_CLK_TCK")
        cores = {name: round((after[name] - self.before.get(name, after[name])) / hz / wall, 2)
                 for name in after if not name.startswith("machine")}
        busy = after["machine_busy"] - self.before["machine_busy"]
        share = busy / max(1, after["machine_all"] - self.before["machine_all"])
        return {"wall_s": wall, "cores": cores, "machine_cores_busy": round(share * (os.cpu_count() or 1), 2)}


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


def client(base: str, password: str, mine: list[int], seconds: float, think: float, ready, out) -> None:
    """One load-generating process: the sessions numbered `mine`, a thread each; their results to `out`."""
    results: list = []
    threads = [threading.Thread(target=session, args=(base, SESSIONS[i % len(SESSIONS)][0], password,
                                                     SESSIONS[i % len(SESSIONS)][1], seconds, think, i, results,
                                                     ready))
               for i in mine]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(results)


def run_load(stack, password: str, sessions: int, seconds: float, think: float, processes: int) -> dict:
    """The sessions spread over `processes` client processes (one Python process would queue 16 sessions'
    TLS and parsing behind its one interpreter lock, and count that as the server's latency)."""
    ctx = multiprocessing.get_context("fork")
    ready, out = ctx.Barrier(sessions + 1), ctx.Queue()
    meter = CpuMeter({name: stack.procs[name].pid for name in ("gunicorn", "nginx", "worker")})
    procs = [ctx.Process(target=client, args=(stack.base, password, list(range(k, sessions, processes)), seconds,
                                              think, ready, out))
             for k in range(min(processes, sessions))]
    for proc in procs:
        proc.start()
    ready.wait()
    meter.start()
    results = [r for _ in procs for r in out.get()]
    for proc in procs:
        proc.join()
    cpu = meter.stop()
    wall = cpu.pop("wall_s")
    return _summary([r[:3] for r in results], wall, cpu, sessions, seconds, think)


def _summary(results: list, wall: float, cpu: dict, sessions: int, seconds: float, think: float,
             extra_errors: int = 0, client_output: str = "") -> dict:
    """Per page p50/p95/max and errors of (page, ms, status) results; cores used; the target met or not."""
    per_page = {}
    for page in sorted({r[0] for r in results}):
        ms = sorted(r[1] for r in results if r[0] == page)
        errors = sum(1 for r in results if r[0] == page and r[2] != 200)  # a page answers 200
        per_page[page] = {"requests": len(ms), "p50_ms": round(statistics.median(ms), 1),
                          "p95_ms": round(ms[math.ceil(len(ms) * 0.95) - 1], 1), "max_ms": round(ms[-1], 1),
                          "errors": errors}
    server = sum(v for k, v in cpu["cores"].items() if k != "client")
    target = {"p95": all(f["p95_ms"] <= TARGET_P95_MS for f in per_page.values()),
              "errors": not extra_errors and not any(f["errors"] for f in per_page.values()),
              "cores busy": cpu["machine_cores_busy"] >= BUSY_SHARE * (os.cpu_count() or 1)}
    return {"sessions": sessions, "seconds": seconds, "think_s": think, "requests": len(results),
            "requests_per_s": round(len(results) / wall, 1), **cpu, "server_cores": round(server, 2),
            "server_cpu_ms_per_request": round(server * wall * 1000 / max(1, len(results)), 1),
            "load_average": os.getloadavg(), "pages": per_page, "target": target,
            "client_errors": client_output if extra_errors else ""}


WRK_SCRIPT = """
local sessions = {%(sessions)s}
local urls = {home="/", clue_queue="/clues/", cases="/casework/", referrals="/referrals/"}
local think_ms = %(think_ms)s
local count = 0

function setup(thread)
  count = count + 1
  thread:set("me", count)
end

function init(args)
  session = sessions[me]
  math.randomseed(me)
end

function request()
  local page = session.pages[math.random(#session.pages)]
  local path
  if page == "clue_page" and #session.clues > 0 then
    path = "/clues/" .. session.clues[math.random(#session.clues)] .. "/"
  else
    path = urls[page] or urls.clue_queue
  end
  return wrk.format("GET", path, {["Cookie"] = session.cookie})
end

function delay()  -- a person's pause between pages: exponential with the given mean
  if think_ms <= 0 then return 0 end
  return math.floor(-think_ms * math.log(1 - math.random()))
end
"""
ACCESS_LINE = re.compile(r'"GET (\S+)" (\d{3}) \d+ ([\d.]+) ')


def _page_of(path: str) -> str | None:
    if path.startswith("/clues/") and path[7:-1].isdigit():
        return "clue_page"
    return {url: page for page, url in URLS.items()}.get(path)


def _logged_in(base: str, username: str, password: str) -> tuple[str, list[str]]:
    """A session's cookie header and the clue ids its clue queue shows (for its clue pages)."""
    import requests
    import urllib3

    urllib3.disable_warnings()
    s = requests.Session()
    s.trust_env, s.verify = False, False
    s.get(f"{base}/login/")
    r = s.post(f"{base}/login/", data={"username": username, "password": password,
                                      "csrfmiddlewaretoken": s.cookies.get("csrftoken", "")},
               headers={"Referer": f"{base}/login/"}, allow_redirects=False)
    if r.status_code != 302:
        raise SystemExit(f"login of {username} failed: HTTP {r.status_code}")
    clues = CLUE_LINK.findall(s.get(f"{base}/clues/", allow_redirects=False).text)[:50]
    return "; ".join(f"{k}={v}" for k, v in s.cookies.items()), clues


def run_wrk(stack, password: str, sessions: int, seconds: float, think: float) -> dict:
    """wrk with one thread and one connection per session; per-page latency from nginx's access log."""
    entries = []
    for i in range(sessions):
        username, pages = SESSIONS[i % len(SESSIONS)]
        cookie, clues = _logged_in(stack.base, username, password)
        lua_list = ",".join
        entries.append(f"{{cookie={json.dumps(cookie)}, pages={{{lua_list(json.dumps(p) for p in pages)}}}, "
                       f"clues={{{lua_list(json.dumps(c) for c in clues)}}}}}")
    if not shutil.which("wrk"):
        raise SystemExit("未找到 wrk（负载生成器）：make system-deps 或 apt-get install wrk / wrk not found")
    script = Path(tempfile.mkdtemp(prefix="jiuzhu-wrk-")) / "sessions.lua"
    script.write_text(WRK_SCRIPT % {"sessions": ",\n".join(entries), "think_ms": think * 1000}, encoding="utf-8")
    log = stack.logs / "jiuzhu.access.log"
    offset = log.stat().st_size if log.exists() else 0
    meter = CpuMeter({name: stack.procs[name].pid for name in ("gunicorn", "nginx", "worker")})
    meter.start()
    wrk = subprocess.Popen(["wrk", "-t", str(sessions), "-c", str(sessions), "-d", f"{seconds:.0f}s",
                            "--timeout", "60s", "-s", str(script), stack.base + "/"],
                           stdout=subprocess.PIPE, text=True)
    summary = wrk.communicate()[0]
    cpu = meter.stop()
    wall = cpu.pop("wall_s")
    with open(log, encoding="utf-8") as fh:
        fh.seek(offset)
        lines = fh.read().splitlines()
    results, cut = [], 0
    for line in lines:
        m = ACCESS_LINE.search(line)
        page = m and _page_of(m.group(1))
        if page and m.group(2) == "499":  # wrk closed the connection when the time was up: not answered
            cut += 1
        elif page:
            results.append((page, float(m.group(3)) * 1000, int(m.group(2))))
    socket_errors = re.search(r"Socket errors: (.*)", summary)
    got = _summary(results, wall, cpu, sessions, seconds, think,
                   extra_errors=1 if socket_errors else 0, client_output=summary)
    got["cut_at_end"] = cut
    return got


def prepare(stack, scale: str, seed: int, db_name: str | None = None) -> str:
    """The demo county in the stack's home and database, made once per root (`jiuzhu demo --no-serve`, ≈ 41 s
    for the county) and reused when prepared.json is there; points the stack at its database and gives the
    demo accounts' password."""
    marker = stack.root / "prepared.json"
    if not marker.exists():
        stack.db_name = db_name or stack.db_name
        stack.db_url = stack.db_url.rsplit("/", 1)[0] + "/" + stack.db_name
        stack.create_database()
        t = time.monotonic()
        out = stack.jiuzhu("demo", "--no-serve", "--scale", scale, "--seed", str(seed)).stdout
        password = re.search(r"password: (\S+?)\)", out).group(1)
        marker.write_text(json.dumps({"db": stack.db_name, "password": password,
                                      "prepare_s": round(time.monotonic() - t)}))
    prepared = json.loads(marker.read_text())
    stack.db_name = prepared["db"]
    stack.db_url = stack.db_url.rsplit("/", 1)[0] + "/" + stack.db_name
    return prepared["password"]


def report(got: dict) -> None:
    cores = got["cores"]
    print(
        f"\n{got['sessions']} sessions, {got['seconds']:.0f} s, think {got['think_s']} s: {got['requests']} requests, "
        f"{got['requests_per_s']}/s; load average {got['load_average'][0]:.1f}"
    )
    print(
        f"cores used: server {got['server_cores']} (web {cores['gunicorn']}, PostgreSQL {cores.get('postgres', '?')}, "
        f"nginx {cores['nginx']}, worker {cores['worker']}; {got['server_cpu_ms_per_request']} ms CPU a request), "
        f"load generator {cores['client']}, whole machine {got['machine_cores_busy']} of {os.cpu_count()}"
    )
    print(f"{'page':<12}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
    for page, f in got["pages"].items():
        print(f"{page:<12}{f['requests']:>7}{f['p50_ms']:>9}{f['p95_ms']:>9}{f['max_ms']:>9}{f['errors']:>8}")
    target = got["target"]
    print(f"target (p95 ≤ {TARGET_P95_MS} ms every page, 0 errors, ≥ {BUSY_SHARE:.0%} of the cores busy): "
          + ("met" if all(target.values()) else "not met: " + ", ".join(k for k, v in target.items() if not v)))


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.stack_load")
    p.add_argument("--scale", default="county", help="demo county size (county ≈ 310,000 residents, or N)")
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--sessions", type=int, default=16)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument(
        "--think", type=float, nargs="+", default=[1.0], help="mean seconds between pages; several: one run each"
    )
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--client", choices=("wrk", "python"), default="wrk", help="the load generator")
    p.add_argument("--client-processes", type=int, default=4, help="python client: processes the sessions use")
    p.add_argument("--root", type=Path, default=None, help="keep the stack's files here (reused when prepared)")
    args = p.parse_args(argv)
    from tests.deploy.stack import Stack

    root = args.root or Path(tempfile.mkdtemp(prefix="jiuzhu-stack-bench-"))
    stack = Stack(root, web_workers=args.workers)
    password = prepare(stack, args.scale, args.seed)
    clues = stack.query("SELECT count(*) FROM clues_clue")[0][0]
    print(f"demo county {args.scale}: {clues} clues; stack at {stack.base} ({args.workers} web processes)", flush=True)
    stack.start()
    runs = []
    try:
        for think in args.think:
            if args.client == "wrk":
                got = run_wrk(stack, password, args.sessions, args.seconds, think)
            else:
                got = run_load(stack, password, args.sessions, args.seconds, think, args.client_processes)
            got["client"] = args.client
            runs.append(got)
            report(got)
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
