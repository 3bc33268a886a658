"""Gunicorn settings shared by `jiuzhu serve` and the systemd unit (deploy/systemd/jiuzhu-web.service):
`gunicorn -c python:jiuzhu.app.ops.gunicorn_conf`. The environment file may override bind and workers."""

from __future__ import annotations

import os

from jiuzhu.app.ops import heap
from jiuzhu.app.ops.logs import logging_config

wsgi_app = "jiuzhu.app.wsgi:application"
bind = os.environ.get("JIUZHU_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("JIUZHU_WEB_WORKERS", "0")) or (os.cpu_count() or 1)
# One request at a time per process, one process per core: the pages are CPU work, and threads of one
# process share its core through Python's lock, so the heaviest page (a clue's) waited longest. With one
# thread requests wait in the order they came, every page alike (docs/performance.md, the stack bench:
# clue page p95 315-363 -> 228-292 ms at the same load). nginx buffers downloads and uploads, so a slow
# client holds no process.
threads = int(os.environ.get("JIUZHU_WEB_THREADS", "1"))
# With one thread, the sync worker: a process accepts a connection only when it is free, so each request
# goes to an idle process. gthread's processes took connections while busy and nginx kept reusing them
# (upstream keepalive), so requests queued behind a busy process while another idled: the cores were
# 63-73 % busy at full load and the p95 doubled (docs/performance.md, "The sync worker"). A new loopback
# connection per request costs far less than that.
worker_class = "sync" if threads == 1 else "gthread"
# Django and the app are imported once in the master and forked: every process answers its first request
# warm, and they share the code's memory. (No database connection is opened at import.)
preload_app = True
timeout = 120  # a quarterly report or a large export; nginx waits as long (deploy/nginx)
graceful_timeout = 30
max_requests = 2000  # recycle now and then: no slow leak lives for months
max_requests_jitter = 200
forwarded_allow_ips = "127.0.0.1"  # nginx on the same machine sets X-Forwarded-Proto
control_socket_disable = True  # not used; it would live in the service user's home
accesslog = None  # the app's own request line (ops/logs.py) names URL patterns, never paths or queries
_config = logging_config(os.environ.get("JIUZHU_LOG_FILE", ""))
_config["loggers"]["gunicorn.error"] = {"level": "INFO", "handlers": ["main"], "propagate": False}
logconfig_dict = _config


def pre_fork(server, worker) -> None:  # noqa: ANN001 - gunicorn's hook
    """The master freezes what it imported before forking a web process (ops/heap.py)."""
    heap.freeze()


def post_request(worker, req, environ, resp) -> None:  # noqa: ANN001 - gunicorn's hook
    """A web process freezes its own caches once, after its first pages (ops/heap.py)."""
    heap.after_request(worker.nr)
