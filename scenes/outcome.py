"""What happened to a run, in words: reached a minimum in k steps, diverged at step k, stalled at a saddle."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenes.text import num, point
from surfaces import Point, Surface

REACH_TOL = 1e-3  # a run has reached a point when it stays within this fraction of the domain's span of it


@dataclass(frozen=True)
class Outcome:
    kind: str  # "reached" | "saddle" | "maximum" | "rest" | "moving" | "diverged" | "runaway"
    text: str  # the clause after the optimizer's name: "reached the global minimum at (3, 2) in 143 steps"
    step: int | None = None  # steps to reach / step of divergence
    target: Point | None = None


def _arrival(xy: np.ndarray, p: Point, tol: float) -> int | None:
    """The first step from which the path stays within tol of p, or None if it does not end there."""
    d = np.hypot(xy[:, 0] - p.x, xy[:, 1] - p.y)
    if d[-1] > tol:
        return None
    outside = np.nonzero(d > tol)[0]
    return int(outside[-1] + 1) if outside.size else 0


def _nearest(points: tuple[Point, ...], x: float, y: float) -> tuple[Point | None, float]:
    if not points:
        return None, np.inf
    d = [np.hypot(p.x - x, p.y - y) for p in points]
    i = int(np.argmin(d))
    return points[i], float(d[i])


def outcome(
    surface: Surface, xy: np.ndarray, loss: np.ndarray, diverged_at: int | None, grad_norm: float, grad_scale: float
) -> Outcome:
    """Classify a run. grad_norm: |∇f| at its end; grad_scale: a typical |∇f| over the domain (at rest = 1e-3 of it)."""
    steps = len(xy) - 1
    if diverged_at is not None:
        if not surface.minima:
            return Outcome("runaway", f"ran away downhill and left the safe box at step {diverged_at} "
                           "(this surface has no minimum)", diverged_at)
        return Outcome("diverged", f"diverged at step {diverged_at}", diverged_at)
    tol = REACH_TOL * surface.span
    x, y = (float(v) for v in xy[-1])
    for kind, points in (("reached", surface.minima), ("saddle", surface.saddles), ("maximum", surface.maxima)):
        p, _ = _nearest(points, x, y)
        k = _arrival(xy, p, tol) if p is not None else None
        if k is None:
            continue
        where = point(p.x, p.y)
        if kind == "reached":
            unique = len(surface.global_minima) == 1
            name = ("the global minimum" if unique else "a global minimum") if p.kind == "global" else "a local minimum"
            return Outcome(kind, f"reached {name} at {where} in {k} steps", k, p)
        name = "the saddle point" if kind == "saddle" else "the maximum"
        return Outcome(kind, f"converged to {name} at {where} in {k} steps (not a minimum)", k, p)
    if grad_norm <= 1e-3 * grad_scale:
        return Outcome("rest", f"came to rest at {point(x, y)} (loss {num(float(loss[-1]))}), "
                       "away from every documented minimum")
    return Outcome("moving", f"still moving after {steps} steps, at {point(x, y)} with loss {num(float(loss[-1]))}")
