"""Momentum explained: GD, the heavy ball and Nesterov at their best settings on a convex quadratic (L and μ from the
Hessian, :mod:`optim.analysis`'s closed forms), each racer's rate measured on its path against the theory's."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from optim import analysis as an
from scenes.compute import Result, compute
from scenes.learning_rate import Curvature, curvature_at
from scenes.scene import RunSpec, Scene

RACERS = ("gd", "momentum", "nesterov")
RATE_TEXT = {"gd": "(κ−1)/(κ+1)", "momentum": "(√κ−1)/(√κ+1)", "nesterov": "1 − 2/√(3κ+1)"}  # each rule's best rate


@dataclass(frozen=True)
class RateRow:
    optimizer: str
    setting: dict[str, float]  # learning_rate, momentum
    theory: float  # the rate the theory promises at this setting
    measured: float | None  # fitted on the path's distance to the minimum


@dataclass(frozen=True)
class MomentumRace:
    result: Result  # GD, heavy ball and Nesterov at their best settings
    curvature: Curvature
    rows: tuple[RateRow, ...]
    distances: tuple[np.ndarray, ...]  # per racer: |θ_t − θ*|


def momentum_race(scene: Scene) -> MomentumRace:
    """GD, heavy ball and Nesterov at their best settings on a quadratic (L, μ from the Hessian), rates measured."""
    surface = scene.surface_obj
    curv = curvature_at(surface, scene.start_point)
    if curv is None or not an.is_quadratic(surface):
        raise ValueError(f"{surface.title} is not a convex quadratic: its rates have no closed form")
    settings = {k: an.optimal_setting(k, curv.mu, curv.top) for k in RACERS}
    runs = tuple(
        RunSpec(
            k,
            tuple(
                sorted(
                    {"learning_rate": s["learning_rate"], **({"momentum": s["momentum"]} if k != "gd" else {})}.items()
                )
            ),
        )
        for k, s in settings.items()
    )
    result = compute(replace(scene, runs=runs))
    rows, dists = [], []
    for k, r in zip(RACERS, result.runs, strict=True):
        d = np.hypot(r.xy[:, 0] - curv.minimum.x, r.xy[:, 1] - curv.minimum.y).astype(np.float64)
        dists.append(d)
        s = settings[k]
        rows.append(
            RateRow(k, {"learning_rate": s["learning_rate"], "momentum": s["momentum"]}, s["rate"], an.measured_rate(d))
        )
    return MomentumRace(result, curv, tuple(rows), tuple(dists))
