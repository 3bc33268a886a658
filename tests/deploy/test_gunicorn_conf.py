"""The web processes' worker class follows their threads: one thread → gunicorn's sync worker (a process takes
a request only when it is free: docs/performance.md "The sync worker"), more → gthread."""

from __future__ import annotations

import importlib

import pytest

from jiuzhu.app.ops import gunicorn_conf


@pytest.mark.parametrize(("threads", "worker_class", "expected_threads"),
                         [(None, "sync", 1), ("1", "sync", 1), ("4", "gthread", 4)])
def test_one_thread_is_the_sync_worker(monkeypatch, threads, worker_class, expected_threads) -> None:
    if threads is None:
        monkeypatch.delenv("JIUZHU_WEB_THREADS", raising=False)
    else:
        monkeypatch.setenv("JIUZHU_WEB_THREADS", threads)
    try:
        conf = importlib.reload(gunicorn_conf)
        assert (conf.worker_class, conf.threads) == (worker_class, expected_threads)
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)
