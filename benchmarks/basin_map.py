"""Basin map speed (issue 4): a 200 x 200 grid of starts x 500 steps on Himmelblau, labelled by the minimum reached,
for GD, heavy ball and Adam; against optax doing the same runs (endpoints only, no labels, no divergence test).

Goal: under a second per optimizer on the 2-core machine, warm. Run from the project root:
``.venv/bin/python benchmarks/basin_map.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

from benchmarks.basin_speed import best_of, optax_runner  # noqa: E402
from scenes import RunSpec, Scene  # noqa: E402
from scenes import basins as bs  # noqa: E402

STEPS = 500
RULES = {
    "gd": (0.01, optax.sgd(0.01)),
    "momentum": (0.002, optax.sgd(0.002, momentum=0.9)),
    "adam": (0.05, optax.adam(0.05)),
}


def main() -> None:
    jnp.zeros(1).block_until_ready()
    print(f"{bs.GRID} x {bs.GRID} starts x {STEPS} steps on Himmelblau, labelled by the minimum reached")
    for key, (lr, opt) in RULES.items():
        scene = Scene(surface="himmelblau", runs=(RunSpec(key, (("learning_rate", lr),)),), steps=STEPS)
        t0 = time.perf_counter()
        bm = bs.basin_map(scene)
        cold = time.perf_counter() - t0
        starts = jnp.asarray(bs.grid_starts(scene.surface_obj, bs.GRID)[2])
        ref = optax_runner(opt, STEPS)
        ref(starts).block_until_ready()
        best, _ = best_of(
            {"ours": lambda s=scene: bs.basin_map(s), "optax": lambda r=ref, x=starts: r(x).block_until_ready()},
            repeats=3,
        )
        print(
            f"{key:9s} basin_map first {cold:.2f} s, warm {best['ours'] * 1e3:6.1f} ms; optax endpoints "
            f"{best['optax'] * 1e3:6.1f} ms; ratio {best['ours'] / best['optax']:.2f}; "
            f"global {bm.share_global:.1%}, diverged {bm.share(bs.DIVERGED):.1%}"
        )
    # larger grids run in blocks of bs.CHUNK starts (the page shows progress between them): cost per start
    scene = Scene(surface="himmelblau", runs=(RunSpec("adam", (("learning_rate", 0.05),)),), steps=STEPS)
    best, _ = best_of({n: lambda n=n: bs.basin_map(scene, n) for n in (200, 400, 600)}, repeats=2)
    for n in (400, 600):
        print(
            f"adam {n} x {n} ({bs.chunks(n)} blocks): {best[n]:.2f} s; per start vs 200 x 200: "
            f"{best[n] / n**2 / (best[200] / 200**2):.2f}"
        )


if __name__ == "__main__":
    main()
