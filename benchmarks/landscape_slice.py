"""Landscape speed on a small network (issue 5): a 41 x 41 filter-normalized slice of a 2->32->26->1 tanh MLP (981
parameters) on 400 points, surfaces.landscape.slice_2d against two NumPy forward-pass baselines measured in the same
run: a Python loop over the 1,681 grid points, and a vectorised one (each row of 41 grid points as one batched matmul);
then optim.sharpness.top_eigenvalue (Lanczos on Hessian-vector products) against the full Hessian (jax.hessian) and
eigvalsh, and sharpness_along on a 50-point gradient-descent path against 50 calls of top_eigenvalue.

Times are the best of a few repeats after a warm-up compile (the first call is reported apart). Run from the project
root: ``.venv/bin/python benchmarks/landscape_slice.py``.
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.flatten_util import ravel_pytree  # noqa: E402

from benchmarks.basin_speed import best_of  # noqa: E402
from optim.sharpness import sharpness_along, top_eigenvalue  # noqa: E402
from surfaces.landscape import random_plane, slice_2d  # noqa: E402

WIDTHS, N_POINTS, GRID, PATH_STEPS, LR = (2, 32, 26, 1), 400, 41, 50, 0.1

rng = np.random.default_rng(0)
X = rng.uniform(-2, 2, (N_POINTS, 2)).astype(np.float32)
Y = (np.sin(2 * X[:, 0]) * np.cos(X[:, 1])).astype(np.float32)
XJ, YJ = jnp.asarray(X), jnp.asarray(Y)


def init(seed: int = 0) -> dict[str, np.ndarray]:
    r = np.random.default_rng(seed)
    params = {}
    for i, (n_in, n_out) in enumerate(zip(WIDTHS[:-1], WIDTHS[1:], strict=True)):
        params[f"w{i}"] = (r.normal(size=(n_in, n_out)) / np.sqrt(n_in)).astype(np.float32)
        params[f"b{i}"] = np.zeros(n_out, np.float32)
    return params


def mse(params) -> jax.Array:
    h = XJ
    for i in range(len(WIDTHS) - 1):
        h = h @ params[f"w{i}"] + params[f"b{i}"]
        h = jnp.tanh(h) if i < len(WIDTHS) - 2 else h
    return jnp.mean((h[:, 0] - YJ) ** 2)


def numpy_mse(params, x=X) -> np.ndarray:
    """The same forward pass in NumPy; leaves may carry a leading batch axis (batched matmul)."""
    h = x
    for i in range(len(WIDTHS) - 1):
        h = h @ params[f"w{i}"] + params[f"b{i}"][..., None, :]
        h = np.tanh(h) if i < len(WIDTHS) - 2 else h
    return np.mean((h[..., 0] - Y) ** 2, axis=-1)


def numpy_loop(center, d1, d2, alphas, betas) -> np.ndarray:
    """Baseline 1: a Python loop over grid points, one NumPy forward pass each."""
    z = np.empty((len(betas), len(alphas)), np.float32)
    for i, b in enumerate(betas):
        for j, a in enumerate(alphas):
            z[i, j] = numpy_mse({k: center[k] + a * d1[k] + b * d2[k] for k in center})
    return z


def numpy_rows(center, d1, d2, alphas, betas) -> np.ndarray:
    """Baseline 2: vectorised NumPy, one batched forward pass per row of the grid (41 parameter sets at once)."""
    a = alphas.astype(np.float32)
    z = np.empty((len(betas), len(alphas)), np.float32)
    for i, b in enumerate(betas):
        batch = {k: center[k] + np.multiply.outer(a, d1[k]) + np.float32(b) * d2[k] for k in center}
        z[i] = numpy_mse(batch)
    return z


@functools.partial(jax.jit, static_argnums=0)
def full_hessian(loss, params):
    flat, unravel = ravel_pytree(params)
    return jax.hessian(lambda x: loss(unravel(x)))(flat)


def hessian_top(params) -> float:
    return float(np.linalg.eigvalsh(np.asarray(full_hessian(mse, params), np.float64))[-1])


@functools.partial(jax.jit, static_argnums=1)
def gd_path(params, steps: int):
    """Full-batch gradient descent, every step recorded (the start first)."""

    def step(p, _):
        p = jax.tree_util.tree_map(lambda w, g: w - LR * g, p, jax.grad(mse)(p))
        return p, p

    _, path = jax.lax.scan(step, params, None, steps - 1)
    return jax.tree_util.tree_map(lambda x0, xs: jnp.concatenate([x0[None], xs]), params, path)


def first_call(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    jnp.zeros(1).block_until_ready()
    params = init()
    n = ravel_pytree(params)[0].size
    print(f"MLP {'->'.join(map(str, WIDTHS))} tanh, {n} parameters, {N_POINTS} points, MSE on {jax.devices()[0]}")

    d1, d2 = (jax.tree_util.tree_map(np.asarray, d) for d in random_plane(params, seed=0))
    alphas = betas = np.linspace(-1, 1, GRID, dtype=np.float32)
    ours = lambda: slice_2d(mse, params, d1, d2, alphas, betas)
    z, cold = first_call(ours)
    best, outs = best_of({"ours": ours, "rows": lambda: numpy_rows(params, d1, d2, alphas, betas)}, repeats=5)
    loop, t_loop = first_call(lambda: numpy_loop(params, d1, d2, alphas, betas))
    diff = max(np.abs(z - outs["rows"]).max(), np.abs(z - loop).max()) / np.abs(loop).max()
    print(
        f"{GRID}×{GRID} slice: ours {best['ours']:.3f} s (first call {cold:.2f} s), NumPy loop {t_loop:.2f} s, "
        f"NumPy rows {best['rows']:.3f} s; loop/ours {t_loop / best['ours']:.1f}, rows/ours "
        f"{best['rows'] / best['ours']:.1f}; max relative difference {diff:.1e}"
    )

    top, cold_top = first_call(lambda: top_eigenvalue(mse, params))
    ref, cold_hess = first_call(lambda: hessian_top(params))
    best, outs = best_of({"lanczos": lambda: top_eigenvalue(mse, params), "hessian": lambda: hessian_top(params)})
    print(
        f"top eigenvalue: Lanczos {best['lanczos'] * 1e3:.1f} ms (first call {cold_top:.2f} s), full Hessian + "
        f"eigvalsh {best['hessian'] * 1e3:.1f} ms (first call {cold_hess:.2f} s); hessian/lanczos "
        f"{best['hessian'] / best['lanczos']:.1f}; λ_max {top:.5f} vs {ref:.5f} (relative difference "
        f"{abs(top - ref) / abs(ref):.1e})"
    )

    path = gd_path(params, PATH_STEPS)
    points = [jax.tree_util.tree_map(lambda x, t=t: x[t], path) for t in range(PATH_STEPS)]
    along, cold_along = first_call(lambda: sharpness_along(mse, path))
    best, outs = best_of(
        {"along": lambda: sharpness_along(mse, path), "loop": lambda: [top_eigenvalue(mse, p) for p in points]},
        repeats=3,
    )
    gap = np.abs(along - np.asarray(outs["loop"])).max() / np.abs(along).max()
    print(
        f"sharpness along a {PATH_STEPS}-step GD path (η = {LR}, 2/η = {2 / LR:.0f}): sharpness_along "
        f"{best['along']:.3f} s (first call {cold_along:.2f} s), {PATH_STEPS} × top_eigenvalue {best['loop']:.3f} s; "
        f"loop/along {best['loop'] / best['along']:.1f}; λ_max {along[0]:.3f} -> {along[-1]:.3f}; "
        f"max relative difference {gap:.1e}"
    )


if __name__ == "__main__":
    main()
