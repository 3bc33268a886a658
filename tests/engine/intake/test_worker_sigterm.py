"""A forked import worker ends on SIGTERM as by default, though the CLI's handler was in place when it was
forked (jiuzhu/cli/termination.py): with that handler it would send its exception back as a task's result
and live on after the pool's terminate()."""

from __future__ import annotations

import signal

from jiuzhu.cli.termination import cleans_up_on_sigterm
from jiuzhu.engine.intake.parallel import ProcessPoolExecutor, _pool_start


def _default_sigterm() -> bool:
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_forked_worker_takes_sigterm_as_by_default():
    with cleans_up_on_sigterm():
        start = _pool_start({})
        assert start["mp_context"].get_start_method() == "fork"
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        with ProcessPoolExecutor(max_workers=1, **start) as pool:
            assert pool.submit(_default_sigterm).result() is True
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handler is only the command's
