"""Python's cycle collector and a web process's long-lived objects.

A full collection walks every object the process holds — Django, the app's modules, compiled templates, URL
patterns: ≈ 350,000 objects after start-up — and in a web process it ran every few dozen pages for ≈ 90 ms,
≈ 3–4 ms of CPU a page on average (bench.page_cost with a gc callback, docs/performance.md). `freeze` moves
every object alive into the collector's permanent generation, which it never walks: the master freezes what
it imported before each fork (shared pages stay shared, too: a collection no longer writes into them), and
each web process freezes once more after WARM_REQUESTS pages, when its own caches (templates, the URL
resolver, translations) are built. Garbage is collected first, so nothing frozen is garbage; an object frozen
and later dropped is freed by reference counting as usual (only a cycle among frozen objects stays, and the
warm-up builds caches, not such cycles)."""

from __future__ import annotations

import gc

WARM_REQUESTS = 20


def freeze() -> None:
    """Collect the garbage, then keep every object now alive out of later collections."""
    gc.collect()
    gc.freeze()


def after_request(handled: int) -> None:
    """Called after each page with the count this process handled: freezes once, when warm."""
    if handled == WARM_REQUESTS:
        freeze()
