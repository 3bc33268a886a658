"""`jiuzhu serve [--port P]`: the web application on 127.0.0.1, under waitress.

The embedded default has no cron: while it serves, a background thread runs the daily checks
(overdue referrals) at start and every hour. They flag and notify each thing once, so running
them often is harmless. A production deployment may instead run `jiuzhu referrals check-overdue`
from cron and start with `--no-daily-checks`.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import threading

from jiuzhu.cli.django_setup import setup

CHECK_EVERY_SECONDS = 3600
log = logging.getLogger("jiuzhu.serve")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="启动网页服务 / serve the web application on 127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-daily-checks", action="store_true", help="不在服务进程内运行每日超期检查")
    p.add_argument("--no-worker", action="store_true",
                   help="不启动后台任务进程（另行运行 jiuzhu worker）/ do not start the background worker")
    p.set_defaults(func=run)


def _daily_checks(stop: threading.Event) -> None:
    from django.db import close_old_connections

    from jiuzhu.app.clues.services import check_clues_overdue
    from jiuzhu.app.referrals.services.overdue import check_overdue

    while not stop.is_set():
        try:
            flags = check_overdue()
            if flags:
                log.warning("overdue check: %d referral(s) newly overdue", len(flags))
            clues = check_clues_overdue()
            if clues:
                log.warning("overdue check: %d clue(s) newly overdue", len(clues))
        except Exception:  # keep serving; the next round tries again
            log.exception("overdue check failed")
        finally:
            close_old_connections()
        stop.wait(CHECK_EVERY_SECONDS)


def start_worker() -> subprocess.Popen:
    """The background worker (`jiuzhu worker`: queued imports and screening) as a process of its own, so a
    bad file never costs the web server its memory."""
    return subprocess.Popen([sys.executable, "-m", "jiuzhu.cli.main", "worker"])


def serve(port: int, *, daily_checks: bool = True, worker: bool = True) -> None:
    setup()
    from waitress import serve as waitress_serve

    from jiuzhu.app.wsgi import application

    stop = threading.Event()
    if daily_checks:
        threading.Thread(target=_daily_checks, args=(stop,), name="daily-checks", daemon=True).start()
    background = start_worker() if worker else None
    print(f"网页服务 / serving: http://127.0.0.1:{port}/", flush=True)
    try:
        waitress_serve(application, host="127.0.0.1", port=port, threads=8, ident="jiuzhu")
    finally:
        stop.set()
        if background is not None:
            background.terminate()  # it finishes the job at hand, if it can within a minute
            try:
                background.wait(timeout=60)
            except subprocess.TimeoutExpired:
                background.kill()  # an import cut short leaves no trace; the next worker marks the job failed


def run(args: argparse.Namespace) -> int:
    serve(args.port, daily_checks=not args.no_daily_checks, worker=not args.no_worker)
    return 0
