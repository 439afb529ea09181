"""Critical points of a surface found numerically: Newton's method on ∇f = 0 from a grid of starts, in float64.

Used for formulas typed by a user (surfaces/formula.py), whose points nobody has documented. All starts run at once
in one jit + vmap program; a Newton step that is not finite (a singular Hessian) falls back to a short gradient step,
and every step is clipped to a tenth of the domain so a start cannot be thrown far away in one go.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from surfaces.base import Domain, Point

STARTS = 40  # per axis: a 40 × 40 grid of starts
STEPS = 60
MAX_PER_KIND = 60  # a wildly oscillating formula lists its 60 lowest minima (and saddles), its 60 highest maxima


class Found(NamedTuple):
    minima: tuple[Point, ...]
    saddles: tuple[Point, ...]
    maxima: tuple[Point, ...]
    counts: tuple[int, int, int]  # how many of each kind were found before the cap
    n_global: int  # how many minima are global, before the cap


@functools.partial(jax.jit, static_argnums=(0, 3))
def _newton(f: Callable, p: jax.Array, span: jax.Array, steps: int):
    """Refined points (n, 2), f (n,), |∇f| (n,), ∇²f (n, 2, 2) and the size of one more Newton step (n,)."""
    loss = lambda q: f(q[0], q[1])
    grad, hess = jax.grad(loss), jax.hessian(loss)

    def newton_step(q):
        g, ((a, b), (c, d)) = grad(q), hess(q)
        s = jnp.stack([d * g[0] - b * g[1], a * g[1] - c * g[0]]) / (a * d - b * c)  # H⁻¹g, the 2 × 2 inverse
        norm_g = jnp.linalg.norm(g)
        fallback = g * (0.01 * span / jnp.where(norm_g > 0, norm_g, 1.0))
        return jnp.where(jnp.isfinite(s).all(), s, fallback)

    def step(_, q):
        s = newton_step(q)
        n = jnp.linalg.norm(s)
        s = jnp.where(n > 0.1 * span, s * (0.1 * span / n), s)
        return jnp.where(jnp.isfinite(s).all(), q - s, q)

    def one(q):
        q = jax.lax.fori_loop(0, steps, step, q)
        return q, loss(q), jnp.linalg.norm(grad(q)), hess(q), jnp.linalg.norm(newton_step(q))

    return jax.vmap(one)(p)


def search(f: Callable, domain: Domain, value_range: float, n: int = STARTS, steps: int = STEPS) -> Found:
    """Nondegenerate critical points of f inside the domain, classified by the Hessian's eigenvalues.

    A point is degenerate when its Hessian's smaller |eigenvalue| is below 1e-6 of its larger one or of the domain's
    typical curvature, value_range / span² (the monkey saddle's Hessian vanishes: it is not listed).
    Points closer than 1e-3 of the domain's span are one point. Minima at the least value (within 1e-6 relative) are
    "global": the lowest critical points inside the domain, which the domain's edge may undercut.
    """
    (x0, x1), (y0, y1) = domain
    span = max(x1 - x0, y1 - y0)
    u = (np.arange(n) + 0.5) / n
    gx, gy = np.meshgrid(x0 + (x1 - x0) * u, y0 + (y1 - y0) * u)
    with jax.enable_x64(True):
        out = _newton(f, jnp.asarray(np.stack([gx.ravel(), gy.ravel()], 1), jnp.float64), jnp.float64(span), steps)
        p, v, g, h, last = (np.asarray(a, np.float64) for a in out)
    ok = np.isfinite(p).all(1) & np.isfinite(v) & np.isfinite(h).all((1, 2))
    ok &= (last <= 1e-8 * span) & (g <= 1e-6 * np.maximum(1.0, np.abs(v)))
    ok &= (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    p, v, h = p[ok], v[ok], h[ok]
    keep: list[int] = []
    for i in np.lexsort((p[:, 1], p[:, 0], v)):  # by value, then x, then y
        if not keep or np.hypot(*(p[keep] - p[i]).T).min() > 1e-3 * span:
            keep.append(int(i))
    p, v, h = p[keep], v[keep], h[keep]
    ev = np.linalg.eigvalsh(0.5 * (h + np.swapaxes(h, 1, 2))).reshape(-1, 2)
    big = np.abs(ev).max(1)
    nondegenerate = np.abs(ev).min(1) > 1e-6 * np.maximum(big, value_range / span**2)
    pos, neg = nondegenerate & (ev[:, 0] > 0), nondegenerate & (ev[:, 1] < 0)
    saddle = nondegenerate & ~pos & ~neg
    rows = lambda mask: [(float(v[i]), float(p[i, 0]), float(p[i, 1])) for i in np.nonzero(mask)[0]]
    minima, saddles, maxima = rows(pos), rows(saddle), rows(neg)  # each sorted by value
    counts = (len(minima), len(saddles), len(maxima))
    least = minima[0][0] if minima else 0.0
    tol = 1e-6 * max(1.0, abs(least))
    n_global = sum(val <= least + tol for val, _, _ in minima)
    minima, saddles, maxima = minima[:MAX_PER_KIND], saddles[:MAX_PER_KIND], maxima[-MAX_PER_KIND:]
    return Found(
        tuple(Point(x, y, val, "global" if val <= least + tol else "local") for val, x, y in minima),
        tuple(Point(x, y, val) for val, x, y in saddles),
        tuple(Point(x, y, val) for val, x, y in maxima),
        counts,
        n_global,
    )
