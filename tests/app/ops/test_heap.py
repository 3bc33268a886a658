"""The web processes keep their long-lived objects out of the cycle collector's walks (ops/heap.py)."""

from __future__ import annotations

import gc
import weakref
from types import SimpleNamespace

import pytest

from jiuzhu.app.ops import gunicorn_conf, heap


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_master_freezes_before_each_fork(unfrozen):
    assert gc.get_freeze_count() == 0
    gunicorn_conf.pre_fork(None, SimpleNamespace(nr=0))
    assert gc.get_freeze_count() > 0


def test_web_process_freezes_once_when_warm(unfrozen):
    for handled in range(1, heap.WARM_REQUESTS):
        gunicorn_conf.post_request(SimpleNamespace(nr=handled), None, {}, None)
        assert gc.get_freeze_count() == 0
    kept = [object() for _ in range(10)]  # noqa: F841 - alive at the freeze
    gunicorn_conf.post_request(SimpleNamespace(nr=heap.WARM_REQUESTS), None, {}, None)
    frozen = gc.get_freeze_count()
    assert frozen > 0
    gc.unfreeze()
    gunicorn_conf.post_request(SimpleNamespace(nr=heap.WARM_REQUESTS + 1), None, {}, None)
    assert gc.get_freeze_count() == 0


def test_garbage_is_not_frozen(unfrozen):
    class Cycle:
        pass

    a, b = Cycle(), Cycle()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    heap.freeze()
    assert gone() is None  # collected, not kept forever in the permanent generation
