"""What each page of the stack bench costs in one process: `python -m bench.page_cost --root DIR`.

The pages and personas of bench/stack_load.py (handlers, a department head, partner liaisons; 今日工作, the
clue queue, a clue page, cases, referrals) over the same demo county on PostgreSQL (prepared once per
`--root` by `jiuzhu demo --no-serve`, ≈ 41 s for the county; reuses a stack bench's root), requested through
Django's test client with the whole middleware stack, as nginx would pass them (HTTPS). Per page and persona:
mean CPU time of this process per request (`time.process_time`, the web process's share; PostgreSQL's is
not in it), wall time, queries and their wall time. The stack bench's latency under load grows with a page's
CPU cost, so this is the figure to make smaller.

- `--profile`: cProfile over the same requests, the top functions by cumulative time per page.
- `--save DIR` / `--compare DIR`: every page each persona sees (its clue pages: the first 50 of its queue,
  as the stack bench picks them) as HTML with CSRF tokens masked, written or compared byte for byte — a
  change that makes a page cheaper must not change what it shows.
"""

from __future__ import annotations

import argparse
import cProfile
import difflib
import io
import json
import os
import pstats
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench.stack_load import CLUE_LINK, SESSIONS, URLS, prepare
from tests.deploy.stack import Stack

OUT = Path(__file__).parent / "out"
PAGES = ("home", "clue_queue", "clue_page", "cases", "referrals")
# The queue with filters, sort orders and pages too, for --save/--compare (its template has a branch for each).
QUEUE_VARIANTS = ("?state=all&sort=name", "?state=all&page=2&per=100", "?due=overdue&state=all", "?due=soon",
                  "?handler=none&sort=newest", "?state=answered_by_unit", "?tag=残疾人&state=all", "?q=张&state=all",
                  "?queue=team", "?priority=60&sort=answer_due", "?unit=civil_affairs&state=all&rule=MZ-01")
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def _setup(root: Path, scale: str, seed: int, db_name: str | None) -> Stack:
    """The demo county prepared (once) and Django set up on it, as the stack's gunicorn runs it."""
    stack = Stack(root)
    prepare(stack, scale, seed, db_name)
    os.environ.update({k: v for k, v in stack.env.items() if k.startswith(("JIUZHU_", "DATABASE_URL", "DJANGO_"))})
    os.environ["JIUZHU_ALLOWED_HOSTS"] = "testserver"
    os.environ["JIUZHU_LOG_FILE"] = str(stack.logs / "page_cost.log")
    # here, not at the top: Django reads its settings from the environment set just above
    import django

    django.setup()
    # as gunicorn's master (preload_app, then pre_fork) and each web process (post_request): ops/heap.py
    from jiuzhu.app import wsgi  # noqa: F401
    from jiuzhu.app.ops import heap

    heap.freeze()
    return stack


class QueryMeter:
    """Counts the queries of the default connection and their wall time (a wrapper around each execute)."""

    def __init__(self, show: bool = False) -> None:
        self.count, self.seconds, self.show = 0, 0.0, show

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1
            if self.show:
                print(f"  {(time.perf_counter() - started) * 1000:6.1f} ms  {sql[:400]}")


def _client(username: str):  # type: ignore[no-untyped-def]
    # here, not at the top: Django is set up in main()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _urls(client, page: str, clue_ids: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    if page == "clue_page":
        return [f"/clues/{pk}/" for pk in clue_ids]
    return [URLS[page]]


_handled = [0]  # pages this process answered, for ops/heap.py's freeze after the first ones


def _get(client, url: str) -> str:  # type: ignore[no-untyped-def]
    # here, not at the top: Django is set up in main()
    from jiuzhu.app.ops import heap

    response = client.get(url)
    _handled[0] += 1
    heap.after_request(_handled[0])
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return response.content.decode()


def _personas(users: list[str] | None) -> list[tuple[str, tuple[str, ...]]]:
    seen = dict(SESSIONS)
    return [(u, seen[u]) for u in (users or seen)]


def measure(personas, pages: tuple[str, ...], n: int, profile: str, top: int,  # type: ignore[no-untyped-def]
            sql: bool = False) -> dict:
    """Per persona and page: CPU, wall, queries over `n` requests after two to warm up."""
    # here, not at the top: Django is set up in main()
    from django.db import connection

    results: dict[str, dict[str, dict]] = {}
    # CPU time, as the table: a wall-clock profile counts PostgreSQL's time (a commit's fsync) as the page's own
    profiles = {page: cProfile.Profile(time.process_time) for page in pages} if profile else {}
    for username, theirs in personas:
        client = _client(username)
        clue_ids = CLUE_LINK.findall(_get(client, URLS["clue_queue"]))[:50]
        for page in pages:
            if page not in theirs or (page == "clue_page" and not clue_ids):
                continue
            urls = _urls(client, page, clue_ids)
            for url in urls[:2]:
                if sql:
                    print(f"{username} {url}:")
                with connection.execute_wrapper(QueryMeter(show=sql)):
                    _get(client, url)
            meter = QueryMeter()
            cpu = wall = 0.0
            with connection.execute_wrapper(meter):
                for i in range(n):
                    url = urls[i % len(urls)]
                    started, started_wall = time.process_time(), time.perf_counter()
                    if profile:
                        profiles[page].runcall(_get, client, url)
                    else:
                        _get(client, url)
                    cpu += time.process_time() - started
                    wall += time.perf_counter() - started_wall
            results.setdefault(page, {})[username] = {
                "cpu_ms": round(cpu * 1000 / n, 2), "wall_ms": round(wall * 1000 / n, 2),
                "queries": round(meter.count / n, 1), "db_ms": round(meter.seconds * 1000 / n, 2)}
    if profile:
        for page, prof in profiles.items():
            if not prof.getstats():
                continue
            if os.environ.get("PAGE_COST_DUMP"):
                prof.dump_stats(f"{os.environ['PAGE_COST_DUMP']}-{page}.prof")
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(profile).print_stats(top)
            print(f"\n===== {page}: top {top} by {profile} time (profiled, so slower) =====")
            print(out.getvalue().split("\n", 6)[-1] if "ncalls" in out.getvalue() else out.getvalue())
    return results


