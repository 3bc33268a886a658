"""`jiuzhu serve --workers 2`: gunicorn with two web processes and the background worker, as one command."""

from __future__ import annotations

import json
import signal
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.fixtures.processes import children


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_serve_runs_web_processes_and_the_worker(make_home):
    home = make_home("serve")
    port = free_port()
    proc = home.popen("serve", "--port", str(port), "--workers", "2")
    try:
        first = proc.stdout.readline()
        assert first.startswith(f"网页服务 / serving: http://127.0.0.1:{port}/（2 个网页进程，后台任务进程"), (
            first + proc.stderr.read() if proc.poll() is not None else first)
        deadline = time.monotonic() + 60
        while (status := get(f"http://127.0.0.1:{port}/healthz"))[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status[0] == 200, status
        assert json.loads(status[1])["checks"]["worker"]["ok"] is True
        assert get(f"http://127.0.0.1:{port}/login/")[0] == 200
        kids = children(proc.pid)
        assert len(kids) == 2  # gunicorn's master and `jiuzhu worker`
        web_processes = [len(children(k)) for k in kids]
        assert sorted(web_processes) == [0, 2]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=120) == 0
    assert all(not Path(f"/proc/{k}").exists() for k in kids)
    assert proc.stdout.read() == ""  # stdout holds the one address line; logs go to stderr
    lines = [json.loads(line) for line in proc.stderr.read().splitlines() if line.startswith("{")]
    assert any(line.get("route") == "login/" and line.get("status") == 200 for line in lines)
