r"""Saddles: GD, momentum and Newton started on a saddle's stable direction, exactly and perturbed by ε.

At a saddle with Hessian eigenvalues :math:`\lambda_+ > 0 > \lambda_-`, a GD step multiplies the offset along the
stable eigenvector by :math:`1 - \eta\lambda_+` (it shrinks) and along the unstable one by :math:`1 - \eta\lambda_-
> 1` (on :math:`x^2 - y^2`: :math:`1 + 2\eta`): started exactly on the stable manifold the run stalls at the saddle,
the slightest perturbation grows geometrically. Newton's step solves for the critical point and goes to the saddle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from optim import analysis as an
from scenes.compute import Result, compute
from scenes.scene import RunSpec, Scene
from scenes.text import num, plural
from surfaces import Point, Surface

RACERS = ("gd", "momentum", "newton")


@dataclass(frozen=True)
class SaddleStudy:
    saddle: Point
    eigenvalues: np.ndarray  # (2,) ascending: λ− then λ+
    stable: np.ndarray  # (2,) unit eigenvector of the larger eigenvalue
    unstable: np.ndarray  # (2,) unit eigenvector of the smaller one
    exact: Result  # the racers from the stable direction exactly
    perturbed: Result  # ... and from ε along the unstable direction
    escape: dict[str, tuple[float | None, float | None]]  # racer -> (theory rate, measured rate) along the unstable

    @property
    def degenerate(self) -> bool:
        return bool(self.eigenvalues[0] > -1e-6 * max(1.0, abs(self.eigenvalues[1])))

    def offsets(self, result: Result) -> list[np.ndarray]:
        """|⟨θ_t − s, u⟩| per racer: how far each run is along the unstable direction."""
        s = np.array([self.saddle.x, self.saddle.y])
        return [np.abs((r.xy.astype(np.float64) - s) @ self.unstable) for r in result.runs]


def growth_rate(offset: np.ndarray, ceiling: float) -> float | None:
    """The per-step growth of a small offset: exp of the least-squares slope of log|offset| while it stays below
    ``ceiling`` (the linear regime near the saddle); None if it does not grow over at least 5 steps."""
    t = np.nonzero((offset > 0) & (offset < ceiling) & np.isfinite(offset))[0]
    t = t[: np.argmax(np.diff(t) > 1) + 1] if t.size > 1 and (np.diff(t) > 1).any() else t  # the first stretch
    if t.size < 5:
        return None
    slope = np.polyfit(t, np.log(offset[t]), 1)[0]
    return float(np.exp(slope)) if slope > 0 else None


def saddle_study(scene: Scene, saddle: int = 0, eps: float = 1e-6, distance: float = 0.45) -> SaddleStudy:
    """The scene's surface and steps, its runs' hyperparameters for GD and momentum (defaults otherwise); the start
    is the saddle moved ``distance`` × span along its stable direction (and ε along the unstable one)."""
    surface: Surface = scene.surface_obj
    if not surface.saddles:
        raise ValueError(f"{surface.title} lists no saddle point")
    s = surface.saddles[saddle % len(surface.saddles)]
    _, h = an.curvature(surface, np.array([[s.x, s.y]]))
    ev, vecs = np.linalg.eigh(h[0])
    unstable, stable = vecs[:, 0], vecs[:, 1]
    if ev[0] > -1e-6 * max(1.0, abs(ev[1])) and surface.starts:  # degenerate (the monkey saddle): no eigen-direction
        to = np.array(min(surface.starts, key=lambda p: abs(p[1] - s.y) + abs(p[0] - s.x) * 1e-3)) - [s.x, s.y]
        stable = to / np.linalg.norm(to)
        unstable = np.array([-stable[1], stable[0]])
    elif stable[0] > 0 or (stable[0] == 0 and stable[1] > 0):  # start on the left (or below): a fixed convention
        stable = -stable
    if not an.is_quadratic(surface):
        distance = min(distance, 0.05)  # start close, where the eigen-directions still hold
    (x0, x1), (y0, y1) = surface.domain
    reach = distance * surface.span
    for _ in range(20):  # stay inside the domain
        start = np.array([s.x, s.y]) + reach * stable
        if x0 <= start[0] <= x1 and y0 <= start[1] <= y1:
            break
        reach *= 0.8
    given = {r.optimizer: r for r in scene.runs}
    runs = tuple(given.get(k, RunSpec.default(k)) for k in RACERS)
    exact = compute(replace(scene, runs=runs, start=tuple(float(v) for v in start)))
    perturbed = compute(replace(scene, runs=runs, start=tuple(float(v) for v in start + eps * unstable)))
    study = SaddleStudy(s, ev, stable, unstable, exact, perturbed, {})
    escape = {}
    straight = distance > 0.05  # a quadratic saddle: its stable manifold is the straight eigen-line
    for r, off in zip(perturbed.runs, study.offsets(perturbed), strict=True):
        hyper = r.spec.hyper_dict()
        beta = an.momentum_of(r.spec.optimizer, hyper)
        theory = None
        if not study.degenerate:
            theory = an.spectral_rate(r.spec.optimizer, hyper["learning_rate"], beta, (ev[0],))
        measured = growth_rate(off, 0.05 * surface.span) if theory is not None and straight else None
        escape[r.spec.optimizer] = (theory, measured)
    return replace(study, escape=escape)


def stable_start_text(study: SaddleStudy, surface: Surface) -> str:
    """What gradient descent started on the stable direction did, in words that hold for this study's runs: held at
    the saddle; diverged; never near it in the steps run; or near it and gone again (a non-quadratic saddle's
    stable manifold curves away from its tangent line, the eigenvector the start lies on)."""
    if study.degenerate:
        return ""
    exact = study.exact.runs[0]
    if exact.outcome.kind == "saddle":
        return (
            "Started exactly on the stable direction, gradient descent converges to the saddle: with no offset along "
            "the unstable direction there is nothing to grow."
        )
    if exact.outcome.kind in ("diverged", "runaway"):
        return (
            f"From the stable direction gradient descent diverged at step {exact.diverged_at}: at this learning rate "
            "its steps are too long for this surface, whatever the saddle does."
        )
    d = np.hypot(exact.xy[:, 0] - study.saddle.x, exact.xy[:, 1] - study.saddle.y)
    k = int(np.argmin(d))
    if d[k] > 0.5 * d[0]:
        return (
            f"In {plural(study.exact.scene.steps, 'step')} gradient descent from the stable direction never comes "
            f"near the saddle: {num(float(d[0]), 2)} away at the start, {num(float(d[k]), 2)} at its closest."
        )
    return (
        f"Gradient descent from the stable direction passes {num(float(d[k]), 2)} from the saddle at step {k}, "
        "then leaves. The stable manifold is in general curved: this start, on its tangent line, is off it, and the "
        "offset grows like ε's."
    )
