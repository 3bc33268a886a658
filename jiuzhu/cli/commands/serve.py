"""`jiuzhu serve [--port P] [--workers N]`: the whole platform on 127.0.0.1 as one command.

It supervises: gunicorn with N web processes (default one per core; settings shared with the
systemd unit, jiuzhu/app/ops/gunicorn_conf.py), the background worker (`jiuzhu worker`: queued
imports and screening; restarted if it dies) and, in this process, the daily checks (overdue
referrals and clues) at start and every hour — they flag and notify each thing once, so running
them often is harmless. A production deployment runs the same pieces as systemd units instead
(deploy/systemd) and starts nothing here.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from jiuzhu.cli.errors import CommandError
from jiuzhu.cli.parsing import SubCommands

CHECK_EVERY_SECONDS = 3600
WORKER_RESTART_SECONDS = 5
log = logging.getLogger("jiuzhu.ops.serve")


def register(sub: SubCommands) -> None:
    p = sub.add_parser("serve", help="启动整个平台（网页服务和后台任务）/ serve the platform on 127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=0, metavar="N",
                   help="网页服务进程数（默认每个处理器核一个）/ web processes (default: one per core)")
    p.add_argument("--no-daily-checks", action="store_true", help="不在服务进程内运行每日超期检查")
    p.add_argument("--no-worker", action="store_true",
                   help="不启动后台任务进程（另行运行 jiuzhu worker）/ do not start the background worker")
    p.set_defaults(func=run)


def _daily_checks(stop: threading.Event) -> None:
    # here, not at the top: a command loads the engine and Django only when it runs
    from django.db import close_old_connections

    from jiuzhu.app.referrals.services.daily import run_daily_checks

    while not stop.is_set():
        try:
            done = run_daily_checks()
            if done.referrals or done.tasks or done.clues or done.meeting_notices:
                log.warning("overdue check: %d referral(s), %d case task(s), %d clue(s) newly overdue; "
                            "%d meeting decision notice(s)", len(done.referrals), len(done.tasks), len(done.clues),
                            done.meeting_notices)
        except Exception:  # keep serving; the next round tries again
            log.exception("overdue check failed")
        finally:
            close_old_connections()
        stop.wait(CHECK_EVERY_SECONDS)


def start_worker() -> subprocess.Popen:
    """The background worker as a process of its own, so a bad file never costs the web server its memory."""
    return subprocess.Popen([sys.executable, "-m", "jiuzhu.cli.main", "worker"])


def start_web(port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:jiuzhu.app.ops.gunicorn_conf",
                             "--bind", f"127.0.0.1:{port}", "--workers", str(workers)])


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _wait_answering(port: int, web: subprocess.Popen, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and web.poll() is None:
        if not _port_free(port):
            return True
        time.sleep(0.2)
    return False


def _stop(proc: subprocess.Popen | None, seconds: float = 60) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()  # gunicorn: graceful; the worker finishes the job at hand
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()  # an import cut short leaves no trace; the next worker marks the job failed


def serve(port: int, *, workers: int = 0, daily_checks: bool = True, worker: bool = True) -> int:
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.cli.commands.init import migrate_all

    if not _port_free(port):
        raise CommandError(f"端口 {port} 已被占用，请用 --port 换一个", f"port {port} is in use; pass --port")
    migrate_all()  # before any process starts: web, worker and checks see one, current schema
    n = workers or os.cpu_count() or 1
    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stopping.set())
    web = start_web(port, n)
    background = start_worker() if worker else None
    if daily_checks:
        threading.Thread(target=_daily_checks, args=(stopping,), name="daily-checks", daemon=True).start()
    try:
        if not _wait_answering(port, web):
            raise CommandError("网页服务没有启动，见上面的日志", "the web server did not start; see the log above")
        print(f"网页服务 / serving: http://127.0.0.1:{port}/（{n} 个网页进程"
              f"{'，后台任务进程' if worker else ''}；健康检查 /healthz）", flush=True)
        while not stopping.wait(1.0):
            if web.poll() is not None:
                raise CommandError("网页服务意外停止，见上面的日志", "the web server stopped; see the log above")
            if background is not None and background.poll() is not None:
                log.warning("worker exited with %s; restarting", background.returncode)
                stopping.wait(WORKER_RESTART_SECONDS)
                background = start_worker()
    finally:
        stopping.set()
        _stop(web)
        _stop(background)
    return 0


def run(args: argparse.Namespace) -> int:
    return serve(args.port, workers=args.workers, daily_checks=not args.no_daily_checks, worker=not args.no_worker)
