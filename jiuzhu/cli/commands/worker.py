"""`jiuzhu worker [--once]`: the background worker — runs queued imports and screenings from the jobs table."""

from __future__ import annotations

import argparse
import signal

from jiuzhu.cli.django_setup import setup
from jiuzhu.cli.parsing import SubCommands
from jiuzhu.cli.schema_check import migrate_if_behind


def register(sub: SubCommands) -> None:
    p = sub.add_parser("worker", help="后台任务进程：导入上传的名单、筛查 / run background jobs (imports, screening)")
    p.add_argument("--once", action="store_true", help="做完排队的任务后退出 / drain the queue and exit")
    p.add_argument("--poll", type=float, default=2.0, metavar="SECONDS",
                   help="空闲时查看队列的间隔（秒） / seconds between looks at an empty queue")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    setup()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.jobs.queue import work

    migrate_if_behind()
    # here, not at the top: a command loads the engine and Django only when it runs
    from jiuzhu.app.jobs.heartbeat import start_heartbeat

    beating = start_heartbeat()  # /healthz reads it; a thread, so a long job still beats
    stopping = []

    def stop(*_):  # finish the job at hand, then leave
        stopping.append(True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    done = work(once=args.once, poll=args.poll, should_stop=lambda: bool(stopping))
    beating.set()
    if args.once:
        print(f"已完成 {done} 个后台任务 / ran {done} job(s)")
    return 0
