"""Compile ahead: the programs a lecturer is likely to ask for next, compiled in the background at server start.

A compiled run costs ~0.6 s per (surface, optimizer, step bucket) on a 2-core machine (~0.3 s from the persistent
cache); a warm one ~3 ms. Each page says what it computes first (its charts module's ``likely_work()``, and
``later_work()`` for what can wait): the pages' first views in the registry's order, then the later work (the default
racers on every surface), make switching page, surface or optimizer in front of a class instant.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from lab.pages import PAGES

log = logging.getLogger("loss-landscape-lab")
ROOT = Path(__file__).resolve().parent.parent


def use_compilation_cache() -> None:
    """JAX's persistent compilation cache (.jax_cache/, or $LLL_JAX_CACHE): a fresh process (a server, the export
    command) loads the programs an earlier one compiled instead of compiling them again."""
    import jax

    jax.config.update("jax_compilation_cache_dir", os.environ.get("LLL_JAX_CACHE", str(ROOT / ".jax_cache")))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)


def work() -> list[tuple]:
    """(function, argument) pairs in the order they are warmed: every page's first views, then the later work."""
    charts = [p.charts for p in PAGES.values()]
    first = [job for c in charts for job in c.likely_work()]
    return first + [job for c in charts if hasattr(c, "later_work") for job in c.later_work()]


def _warm() -> None:
    for fn, arg in work():
        try:
            fn(arg)
        except Exception:  # warming is a courtesy: a failure here must never reach anyone
            log.exception("warm-up of %s failed", getattr(arg, "surface", arg))


def start() -> threading.Thread:
    t = threading.Thread(target=_warm, name="lll-warmup", daemon=True)
    t.start()
    return t
