"""A class round: one rule on one frozen scene, each student's hyperparameters (η, β) raced at once, and ranked.

The teacher freezes a scene (surface, start, steps, seed, one rule) and says which hyperparameters students set,
within what ranges, and the goal: the fewest steps to a global minimum (reached and staying there: the captions' own
test, through the race's horizon, as the fair race ranks) or the lowest loss after the steps. Every submission is
raced in one vectorised ``run`` (the hyperparameters as arrays, padded to a bucket of runs so a round compiles one
program per bucket, rule, surface and bucket of steps), and the standings say each run's fate: reached, diverged
(within the steps shown), or neither ("not there": stuck on the way, or at another minimum).

A noisy rule is refused for a round: run i of a batch draws other noise than the student's own preview run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from optim import OPTIMIZERS, run
from optim import analysis as an
from scenes.compute import horizon
from scenes.ladder import kept
from scenes.learning_rate import PHASE_ABOVE, PHASE_BELOW, PHASE_BETA_MAX, _span, arrivals, curvature_at
from scenes.scene import RunSpec, Scene
from scenes.text import num, plural

GOALS = {
    "fastest": "the fewest steps to a global minimum (and staying there)",
    "lowest": "the lowest loss after the steps",
}
BATCHES = (16, 64, 256, 1024)  # a round's runs are padded to the next of these: few programs whatever the class
MOST = BATCHES[-1]  # a round holds at most this many students (the store's cap is lower)
REACHED, DIVERGED, NOT_THERE = 0, 1, 2
FATES = {REACHED: "reached", DIVERGED: "diverged", NOT_THERE: "not there"}


def round_rules() -> tuple[str, ...]:
    """The rules a round may race: deterministic ones that train by gradient (a batch reproduces each single run)."""
    return tuple(k for k, o in OPTIMIZERS.items() if not o.stochastic and not o.needs_hessian)


def settable(rule: str) -> tuple[str, ...]:
    """The hyperparameters students may be asked to set: the learning rate and, where the rule has one, its
    momentum-like one (β, β₁), the two the phase diagram plots."""
    beta = an.MOMENTUM_HYPER.get(rule)
    return ("learning_rate",) + ((beta,) if beta else ())


@functools.lru_cache(maxsize=64)
def default_ranges(scene: Scene) -> dict[str, tuple[float, float]]:
    """Each settable hyperparameter's range, by default the phase diagram's axes for this scene (so every submission
    lands on the diagram): η over the decades around the stability limits, β from 0 to 0.99."""
    rule = scene.runs[0].optimizer
    limit_rule = "gd" if rule in ("momentum", "nesterov") else rule
    lo, hi = _span(scene.surface_obj, limit_rule, {}, PHASE_BELOW, PHASE_ABOVE)
    out = {"learning_rate": (float(f"{lo:.2g}"), float(f"{hi:.2g}"))}
    for name in settable(rule)[1:]:
        out[name] = (0.0, PHASE_BETA_MAX)
    return out


def goal_for(scene: Scene, goal: str) -> str:
    """The goal a round can have on this scene: "fastest" needs a known global minimum."""
    return goal if goal in GOALS and (goal != "fastest" or scene.surface_obj.global_minima) else "lowest"


@dataclass(frozen=True)
class Standings:
    scene: Scene  # the round's scene: one racer, its other hyperparameters as set
    goal: str
    names: tuple[str, ...]  # the hyperparameters students set
    values: np.ndarray  # (N, len(names)) float64, as submitted
    xy: np.ndarray  # (N, P, 2) float32, each path at the steps ``steps_kept`` (frozen after a divergence)
    steps_kept: np.ndarray  # (P,) the steps the overlay keeps
    fate: np.ndarray  # (N,) REACHED | DIVERGED | NOT_THERE
    reach: np.ndarray  # (N,) steps to a global minimum, staying there; -1 if not within the steps shown
    loss: np.ndarray  # (N,) float64, the loss at the last step shown; NaN if it diverged
    order: np.ndarray  # (N,) indexes, best first (ties: the earlier submission first)

    def __len__(self) -> int:
        return len(self.values)

    def rank(self, i: int) -> int:
        """Submission i's place, 1 for the best."""
        return int(np.nonzero(self.order == i)[0][0]) + 1

    def result_text(self, i: int) -> str:
        """ "reached it in 38 steps", "diverged at step 3", "loss 0.012 after 500 steps"."""
        n = self.scene.steps
        if self.fate[i] == DIVERGED:
            return "diverged"
        if self.fate[i] == REACHED and self.goal == "fastest":
            return f"reached it in {plural(int(self.reach[i]), 'step')}"
        return f"loss {num(float(self.loss[i]))} after {plural(n, 'step')}"

    def counts(self) -> dict[str, int]:
        return {FATES[k]: int((self.fate == k).sum()) for k in FATES}


