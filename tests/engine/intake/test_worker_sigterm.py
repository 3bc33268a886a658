"""A forked import worker ends on SIGTERM as by default, though the CLI's handler was in place when it was
forked (jiuzhu/cli/termination.py): with that handler it would send its exception back as a task's result
and live on after the pool's terminate()."""

from __future__ import annotations

import multiprocessing
import os
import signal

from jiuzhu.cli.termination import cleans_up_on_sigterm
from jiuzhu.engine.intake.parallel import ProcessPoolExecutor, _watch_parent


def _default_sigterm() -> bool:
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_forked_worker_takes_sigterm_as_by_default():
    before = signal.getsignal(signal.SIGTERM)
    with cleans_up_on_sigterm():
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        # the pool of an import in a process without other threads (parallel._pool_start)
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_watch_parent, initargs=(os.getpid(),)) as pool:
            assert pool.submit(_default_sigterm).result() is True
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is only the command's