def snapshot(personas) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every page each persona sees, CSRF tokens masked: {"user/page": html}."""
    pages = {}
    for username, theirs in personas:
        client = _client(username)
        queue = _get(client, URLS["clue_queue"])
        for page in theirs:
            if page == "clue_page":
                for url in _urls(client, page, CLUE_LINK.findall(queue)[:50]):
                    pages[f"{username}/clue_{url.split('/')[2]}"] = CSRF.sub(r"\1…\2", _get(client, url))
            else:
                pages[f"{username}/{page}"] = CSRF.sub(r"\1…\2", _get(client, URLS[page]))
        if "clue_page" in theirs:  # clues with a 核查 or a case too (the queue's first page has new ones)
            for pk in _worked_clues():
                response = client.get(f"/clues/{pk}/")
                pages[f"{username}/worked_{pk}"] = f"{response.status_code}\n" + CSRF.sub(
                    r"\1…\2", response.content.decode())
        for i, query in enumerate(QUEUE_VARIANTS):
            pages[f"{username}/clue_queue_{i}"] = CSRF.sub(r"\1…\2", _get(client, URLS["clue_queue"] + query))
    return pages


def _worked_clues() -> list[int]:
    # here, not at the top: Django is set up in main()
    from django.db.models import Q

    from jiuzhu.app.clues.models import Clue

    return list(Clue.objects.filter(Q(verification__isnull=False) | Q(case__isnull=False))
                .order_by("pk").values_list("pk", flat=True)[:40])


def compare(pages: dict[str, str], folder: Path) -> int:
    """Pages that differ from those saved in `folder` (a short diff of each); the count."""
    differ = 0
    for name, html in pages.items():
        saved = folder / f"{name}.html"
        before = saved.read_text(encoding="utf-8") if saved.exists() else ""
        if before != html:
            differ += 1
            diff = list(difflib.unified_diff(before.splitlines(), html.splitlines(), "before", "now", n=1,
                                             lineterm=""))
            print(f"DIFFERS {name}:\n" + "\n".join(line[:300] for line in diff[:20]))
    missing = {p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob("*.html")} - set(pages)
    for name in sorted(missing):
        print(f"MISSING {name}")
    print(f"{len(pages) - differ} of {len(pages)} pages byte-identical to {folder}; {len(missing)} no longer shown")
    return differ + len(missing)


def report(results: dict) -> None:
    print(f"\n{'page':<12}{'persona':<14}{'CPU ms':>9}{'wall ms':>9}{'queries':>9}{'DB ms':>8}")
    for page, by_user in results.items():
        for username, f in by_user.items():
            print(f"{page:<12}{username:<14}{f['cpu_ms']:>9}{f['wall_ms']:>9}{f['queries']:>9}{f['db_ms']:>8}")
        cpu = statistics.mean(f["cpu_ms"] for f in by_user.values())
        queries = statistics.mean(f["queries"] for f in by_user.values())
        print(f"{page:<12}{'(mean)':<14}{cpu:>9.1f}{'':>9}{queries:>9.1f}")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.page_cost")
    p.add_argument("--root", type=Path, default=None, help="the demo's files (a stack bench's root is reused)")
    p.add_argument("--scale", default="county", help="demo county size when preparing (county or N residents)")
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--db", default=None, help="PostgreSQL database to create when preparing")
    p.add_argument("-n", type=int, default=20, help="requests per page and persona")
    p.add_argument("--pages", nargs="+", default=list(PAGES), choices=PAGES)
    p.add_argument("--users", nargs="+", default=None, help="personas (default: every one of the stack bench)")
    p.add_argument("--profile", nargs="?", const="cumulative", default="", choices=("cumulative", "tottime"),
                   help="cProfile: top functions per page by cumulative (default) or own time")
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--sql", action="store_true", help="print the queries of each page's warm-up requests")
    p.add_argument("--save", type=Path, default=None, help="write every page's HTML here")
    p.add_argument("--compare", type=Path, default=None, help="compare every page's HTML with those saved here")
    args = p.parse_args(argv)
    root = args.root or Path(tempfile.mkdtemp(prefix="jiuzhu-page-cost-"))
    stack = _setup(root, args.scale, args.seed, args.db)
    try:
        return _run(args, _personas(args.users))
    finally:
        if not args.root:  # a demo of its own: gone with the run, as stack_load's
            # here, not at the top: Django is set up in _setup()
            from django.db import connections

            connections.close_all()
            stack.drop_database()


def _run(args: argparse.Namespace, personas: list) -> int:
    if args.save or args.compare:
        pages = snapshot(personas)
        if args.save:
            for name, html in pages.items():
                (args.save / name).parent.mkdir(parents=True, exist_ok=True)
                (args.save / f"{name}.html").write_text(html, encoding="utf-8")
            print(f"{len(pages)} pages written to {args.save}")
        return 1 if args.compare and compare(pages, args.compare) else 0
    results = measure(personas, tuple(args.pages), args.n, args.profile, args.top, args.sql)
    report(results)
    if not args.profile:
        OUT.mkdir(exist_ok=True)
        (OUT / "page_cost.json").write_text(json.dumps({"n": args.n, "load_average": os.getloadavg(),
                                                        "pages": results}, indent=1))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
