"""A fair race: each racer at its own best learning rate, from its own sweep over its slider's stops (same surface,
start, steps, seed and other hyperparameters), so that a comparison is not decided by the step size alone.

"Best" is the rate that reaches a global minimum in the fewest steps and stays there (the captions' own test: within
REACH_TOL of the span, through the horizon the race is run for, never diverging there); ties go to the lower loss at
the last step shown. Where no rate of a racer reaches a global minimum, its best is the lowest loss at the last step
among the rates that never diverge. A noisy rule keeps its rate: a batch draws other noise than its single run, so a
sweep would rank other paths than the one raced (the live drag leaves it out for the same reason).

The rates are the racers' slider stops (links/slider_values.py; ``charts.trajectories.fair_race`` passes them). Each
sweep is the live drag's program (scenes/ladder.py's ``swept``: 2·HALF + 1 runs at once), so a rule on a surface
compiles one program per bucket of steps whatever it sweeps.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np

from scenes.compute import horizon
from scenes.ladder import HALF, swept
from scenes.learning_rate import arrivals
from scenes.scene import RunSpec, Scene
from scenes.text import num, plural


@dataclass(frozen=True)
class Pick:
    """One racer's sweep and the rate it picks."""

    racer: int
    title: str
    rates: np.ndarray  # (K,) float32, the learning-rate slider's stops
    reach: np.ndarray  # (K,) int, steps to a global minimum (staying there), -1: not within the steps shown
    loss: np.ndarray  # (K,) float, the loss at the last step shown, NaN where the run diverges within the horizon
    best: float | None  # the rate picked; None: every rate diverged, or a noisy rule (``by``)
    by: str  # "steps" | "loss" | "diverged" | "noise"
    was: float  # the racer's rate before
    minimum: bool = True  # the surface has a known global minimum to reach

    @property
    def index(self) -> int | None:
        return None if self.best is None else int(np.argmin(np.abs(self.rates - self.best)))

    @property
    def text(self) -> str:
        """ "Momentum η 0.08 (reached it in 25 steps)", as the fair race's notice lists it."""
        head = f"{self.title} η {num(self.best if self.best is not None else self.was)}"
        if self.by == "steps":
            return f"{head} (in {plural(int(self.reach[self.index]), 'step')})"
        if self.by == "loss":
            missed = "no rate reached it: " if self.minimum else ""
            return f"{head} ({missed}the lowest loss, {num(float(self.loss[self.index]))})"
        if self.by == "diverged":
            return f"{head}, kept: every rate of its slider diverged"
        return f"{head}, kept: its noise makes each rate's run another draw"


@dataclass(frozen=True)
class FairRace:
    scene: Scene  # the race asked for
    picks: tuple[Pick, ...]

    @property
    def fair(self) -> Scene:
        """The race with each racer at its picked rate."""
        runs = tuple(
            r if p.best is None else RunSpec(r.optimizer, _with_rate(r.hyper, p.best), r.schedule)
            for r, p in zip(self.scene.runs, self.picks, strict=True)
        )
        return dataclasses.replace(self.scene, runs=runs)

    @property
    def text(self) -> str:
        """What the page says of it, in one paragraph."""
        sc, swept_ = self.scene, [p for p in self.picks if p.by != "noise"]
        stops = {len(p.rates) for p in swept_}
        span = ""
        if swept_:
            lo = min(float(p.rates[0]) for p in swept_)
            hi = max(float(p.rates[-1]) for p in swept_)
            n = stops.pop() if len(stops) == 1 else None
            span = f"{f'{n} rates' if n else 'the rates of its slider'} from {num(lo)} to {num(hi)}, "
        minimum = bool(sc.surface_obj.global_minima)
        goal = (
            "that reached the global minimum in the fewest steps"
            if minimum
            else f"with the lowest loss after {plural(sc.steps, 'step')}"
        )
        why = "" if minimum else f" {sc.surface_obj.title} has no known minimum to reach."
        return (
            f"A fair race: each racer at the learning rate of its own sweep {goal} "
            f"({span}same start, {plural(sc.steps, 'step')}, same other settings): "
            + "; ".join(p.text for p in self.picks)
            + "."
            + why
        )


def _with_rate(hyper: tuple[tuple[str, float], ...], lr: float) -> tuple[tuple[str, float], ...]:
    return tuple(sorted({**dict(hyper), "learning_rate": float(lr)}.items()))


def _pick(scene: Scene, i: int, stops: tuple[float, ...]) -> Pick:
    r = scene.runs[i]
    spec, was = r.spec, r.hyper_dict()["learning_rate"]
    rates = np.asarray(stops, np.float32)
    if spec.stochastic:
        empty = np.zeros(0)
        return Pick(i, spec.title, rates, empty.astype(int), empty, None, "noise", was)
    n, size = scene.steps, 2 * HALF + 1
    xy, loss, div = [], [], []
    for lo in range(0, len(rates), size):
        tr = swept(scene, i, tuple(float(v) for v in rates[lo : lo + size]), "learning_rate", horizon(n))
        xy.append(tr.xy), loss.append(tr.loss), div.append(tr.diverged_at)
    xy, loss, div = np.concatenate(xy), np.concatenate(loss), np.concatenate(div)
    surface = scene.surface_obj
    reach = arrivals(surface, xy, div, minima=surface.global_minima)  # staying through the horizon, never diverging
    reach = np.where(reach <= n, reach, -1)
    at_n = np.where(div < 0, loss[:, n].astype(np.float64), np.nan)
    if (reach >= 0).any():
        ok = np.nonzero(reach >= 0)[0]
        best = ok[np.lexsort((at_n[ok], reach[ok]))[0]]  # fewest steps, then the lower loss
        by = "steps"
    elif np.isfinite(at_n).any():
        best, by = int(np.nanargmin(at_n)), "loss"
    else:
        return Pick(i, spec.title, rates, reach, at_n, None, "diverged", was)
    return Pick(i, spec.title, rates, reach, at_n, stops[best], by, was, bool(surface.global_minima))


def fair_race(scene: Scene, stops: tuple[tuple[float, ...], ...]) -> FairRace:
    """Each racer of ``scene`` at its own best learning rate among ``stops`` (one tuple a racer: its slider's values,
    so that the pick is one of them exactly; the module's docstring says which is best)."""
    if len(stops) != len(scene.runs) or not all(stops):
        raise ValueError("one non-empty tuple of learning rates a racer")
    picks = _fair(_without_rates(scene), tuple(tuple(float(v) for v in s) for s in stops))
    was = [r.hyper_dict()["learning_rate"] for r in scene.runs]
    return FairRace(scene, tuple(dataclasses.replace(p, was=w) for p, w in zip(picks, was, strict=True)))


def _without_rates(scene: Scene) -> Scene:
    """``scene`` with every racer's rate at its default: what a sweep depends on (its own rate does not matter)."""
    runs = tuple(
        RunSpec(r.optimizer, _with_rate(r.hyper, r.spec.defaults()["learning_rate"]), r.schedule) for r in scene.runs
    )
    return dataclasses.replace(scene, runs=runs)


@functools.lru_cache(maxsize=32)
def _fair(scene: Scene, stops: tuple[tuple[float, ...], ...]) -> tuple[Pick, ...]:
    return tuple(_pick(scene, i, s) for i, s in enumerate(stops))
