"""compute(scene) -> Result: the landscape, every racer's trajectory and what happened to it, and a caption.

Arrays only: what a figure makes of them (the contour picture's PNG among it) is scenes/figures.py's business.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np

from optim import analysis, run
from scenes.outcome import Outcome, outcome
from scenes.scene import RunSpec, Scene
from scenes.text import num, plural, point, run_label
from surfaces import Surface

# Runs are computed for the next bucket of steps and cut: a steps slider compiles at most five programs per rule.
STEP_BUCKETS = (100, 200, 500, 1000, 2000)
GRID = 200
IMAGE_GRID = 480  # the contour picture is drawn from a finer grid than the one the 3D view and hover use


@dataclass(frozen=True)
class Landscape:
    """The surface on a grid, and what the colours show (log10 of the gap to the minimum where the range is huge)."""

    xs: np.ndarray  # (nx,) float32
    ys: np.ndarray  # (ny,) float32
    z: np.ndarray  # (ny, nx) float32, f itself
    color: np.ndarray  # (ny, nx) float32, the coloured quantity: lift(z)
    color_label: str
    floor: float | None  # log colouring: log10(f - floor + delta); None: f itself
    delta: float

    def lift(self, v) -> np.ndarray:
        """What the colours and the 3D height show for values f: f itself, or log10(f − f*) where the range is huge."""
        if self.floor is None:
            return np.asarray(v, np.float32)
        return np.log10(np.maximum(np.asarray(v, np.float64) - self.floor, 0) + self.delta).astype(np.float32)


@functools.lru_cache(maxsize=64)
def landscape(surface: Surface, n: int = GRID) -> Landscape:
    xs, ys, z = surface.grid(n)
    floor, label = None, "f(x, y)"
    if surface.log_color:
        floor, label = (surface.f_min if surface.f_min is not None else 0.0), "log₁₀(f − f*)"
    delta = max(1e-6 * float(z.max() - z.min()), 1e-12)
    bare = Landscape(xs, ys, z, z, label, floor, delta)
    return dataclasses.replace(bare, color=bare.lift(z))


def image_grid(surface: Surface) -> np.ndarray:
    """The coloured quantity (the landscape's lift of f) on the finer grid the contour picture is drawn from:
    (IMAGE_GRID, IMAGE_GRID) float32, rows over y ascending."""
    return landscape(surface).lift(surface.grid(IMAGE_GRID)[2])


@dataclass(frozen=True)
class RunResult:
    spec: RunSpec
    xy: np.ndarray  # (steps + 1, 2) float32, frozen at the last good point after a divergence
    loss: np.ndarray  # (steps + 1,) float32
    diverged_at: int | None
    outcome: Outcome
    lr: np.ndarray | None = None  # (steps,) float32, the learning rate of each update; None: no schedule
    ahead: np.ndarray | None = None  # (2,) float32, the point after the last shown (the race runs on); None: it ends

    @property
    def title(self) -> str:
        return self.spec.spec.title

    @property
    def label(self) -> str:
        """ "Adam · η 0.05", "Adam · η 0.05, cosine": how the run is named in legends and captions."""
        return run_label(self.title, self.spec.spec, self.spec.hyper_dict(), self.spec.schedule)


@dataclass(frozen=True)
class Result:
    """Everything a figure needs; plain values and arrays, so it pickles (st.cache_data) and exports."""

    scene: Scene
    start: tuple[float, float]
    landscape: Landscape
    runs: tuple[RunResult, ...]

    @property
    def surface(self) -> Surface:
        return self.scene.surface_obj

    @property
    def shared_rate(self) -> str:
        """ "all at η = 0.015" when two or more racers step at one constant learning rate (a fair race), else ""."""
        rates = {r.spec.hyper_dict()["learning_rate"] for r in self.runs}
        constant = all(r.spec.schedule is None or r.spec.schedule.kind == "constant" for r in self.runs)
        return f"all at η = {num(rates.pop())}" if len(self.runs) > 1 and len(rates) == 1 and constant else ""

    @property
    def caption(self) -> str:
        """ "Himmelblau, from (−4, 4), 300 steps: Adam · η 0.05 reached the global minimum (3, 2) in 143 steps; …"."""
        parts = [f"{r.label} {r.outcome.text}" for r in self.runs]
        rate = f", {self.shared_rate}" if self.shared_rate else ""
        head = f"{self.surface.title}, from {point(*self.start)}, {plural(self.scene.steps, 'step')}{rate}: "
        return head + "; ".join(parts) + "."


def step_bucket(steps: int) -> int:
    """The steps a run is computed for (then cut): the next of STEP_BUCKETS, so a steps slider compiles few programs."""
    return next((b for b in STEP_BUCKETS if b >= steps), steps)


def horizon(steps: int) -> int:
    """The steps a race is run for: past what is shown (``steps``), so that "reached" can be held to staying there."""
    return step_bucket(steps + max(10, steps // 4))


def local_models(surface: Surface, points: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Gradient and Hessian at each point: what says whether a run has come to rest, where, and why it diverged."""
    g, h = analysis.curvature(surface, points)
    return list(zip(g, h, strict=True))


def compute(scene: Scene) -> Result:
    surface = scene.surface_obj
    start = scene.start_point
    land = landscape(surface)
    n = scene.steps
    trajectories = [
        run(
            surface,
            r.optimizer,
            start=start,
            steps=horizon(n),  # each run goes on past what is shown: "reached" must hold there
            seed=scene.seed,
            schedule=r.schedule,
            **r.hyper_dict(),
        )
        for r in scene.runs
    ]
    ends = np.stack([t.xy[n] for t in trajectories])
    models = local_models(surface, ends)
    runs = []
    for r, t, (g, h) in zip(scene.runs, trajectories, models, strict=True):
        xy, loss = t.xy[: n + 1], t.loss[: n + 1]
        div = t.diverged_at if t.diverged_at is not None and t.diverged_at <= n else None
        lr = None
        if r.schedule is not None and r.schedule.kind != "constant":
            lr = np.float32(r.hyper_dict()["learning_rate"]) * r.schedule.multipliers(n)
        hyper = r.hyper_dict()
        lr_div = float(lr[div - 1]) if lr is not None and div else hyper["learning_rate"]  # the update that failed
        constant = r.schedule is None or r.schedule.kind == "constant"  # a schedule ends at n: its run does too
        later = t.diverged_at if t.diverged_at is not None and t.diverged_at > n else None
        after = t.xy[n + 1 : later] if constant else None
        told = outcome(
            surface,
            xy,
            loss,
            div,
            g,
            h,
            rule=(r.optimizer, hyper, lr_div),
            after=after,
            diverged_after=later if constant else None,
        )
        ahead = t.xy[n + 1] if constant and (t.diverged_at is None or t.diverged_at > n + 1) else None
        runs.append(RunResult(r, xy, loss, div, told, lr, ahead))
    return Result(scene, start, land, tuple(runs))
