"""The background worker's heartbeat.

The worker (`jiuzhu worker`) rewrites `JIUZHU_HOME/run/worker-heartbeat.json` every
HEARTBEAT_SECONDS from a thread of its own, so a long import or screening does not look like a
dead worker; `/healthz` and the jobs admin page read it. It names no person: host, process and time only.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from pathlib import Path

from jiuzhu.engine.home import jiuzhu_home

HEARTBEAT_SECONDS = 10
HEARTBEAT_STALE_SECONDS = 60


def heartbeat_path() -> Path:
    return jiuzhu_home() / "run" / "worker-heartbeat.json"


def beat(path: Path | None = None) -> None:
    path = path or heartbeat_path()
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "at": time.time()}),
                   encoding="utf-8")
    os.replace(tmp, path)


def start_heartbeat() -> threading.Event:
    """Beat now and every HEARTBEAT_SECONDS until the returned event is set."""
    stop = threading.Event()
    path = heartbeat_path()

    def loop() -> None:
        while True:
            with contextlib.suppress(OSError):  # a full disk shows in /healthz's disk check
                beat(path)
            if stop.wait(HEARTBEAT_SECONDS):
                return

    threading.Thread(target=loop, name="worker-heartbeat", daemon=True).start()
    return stop


def check_worker() -> dict:
    try:
        seen = json.loads(heartbeat_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"ok": False, "detail": "后台任务进程没有运行 / no worker heartbeat"}
    age = round(time.time() - float(seen.get("at", 0)), 1)
    ok = age <= HEARTBEAT_STALE_SECONDS
    return {"ok": ok, "age_seconds": age, "pid": seen.get("pid"),
            **({} if ok else {"detail": "后台任务进程已停止 / the worker's heartbeat is stale"})}
