"""SIGTERM ends a long command as Ctrl-C does: its `finally` blocks and context managers run.

Python's default for SIGTERM ends the process on the spot, so a killed `jiuzhu screen` left its scratch
folder (`jiuzhu-link-*`, 30 GB at a province) behind. A command that lives long and writes scratch files
(main.py: those that set ``cleans_up=True``) runs under this handler instead; `serve` and `worker` have
their own shutdown and are left alone.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

TERMINATED = 128 + signal.SIGTERM  # 143: the status a shell reports for a process SIGTERM ended


@contextmanager
def cleans_up_on_sigterm() -> Iterator[None]:
    """Within: SIGTERM raises SystemExit(143), once (a second one while cleaning up is ignored)."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread takes signals
        yield
        return
    received: list[int] = []

    def terminate(signum: int, _frame: object) -> None:
        if received:
            return
        received.append(signum)
        print("已收到终止信号，正在清理临时文件后退出 / terminated: cleaning up", file=sys.stderr, flush=True)
        raise SystemExit(TERMINATED)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    except BaseException:
        # DuckDB turns the handler's exception into its own ("Query interrupted"): the exit status says why
        if received:
            raise SystemExit(TERMINATED) from None
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    if received:  # the exception was caught on the way and the command went on to its end
        raise SystemExit(TERMINATED)
