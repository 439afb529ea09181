"""Basins of attraction: every start of a grid over the domain labelled by the documented minimum its run reaches,
one vectorised call of :func:`optim.run` that keeps only where each run ended."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim import run
from scenes.outcome import REACH_TOL
from scenes.scene import Scene
from scenes.text import plural, point
from surfaces import Point, Surface

DIVERGED, NOT_CONVERGED = -1, -2  # labels besides the index of a documented minimum
GRID = 200
GRIDS = (100, 200, 300, 400, 600)  # what the page offers; above GRID the map is computed in chunks, with progress
CHUNK = GRID * GRID  # starts per vectorised call: every chunk has this shape, so one compiled program serves all
# Surfaces whose every evaluation is a sum over data (the 2-parameter network: 40 tanh per point) cost ~40x
# Himmelblau's: their maps start at 100 x 100 (about a second each, measured) and can be refined on request.
HEAVY = frozenset({"two_param_net"})


def default_grid(surface_key: str) -> int:
    return 100 if surface_key in HEAVY else GRID


# What a map costs a start and a step, relative to Himmelblau's (~3 ns warm on the 2-core machine): a surface summed
# over data (the 2-parameter network, 137 ns) or with hundreds of minima to tell apart (Rastrigin's 441, 24 ns).
COST = {"two_param_net": 45.0, "rastrigin": 8.0}
WORK_BUDGET = 2.4e9  # starts × steps × maps × cost: ~7 s warm, so that a section's maps and race render within 10 s


def work(scene: Scene, n: int) -> float:
    """What the section's maps cost: one n × n map per racer of ``scene``, in Himmelblau's start-steps."""
    return n * n * scene.steps * len(scene.runs) * COST.get(scene.surface, 1.0)


def largest_grid(scene: Scene) -> int | None:
    """The largest grid the page offers whose maps fit WORK_BUDGET; None if not even the smallest does."""
    return max((g for g in GRIDS if work(scene, g) <= WORK_BUDGET), default=None)


def over_budget(scene: Scene, n: int) -> str | None:
    """Why the maps are more work than the page does, in plain words with the limit; None when they are not."""
    if work(scene, n) <= WORK_BUDGET:
        return None
    most = largest_grid(scene)
    limit = f"at most {most}×{most} starts with them" if most else "too much even on the smallest grid"
    return (
        f"{plural(len(scene.runs), 'map')} of {n}×{n} starts, {plural(scene.steps, 'step')} each, on "
        f"{scene.surface_obj.title} are more than this page computes in a few seconds: {limit}; fewer steps or "
        "optimizers allow more"
    )


@dataclass(frozen=True)
class BasinMap:
    scene: Scene  # the surface, one run (optimizer and hyperparameters) and the steps; its start is not used
    xs: np.ndarray  # (n,) float32
    ys: np.ndarray  # (n,)
    labels: np.ndarray  # (n, n) int16, rows along y: the index of the minimum reached, DIVERGED or NOT_CONVERGED
    ends: np.ndarray  # (n, n, 2) float32: where each run ended (its last good point if it diverged)

    @property
    def surface(self) -> Surface:
        return self.scene.surface_obj

    @property
    def minima(self) -> tuple[Point, ...]:
        return self.surface.minima

    def share(self, label: int) -> float:
        return float((self.labels == label).mean())

    @property
    def share_global(self) -> float:
        """The share of starts whose run reached a global minimum."""
        return float(np.isin(self.labels, [i for i, p in enumerate(self.minima) if p.kind == "global"]).mean())

    def start_at(self, i: int, j: int) -> tuple[float, float]:
        """The start of the pixel in row i (y) and column j (x)."""
        return float(self.xs[j]), float(self.ys[i])


def grid_starts(surface: Surface, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """xs (n,), ys (n,) and the (n·n, 2) starts, row by row along y (as the map's rows)."""
    (x0, x1), (y0, y1) = surface.domain
    xs, ys = np.linspace(x0, x1, n, dtype=np.float32), np.linspace(y0, y1, n, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=1)


def label_ends(surface: Surface, ends: np.ndarray, diverged: np.ndarray, tol: float = REACH_TOL) -> np.ndarray:
    """The index of the documented minimum each end point lies within ``tol`` of the span of (by default REACH_TOL,
    as the captions), else NOT_CONVERGED; DIVERGED where the run diverged."""
    labels = np.full(len(ends), NOT_CONVERGED, np.int16)
    if surface.minima:
        mins = np.array([[p.x, p.y] for p in surface.minima], np.float32)
        d = np.linalg.norm(ends[:, None, :] - mins[None], axis=-1)  # (M, K)
        near = d.argmin(axis=1)
        labels = np.where(d[np.arange(len(ends)), near] <= tol * surface.span, near, NOT_CONVERGED)
    return np.where(diverged >= 0, DIVERGED, labels).astype(np.int16)


def chunks(n: int) -> int:
    """How many vectorised calls an n × n map takes (one up to GRID × GRID)."""
    return -(-n * n // CHUNK) if n * n > CHUNK else 1


def basin_chunk(scene: Scene, n: int, i: int) -> tuple[np.ndarray, np.ndarray]:
    """(ends (m, 2), diverged_at (m,)) of chunk i of the n × n grid's starts, in the order of :func:`grid_starts`.

    A map of more than CHUNK starts runs CHUNK at a time, the last chunk padded with copies of its first start, so
    every call has one shape (no recompiling) and a page can show progress between calls. A stochastic rule's chunk
    i draws from seed + i·7919, so chunks do not repeat each other's noise."""
    surface = scene.surface_obj
    spec = scene.runs[0]
    starts = grid_starts(surface, n)[2]
    if n * n > CHUNK:
        starts = starts[i * CHUNK : (i + 1) * CHUNK]
        m = len(starts)
        starts = np.concatenate([starts, np.repeat(starts[:1], CHUNK - m, axis=0)])
    else:
        m = len(starts)
    tr = run(
        surface,
        spec.optimizer,
        start=starts,
        steps=scene.steps,
        record_every=scene.steps,
        seed=(scene.seed + 7919 * i) % 2**31,
        schedule=spec.schedule,
        **spec.hyper_dict(),
    )
    return tr.xy[:m, -1], np.asarray(tr.diverged_at)[:m]


def assemble(scene: Scene, n: int, parts: list[tuple[np.ndarray, np.ndarray]]) -> BasinMap:
    """The map from its chunks' (ends, diverged_at), labelled by the documented minimum each run reached."""
    surface = scene.surface_obj
    xs, ys, _ = grid_starts(surface, n)
    ends = np.concatenate([e for e, _ in parts])
    labels = label_ends(surface, ends, np.concatenate([d for _, d in parts]))
    return BasinMap(scene, xs, ys, labels.reshape(n, n), ends.reshape(n, n, 2))


def basin_map(scene: Scene, n: int = GRID) -> BasinMap:
    """Run the scene's first optimizer from every start of an n × n grid for scene.steps steps (endpoints only)."""
    return assemble(scene, n, [basin_chunk(scene, n, i) for i in range(chunks(n))])


def legend_names(bm: BasinMap) -> dict[int, str]:
    """Label -> legend text with its share of the starts: "global min (3, 2): 25.6%", "diverged: 3.1%"."""
    names = {}
    for k in sorted(int(v) for v in np.unique(bm.labels)):
        if k == DIVERGED:
            text = "diverged"
        elif k == NOT_CONVERGED:
            text = f"not converged in {plural(bm.scene.steps, 'step')}"
        else:
            p = bm.minima[k]
            text = f"{'global' if p.kind == 'global' else 'local'} min {point(p.x, p.y)}"
        names[k] = f"{text}: {100 * bm.share(k):.1f}%"
    return names
