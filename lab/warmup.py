"""Compile ahead, in two tiers.

**At install** (``python -m lab warm``, run by ``make run``): every program the pages reach from their defaults in
one move is compiled into JAX's persistent cache, in place (.jax_cache/: its keys include the folder's path), and a
stamp records the JAX version and the engine's code it was primed for, so an upgrade or a code change primes again
(and a new JAX version first clears the dead entries). A compiled program costs 1-10 s on a 2-core machine; loaded
from the cache 0.1-0.5 s.

**At server start**, in a background thread: with a primed cache, each page's figures at its defaults (what a first
visit draws), loaded from the cache in about 4 s, after which the CPU is the class's. **On a page's first visit**
(``warm_page``), its other sections' programs, in the background (Minima's Escape and Saddles, 3.6 s; Networks' four
other sections, ~7 s): the lecturer opens the page, and the class's first switch to another section finds them.
Without a primed cache (the app started some other way), each page's first views (``likely_work()``) in the
registry's order, then the later work (``later_work()``: the default racers on every surface).

Each page says what it computes: ``likely_work()``, ``later_work()`` and ``reachable_work()`` (one move from the
defaults, where the move needs programs of its own) in ``charts/<page>.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lab.pages import PAGES

log = logging.getLogger("loss-landscape-lab")
ROOT = Path(__file__).resolve().parent.parent


ENGINE = ("surfaces", "optim", "scenes", "charts")  # the code whose programs the cache holds, and its jobs' code
STAMP = "primed.json"
PROGRAMS = "programs.json"  # the programs the install step primed: {JAX's cache key: the program's name}


def cache_dir() -> Path:
    return Path(os.environ.get("LLL_JAX_CACHE", str(ROOT / ".jax_cache")))


def use_compilation_cache() -> None:
    """JAX's persistent compilation cache (.jax_cache/, or $LLL_JAX_CACHE): a fresh process (a server, the export
    command) loads the programs an earlier one compiled instead of compiling them again."""
    import jax

    jax.config.update("jax_compilation_cache_dir", str(cache_dir()))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)


def first_work() -> list[tuple]:
    """(function, argument) pairs: every page's first views, in the registry's order."""
    return [job for p in PAGES.values() for job in p.charts.likely_work()]


def _default_figures(page) -> dict:
    from viz import THEMES

    return page.charts.figures(page.link.decode({})[0], THEMES["normal"])


def default_views() -> list[tuple]:
    """(function, page) pairs: every page's figures at its defaults, in the registry's order."""
    return [(_default_figures, p) for p in PAGES.values()]


def work() -> list[tuple]:
    """What a server warms without a primed cache: the first views, then the later work."""
    charts = [p.charts for p in PAGES.values()]
    return first_work() + [job for c in charts if hasattr(c, "later_work") for job in c.later_work()]


def prime_work() -> list[tuple]:
    """What the install step compiles: the server's work, then what each page reaches in one move."""
    charts = [p.charts for p in PAGES.values()]
    return work() + [job for c in charts if hasattr(c, "reachable_work") for job in c.reachable_work()]


def fingerprint() -> dict[str, str]:
    """What a primed cache was primed for: the JAX and jaxlib versions, a hash of the engine's sources and one of the
    work it runs (the pages' lists of what to compile ahead)."""
    import jax
    import jaxlib

    digest = hashlib.sha256()
    for folder in ENGINE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    work = hashlib.sha256("\n".join(f"{_name(fn)} {arg!r}" for fn, arg in prime_work()).encode())
    return {"jax": jax.__version__, "jaxlib": jaxlib.__version__, "code": digest.hexdigest(), "work": work.hexdigest()}


def _name(fn) -> str:
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"


def stamp() -> dict[str, str] | None:
    try:
        return json.loads((cache_dir() / STAMP).read_text())
    except (OSError, ValueError):
        return None


def primed() -> bool:
    """Whether the cache holds every program of ``prime_work()`` for this JAX and this code."""
    return stamp() == fingerprint() and primed_programs() is not None


def primed_programs() -> dict[str, str] | None:
    """The programs the cache was primed with: {JAX's persistent cache key: the program's name}; None if unknown."""
    try:
        programs = json.loads((cache_dir() / PROGRAMS).read_text())
    except (OSError, ValueError):
        return None
    return programs if isinstance(programs, dict) else None


def let_go() -> None:
    """Let go of every compiled program in memory and of every result the engine and the charts keep that one
    computed (a map's landscape, its picture and its vector contour): what runs next looks up each program it needs.
    A result kept from before (a test module's import, an earlier job) would hide its program from the list."""
    from charts import scene as fig
    from scenes.compute import landscape
    from surfaces.base import forget_programs

    forget_programs()
    for cache in (landscape, fig._picture, fig._vector):
        cache.cache_clear()


