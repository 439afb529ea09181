"""A user's formula -> Surface, parsed safely by a whitelist parser (never eval, exec or Python's `ast`).

    from_formula("sin(x)*cos(y) + 0.1*(x^2 + y^2)", domain=((-4, 4), (-4, 4)))

The language and its limits are in surfaces/_parser.py. A formula is refused (FormulaError, a ValueError, whose
message names the column or token) when it does not parse, when the domain is not a finite box of span at most 1e4,
or when f is not finite somewhere on a 200 × 200 or 201 × 201 grid of the domain (the message gives such a point).
Its critical points are found numerically (surfaces/_search.py). The same text, domain and title give the identical
Surface.
"""

from __future__ import annotations

import functools
import math
import threading

import jax.numpy as jnp
import numpy as np

from surfaces._parser import FormulaError, function, numpy_function, parse, to_latex
from surfaces._search import STARTS, search
from surfaces.base import Domain, Surface, forget_programs

__all__ = ["FormulaError", "from_formula", "function", "numpy_function", "parse", "to_latex"]

DEFAULT_DOMAIN: Domain = ((-4.0, 4.0), (-4.0, 4.0))
MAX_SPAN = 1e4
CHECK_GRID = 200  # the grid the landscape is drawn on (scenes.compute.GRID): its compiled program is reused; a
# second check with NumPy on 201 points takes the centre lines too (1/x on (-1, 1) is refused)
_START_FRACTIONS = ((0.15, 0.85), (0.85, 0.15), (0.85, 0.85), (0.15, 0.15), (0.5, 0.9), (0.9, 0.5), (0.3, 0.3))


_LOCK = threading.Lock()


def from_formula(text: str, domain: Domain = DEFAULT_DOMAIN, *, title: str | None = None) -> Surface:
    """The Surface of a formula in x and y over `domain` ((xmin, xmax), (ymin, ymax)), key "custom".

    Raises FormulaError (a ValueError) with a message saying where the problem is.
    """
    parse(text)  # fails fast, before the cache sees the arguments
    return _build(text, _domain(domain), title)


def _domain(domain) -> Domain:
    try:
        (x0, x1), (y0, y1) = ((float(lo), float(hi)) for lo, hi in domain)
    except (TypeError, ValueError):
        raise FormulaError(f"the domain must be ((xmin, xmax), (ymin, ymax)) of numbers, not {domain!r}") from None
    for name, lo, hi in (("x", x0, x1), ("y", y0, y1)):
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise FormulaError(f"the {name} range ({lo:g}, {hi:g}) of the domain is not finite")
        if not lo < hi:
            raise FormulaError(
                f"the {name} range ({lo:g}, {hi:g}) of the domain is empty: its minimum must be below its maximum"
            )
        if hi - lo > MAX_SPAN:
            raise FormulaError(f"the {name} range ({lo:g}, {hi:g}) of the domain is too wide (at most {MAX_SPAN:g})")
    return ((x0, x1), (y0, y1))


KEEP = 16  # new formulas whose compiled programs stay in memory, at ~18 MB each; then they all go (forget_programs)
_new = [0]  # formulas built since the programs were last let go


@functools.lru_cache(maxsize=64)
def _build(text: str, domain: Domain, title: str | None) -> Surface:
    tree = parse(text)
    with _LOCK:  # a class typing formulas: memory stays bounded (~KEEP × 18 MB), whatever they type
        _new[0] += 1
        if _new[0] > KEEP:
            _new[0] = 1
            forget_programs()
    f = function(tree, jnp)
    bare = Surface("custom", title or text.strip(), f, domain, latex=to_latex(tree), lesson="")
    xs, ys, z = bare.grid(CHECK_GRID)
    _check_finite(xs, ys, z)
    xs1, ys1 = (np.linspace(lo, hi, CHECK_GRID + 1, dtype=np.float32) for lo, hi in domain)  # with the centre lines
    with np.errstate(all="ignore"):
        _check_finite(xs1, ys1, function(tree, np)(xs1[None, :], ys1[:, None]))
    found = search(f, domain, float(z.max() - z.min()))
    n_min, n_saddle, n_max = found.counts
    shown = (
        ""
        if found.counts == (len(found.minima), len(found.saddles), len(found.maxima))
        else (f" (the lowest {len(found.minima)} minima and saddles, the highest {len(found.maxima)} maxima listed)")
    )
    lesson = (
        f"Your formula: {_count(n_min, 'minimum', 'minima')}{f' ({found.n_global} global)' * (n_min > 0)}, "
        f"{_count(n_saddle, 'saddle', 'saddles')} and {_count(n_max, 'maximum', 'maxima')} found numerically "
        f"on this domain by Newton's method from a {STARTS} × {STARTS} grid of starts{shown}."
    )
    points = found.minima + found.saddles + found.maxima
    return Surface(
        "custom",
        bare.title,
        f,
        domain,
        latex=bare.latex,
        lesson=lesson,
        minima=found.minima,
        saddles=found.saddles,
        maxima=found.maxima,
        starts=_starts(domain, [(p.x, p.y) for p in points]),
        log_color=_log_color(z, found.minima),
        source="a formula typed in the app; critical points found numerically (Newton's method on the gradient in "
        f"float64 from a {STARTS} × {STARTS} grid of starts, degenerate points skipped)",
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _check_finite(xs: np.ndarray, ys: np.ndarray, z: np.ndarray) -> None:
    """Refuse a formula that is inf or NaN anywhere on the grid, naming the bad point nearest the domain's centre."""
    bad = ~np.isfinite(z)
    if not bad.any():
        return
    j, i = np.nonzero(bad)
    k = np.argmin(np.hypot(xs[i] - xs.mean(), ys[j] - ys.mean()))
    x, y, v = float(xs[i[k]]), float(ys[j[k]]), float(z[j[k], i[k]])
    what = (
        "is undefined (a log or square root of a negative number, 0/0, inf - inf, ...)"
        if math.isnan(v)
        else "overflows (|f| above 3.4e38 in float32) or divides by zero"
    )
    raise FormulaError(
        f"the formula {what} on part of the domain ({int(bad.sum())} of {bad.size} grid points), "
        f"e.g. at (x, y) = ({x:.4g}, {y:.4g}) where f = {v}: narrow the domain or change the formula"
    )


def _starts(domain: Domain, points: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """Three starts spread over the domain, none within 5% of the span of a critical point (zero gradient)."""
    (x0, x1), (y0, y1) = domain
    span = max(x1 - x0, y1 - y0)
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    candidates = [(round(x0 + a * (x1 - x0), 6), round(y0 + b * (y1 - y0), 6)) for a, b in _START_FRACTIONS]
    far = [s for s in candidates if len(pts) == 0 or np.hypot(*(pts - s).T).min() > 0.05 * span]
    return tuple((far + [s for s in candidates if s not in far])[:3])


def _log_color(z: np.ndarray, minima) -> bool:
    """Colour by log(f - f*) when the values span two decades or more over the lowest tenth of the domain, as for the
    catalogue's Rosenbrock, Beale and Goldstein–Price (and not for Booth or Himmelblau), and the global minimum is
    the floor of the grid (the colouring measures from it)."""
    if not minima:
        return False
    f_min = min(p.value for p in minima)
    rng = float(z.max() - f_min)
    if z.min() < f_min - 1e-5 * max(1.0, rng):
        return False
    return rng >= 100 * max(float(np.percentile(z, 10)) - f_min, 1e-30)