def _padded(values: np.ndarray) -> np.ndarray:
    n = len(values)
    size = next((b for b in BATCHES if b >= n), None)
    if size is None:
        raise ValueError(f"a round races at most {MOST} runs")
    return np.concatenate([values, np.repeat(values[-1:], size - n, axis=0)]).astype(np.float32)


def standings(scene: Scene, goal: str, names: tuple[str, ...], values) -> Standings:
    """Every submission (a row of ``values``, one column per name of ``names``) raced on ``scene`` and ranked."""
    values = np.asarray(values, np.float64).reshape(-1, len(names))
    if len(scene.runs) != 1:
        raise ValueError("a round races one rule")
    if not len(values):
        empty = np.zeros(0, np.int64)
        p = kept(scene.steps)
        xy = np.zeros((0, len(p), 2), np.float32)
        return Standings(scene, goal_for(scene, goal), names, values, xy, p, empty, empty, empty * 1.0, empty)
    return _standings(scene, goal_for(scene, goal), tuple(names), values.tobytes(), values.shape)


@functools.lru_cache(maxsize=16)
def _standings(scene: Scene, goal: str, names: tuple[str, ...], raw: bytes, shape: tuple[int, int]) -> Standings:
    values = np.frombuffer(raw, np.float64).reshape(shape)
    r: RunSpec = scene.runs[0]
    padded = _padded(values)
    size = len(padded)
    hyper = {k: np.full(size, v, np.float32) for k, v in r.hyper_dict().items()}
    hyper |= {name: padded[:, j] for j, name in enumerate(names)}
    n = scene.steps
    tr = run(
        scene.surface_obj,
        r.optimizer,
        start=scene.start_point,
        steps=horizon(n),
        seed=scene.seed,
        schedule=r.schedule,
        **hyper,
    )
    count = len(values)
    xy = np.asarray(tr.xy)[:count]
    loss_all = np.asarray(tr.loss)[:count]
    div = np.asarray(tr.diverged_at)[:count]
    surface = scene.surface_obj
    reach = arrivals(surface, xy, div, minima=surface.global_minima) if surface.global_minima else -np.ones(count)
    reach = np.where(reach <= n, reach, -1).astype(np.int64)
    diverged = (div >= 0) & (div <= n)
    fate = np.where(diverged, DIVERGED, np.where(reach >= 0, REACHED, NOT_THERE))
    loss = np.where(diverged, np.nan, loss_all[:, n].astype(np.float64))
    order = _order(goal, fate, reach, loss)
    steps_kept = kept(n)
    return Standings(scene, goal, names, values, xy[:, steps_kept], steps_kept, fate, reach, loss, order)


def _order(goal: str, fate: np.ndarray, reach: np.ndarray, loss: np.ndarray) -> np.ndarray:
    """Best first: the fastest arrivals (then the lower loss) when the goal is speed, then the lowest losses, the
    diverged last; a stable sort, so equal results keep the order of submission."""
    idx = np.arange(len(fate))
    finite = np.where(np.isfinite(loss), loss, np.inf)
    if goal == "fastest":
        group = np.where(fate == REACHED, 0, np.where(fate == NOT_THERE, 1, 2))
        primary = np.where(fate == REACHED, reach, 0)
    else:
        group = np.where(fate == DIVERGED, 1, 0)
        primary = np.zeros(len(fate))
    return np.lexsort((idx, finite, primary, group))


def two_over_l(scene: Scene) -> float | None:
    """2/L at the scene's steepest global minimum: the histogram's mark, whatever the rule."""
    surface = scene.surface_obj
    tops = [c.top for p in surface.global_minima if (c := curvature_at(surface, (p.x, p.y))) is not None]
    return 2.0 / max(tops) if tops and max(tops) > 0 else None