@contextlib.contextmanager
def programs_looked_up():
    """``{cache key: program name}`` of every compiled program looked up in the persistent cache inside the block,
    found or compiled (JAX looks a program up when this process does not hold it in memory: run ``let_go()`` first to
    see them all). Reads a private function of JAX (0.10), checked by
    tests/test_warmup.py: a JAX that renamed it fails there."""
    from jax._src import compiler

    seen: dict[str, str] = {}
    read = compiler._cache_read

    def recording(module_name, cache_key, *args, **kwargs):
        seen[cache_key] = module_name
        return read(module_name, cache_key, *args, **kwargs)

    compiler._cache_read = recording
    try:
        yield seen
    finally:
        compiler._cache_read = read


def prime(say: Callable[[str], None] = print, force: bool = False) -> int:
    """Compile every program of ``prime_work()`` into the persistent cache, in place, and stamp it; nothing to do when
    the stamp is current (unless ``force``). A stamp of another JAX version clears the cache first (its entries can
    never hit again). Returns the number of jobs run."""
    current, old = fingerprint(), stamp()
    if old == current and not force:
        say(f"The compile cache in {cache_dir()} is primed for this code and JAX {current['jax']}.")
        return 0
    folder = cache_dir()
    if old is not None and (old.get("jax"), old.get("jaxlib")) != (current["jax"], current["jaxlib"]):
        shutil.rmtree(folder, ignore_errors=True)
        say(f"Cleared {folder}: it was primed for JAX {old.get('jax')}.")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STAMP).unlink(missing_ok=True)
    use_compilation_cache()
    jobs = prime_work()
    say(f"Compiling the app's programs into {folder} once for this machine ({len(jobs)} jobs, a few minutes)…")
    t0, failed = time.perf_counter(), 0
    let_go()  # every program looked up, so that the list of those primed is whole
    with programs_looked_up() as programs:
        for i, (fn, arg) in enumerate(jobs, 1):
            try:
                fn(arg)
            except Exception:  # one job that cannot run must not stop the others; it is told
                failed += 1
                log.exception("priming job %d failed", i)
            if i % 10 == 0 or i == len(jobs):
                say(f"  {i}/{len(jobs)} in {time.perf_counter() - t0:.0f} s")
    if failed:
        say(f"{failed} jobs failed (see above): the cache is not stamped, the next start primes again.")
        return len(jobs)
    (folder / PROGRAMS).write_text(json.dumps(dict(sorted(programs.items())), indent=0))
    (folder / STAMP).write_text(json.dumps(current, indent=1))
    say(f"{len(programs)} programs primed.")
    return len(jobs)


def section_views(page) -> list[tuple]:
    """(function, state) pairs: the page's figures at each of its sections' defaults but the first (a page whose
    sections show the same computation, Trajectories' views, has none)."""
    from links import section_param

    if page.name == "trajectories":
        return []
    link = page.link
    states = [link.decode(section_param(s, link.SECTIONS, link.SHORT))[0] for s in link.SECTIONS[1:]]
    return [(_section_figures, (page, state)) for state in states]


def _section_figures(job: tuple) -> dict:
    from viz import THEMES

    page, state = job
    return page.charts.figures(state, THEMES["normal"])


_visited: set[str] = set()
_visited_lock = threading.Lock()


def warm_page(name: str) -> threading.Thread | None:
    """The first visit of page ``name`` on this server: its other sections' programs loaded in the background, so a
    class's first switch to one does not wait for them (Escape: 3.5 s cold, 0.9 s with its programs loaded).
    Once a process and page; never with LLL_WARMUP=0 (the tests, the benchmarks). At start the server warms only
    each page's first section: what a class does not open costs nothing, and the CPU is the class's."""
    if os.environ.get("LLL_WARMUP", "1") == "0":
        return None
    with _visited_lock:
        if name in _visited:
            return None
        _visited.add(name)
    t = threading.Thread(target=_run, args=(section_views(PAGES[name]),), name=f"lll-warm-{name}", daemon=True)
    t.start()
    return t


def _run(jobs: list[tuple]) -> None:
    t0 = time.perf_counter()
    for fn, arg in jobs:
        try:
            fn(arg)
        except Exception:  # warming is a courtesy: a failure here must never reach anyone
            log.exception("warm-up of %r failed", arg)
    log.info("warm-up: %d jobs in %.1f s", len(jobs), time.perf_counter() - t0)


def _warm() -> None:
    _run(default_views() if primed() else work())


def start() -> threading.Thread:
    t = threading.Thread(target=_warm, name="lll-warmup", daemon=True)
    t.start()
    return t
