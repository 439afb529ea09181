"""Critical points computed at import: Newton's method on the gradient in float64 NumPy, from seeds near each point.

Used for the surfaces whose points form a lattice (Rastrigin, Ackley, Styblinski–Tang, Easom): the formula is written
once with an `xp` argument (jax.numpy for descent, NumPy here) and the gradient is taken by the complex step,
f_x = Im f(x + ih, y) / h (Squire & Trapp, SIAM Review 40, 1998), exact to rounding for an analytic f.
tests/test_surfaces.py re-verifies every point with jax.grad and jax.hessian in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from surfaces.base import Domain, Point

_H = 1e-30  # complex step
_FD = 1e-6  # central-difference step for the Hessian (of the exact gradient)


def gradient(f: Callable, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∇f (..., 2) by the complex step."""
    return np.stack([f(x + 1j * _H, y).imag / _H, f(x, y + 1j * _H).imag / _H], -1)


def derivatives(f: Callable, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """∇f (n, 2) and ∇²f (n, 2, 2): the Hessian by central differences of the exact gradient, one call for both."""
    d = np.array([0.0, _FD, -_FD, 0.0, 0.0])[:, None]
    g = gradient(f, x + d, y + d[[0, 3, 4, 1, 2]])  # (5, n, 2): at p, p ± h e_x, p ± h e_y
    h = np.stack([g[1] - g[2], g[3] - g[4]], -1) / (2 * _FD)
    return g[0], 0.5 * (h + np.swapaxes(h, -1, -2))


def newton(f: Callable, p: np.ndarray, steps: int = 7) -> np.ndarray:
    """Newton's method on ∇f = 0 for every row of p (n, 2) at once, from seeds near the critical points."""
    for _ in range(steps):
        g, h = derivatives(f, p[:, 0], p[:, 1])
        p = p - np.linalg.solve(h, g[..., None])[..., 0]
    return p


def _square_symmetry(p: np.ndarray) -> np.ndarray:
    """The images of points (n, 2) under the 8 symmetries of the square: (±x, ±y) and (±y, ±x)."""
    signs = np.array([(1, 1), (1, -1), (-1, 1), (-1, -1)], np.float64)[:, None]
    return np.concatenate([(p[None] * signs).reshape(-1, 2), (p[None, :, ::-1] * signs).reshape(-1, 2)]) + 0.0  # no -0


def critical_points(
    f: Callable, seeds: Iterable[tuple[float, float]], domain: Domain, floor: float | None = None, square: bool = False
) -> tuple[tuple[Point, ...], tuple[Point, ...], tuple[Point, ...]]:
    """(minima, saddles, maxima) refined from seeds, those inside the domain, classified by the Hessian's eigenvalues.

    square: f has the symmetries of the square, f(x, y) = f(±x, ±y) = f(±y, ±x): only the seeds with 0 <= y <= x are
    refined, the rest are their images. Minima whose value is the least (or `floor`, where the global minimum is not
    among the seeds) are "global".
    """
    p = np.asarray(list(seeds), np.float64)
    if square:
        p = _square_symmetry(newton(f, p[(0 <= p[:, 1]) & (p[:, 1] <= p[:, 0])]))
    else:
        p = newton(f, p)
    (x0, x1), (y0, y1) = domain
    p = p[(p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)]
    p = p[np.unique(np.round(p, 8), axis=0, return_index=True)[1]]
    ev = np.linalg.eigvalsh(derivatives(f, p[:, 0], p[:, 1])[1])
    v = f(p[:, 0], p[:, 1]).real
    rows = sorted(
        zip(
            v.tolist(),
            p[:, 0].tolist(),
            p[:, 1].tolist(),
            (ev[:, 0] > 0).tolist(),
            (ev[:, 1] < 0).tolist(),
            strict=True,
        )
    )  # by value, then x, then y
    least = min(r[0] for r in rows if r[3]) if floor is None else floor
    tol = 1e-9 * max(1.0, abs(least))
    return (
        tuple(Point(x, y, val, "global" if val <= least + tol else "local") for val, x, y, pos, _ in rows if pos),
        tuple(Point(x, y, val) for val, x, y, pos, neg in rows if not pos and not neg),
        tuple(Point(x, y, val) for val, x, y, _, neg in rows if neg),
    )
