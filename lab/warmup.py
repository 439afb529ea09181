"""Compile ahead: the programs a lecturer is likely to ask for next, compiled in the background at server start.

A compiled run costs ~0.6 s per (surface, optimizer, step bucket) on a 2-core machine (~0.3 s from the persistent
cache); a warm one ~3 ms. Warming the default surface with every optimizer, then the default racers on every
surface, makes switching surface or optimizer in front of a class instant.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from optim import OPTIMIZERS
from scenes import basins, escape, saddles
from scenes import learning_rate as lab
from scenes import networks as net
from scenes.compute import compute
from scenes.scene import DEFAULT_OPTIMIZERS, RunSpec, Scene
from surfaces import SURFACES

log = logging.getLogger("loss-landscape-lab")
ROOT = Path(__file__).resolve().parent.parent


def use_compilation_cache() -> None:
    """JAX's persistent compilation cache (.jax_cache/, or $LLL_JAX_CACHE): a fresh process (a server, the export
    command) loads the programs an earlier one compiled instead of compiling them again."""
    import jax

    jax.config.update("jax_compilation_cache_dir", os.environ.get("LLL_JAX_CACHE", str(ROOT / ".jax_cache")))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)


def likely_scenes() -> Iterator[Scene]:
    default = Scene()
    for k in OPTIMIZERS:
        yield Scene(runs=(RunSpec.default(k),), steps=default.steps)
    for key in SURFACES:
        if key != default.surface:
            yield Scene(surface=key, runs=tuple(RunSpec.default(k) for k in DEFAULT_OPTIMIZERS))


def likely_lab_work() -> Iterator[tuple]:
    """The Learning rate page's first views: each section at its defaults, then the sweep for every optimizer."""
    sweep = Scene(surface="quadratic", runs=(RunSpec.default("gd"),), steps=500)
    yield lab.sweep, sweep
    yield lab.regimes, lab.sweep(sweep)
    yield lab.phase, Scene(surface="quadratic", runs=(RunSpec.default("momentum"),), steps=500)
    yield lab.momentum_race, Scene(surface="narrow_valley", steps=500)
    for k in OPTIMIZERS:
        if k != "gd":
            yield lab.sweep, Scene(surface="quadratic", runs=(RunSpec.default(k),), steps=500)


def likely_minima_work() -> Iterator[tuple]:
    """The Minima page's first views: the default basin maps, the escape lab and the saddle."""
    for k in ("gd", "momentum", "adam"):
        yield basins.basin_map, Scene(runs=(RunSpec.default(k),), steps=500)
    scene = escape.escape_scene()
    for fn in (escape.noise_sweep, escape.beta_sweep, escape.restarts, lambda s: compute(escape.examples(s))):
        yield fn, scene
    yield (
        saddles.saddle_study,
        Scene(surface="saddle", runs=(RunSpec.default("gd"), RunSpec.default("momentum")), steps=1000),
    )


def likely_network_work() -> Iterator[tuple]:
    """The Networks page's sections at their defaults: training, the slices, the line, the sharpness."""
    yield (
        compute,
        Scene(
            surface="two_param_net",
            runs=tuple(RunSpec.default(k) for k in DEFAULT_OPTIMIZERS),
            start=(0.0, 0.0),
            steps=1000,
        ),
    )
    for key, scene in net.SECTION_DEFAULTS.items():
        yield net.train, scene
        if key == "sharpness":
            yield lambda s: net.sharpness(net.train(s)), scene
            continue
        yield lambda s: net.landscape_slice(net.train(s), "random"), scene
        if key == "train":
            yield lambda s: net.landscape_slice(net.train(s), "pca"), scene
            yield lambda s: net.interpolation(net.train(s)), scene
            yield lambda s: net.boundary(s, net.train(s).final), scene
        else:
            yield lambda s: net.top_at(s, s.initial()), scene


def _warm() -> None:
    work = [(compute, s) for s in likely_scenes()]
    # after the default page: the other pages' defaults, then the other surfaces
    work[len(OPTIMIZERS) : len(OPTIMIZERS)] = [*likely_lab_work(), *likely_minima_work(), *likely_network_work()]
    for fn, arg in work:
        try:
            fn(arg)
        except Exception:  # warming is a courtesy: a failure here must never reach anyone
            log.exception("warm-up of %s failed", getattr(arg, "surface", arg))


def start() -> threading.Thread:
    t = threading.Thread(target=_warm, name="lll-warmup", daemon=True)
    t.start()
    return t
