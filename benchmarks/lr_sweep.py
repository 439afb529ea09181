"""Learning-rate sweep speed: 200 learning rates x 500 steps of gradient descent on Rosenbrock, every step recorded
(the sweep needs whole paths for steps-to-tolerance), optim.run against optax and a NumPy loop; then the whole
`scenes.learning_rate.sweep` (the run plus arrivals, Hessians and thresholds) and the (lr, β) phase diagram.

Goal (issue 3): a 200 x 500 sweep well under a second on the 2-core machine, warm. Run from the project root:
``.venv/bin/python benchmarks/lr_sweep.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402

from benchmarks.basin_speed import best_of  # noqa: E402
from optim import run  # noqa: E402
from scenes import RunSpec, Scene
from scenes import learning_rate as lab  # noqa: E402
from surfaces import SURFACES  # noqa: E402

N, STEPS = 200, 500
START = np.array([-1.5, 2.0], np.float32)


def rosenbrock(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


@jax.jit
def optax_paths(lrs: jax.Array) -> jax.Array:
    """The same work with optax: vmap over learning rates of a lax.scan recording every step."""

    def one(lr):
        opt = optax.sgd(lr)

        def step(carry, _):
            p, s = carry
            u, s = opt.update(jax.grad(rosenbrock)(p), s, p)
            p = optax.apply_updates(p, u)
            return (p, s), p

        return jax.lax.scan(step, (jnp.asarray(START), opt.init(jnp.asarray(START))), None, STEPS)[1]

    return jax.vmap(one)(lrs)


def numpy_paths(lrs: np.ndarray) -> np.ndarray:
    """GD in NumPy on (N, 2) arrays with the analytic Rosenbrock gradient, every step kept."""
    p = np.repeat(START[None], len(lrs), axis=0)
    out = np.empty((STEPS, len(lrs), 2), np.float32)
    with np.errstate(all="ignore"):
        for t in range(STEPS):
            x, y = p[:, 0], p[:, 1]
            g = np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=1)
            p = p - lrs[:, None] * g
            out[t] = p
    return out


def main() -> None:
    surface = SURFACES["rosenbrock"]
    lrs = np.geomspace(2e-6, 1e-2, N).astype(np.float32)
    jnp.zeros(1).block_until_ready()
    print(f"{N} learning rates x {STEPS} GD steps on Rosenbrock from (−1.5, 2), every step recorded")
    ours = lambda: run(surface, "gd", start=START, steps=STEPS, learning_rate=lrs)
    ref = lambda: np.asarray(optax_paths(jnp.asarray(lrs)))
    first = {}
    for name, fn in (("ours", ours), ("optax", ref)):
        t0 = time.perf_counter()
        fn()
        first[name] = time.perf_counter() - t0
    print(f"first call (compile + run): ours {first['ours']:.2f} s, optax {first['optax']:.2f} s")
    best, outs = best_of({"ours": ours, "optax": ref, "numpy": lambda: numpy_paths(lrs)})
    tr, paths = outs["ours"], outs["optax"]
    ok = tr.diverged_at < 0
    same = np.allclose(tr.xy[ok, 1:], paths[ok], rtol=1e-4, atol=1e-5)  # optax: (N, STEPS, 2) without the start
    print(f"optim.run  {best['ours'] * 1e3:8.1f} ms   ({(~ok).sum()} of {N} diverged, detected exactly)")
    print(f"optax      {best['optax'] * 1e3:8.1f} ms   (no divergence test)")
    print(f"numpy      {best['numpy'] * 1e3:8.1f} ms")
    print(f"ours / optax = {best['ours'] / best['optax']:.2f}   numpy / ours = {best['numpy'] / best['ours']:.1f}")
    print(f"paths of the runs that did not diverge equal optax's: {same}")

    scene = Scene(surface="rosenbrock", runs=(RunSpec.default("gd"),), start=tuple(map(float, START)), steps=STEPS)
    t0 = time.perf_counter()
    lab.sweep(scene)
    cold = time.perf_counter() - t0
    best, _ = best_of({"sweep": lambda: lab.sweep(scene)})
    print(
        f"scenes.learning_rate.sweep (run + arrivals + Hessians + thresholds): first {cold:.2f} s, warm "
        f"{best['sweep'] * 1e3:.1f} ms   (goal: well under 1 s)"
    )
    phase = Scene(surface="quadratic", runs=(RunSpec.default("momentum"),), steps=STEPS)
    t0 = time.perf_counter()
    lab.phase(phase)
    cold = time.perf_counter() - t0
    best, _ = best_of({"phase": lambda: lab.phase(phase)}, repeats=3)
    print(
        f"scenes.learning_rate.phase ({lab.PHASE_LRS * lab.PHASE_BETAS} (lr, β) pairs x {STEPS} steps): "
        f"first {cold:.2f} s, warm {best['phase'] * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
