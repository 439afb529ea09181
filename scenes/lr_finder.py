"""The learning-rate range test of a small network (Smith 2017; the practitioners' "LR finder"): full-batch gradient
descent from the scene's initial weights with η growing every step, the loss after each step against that step's η,
beside gradient descent's stability edge at the start, 2/λmax. The Networks page's Train section shows it on demand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim import run
from optim.schedules import Schedule
from scenes.networks import NetScene, top_at
from scenes.text import num, plural

RANGE_TEST = (1e-4, 10.0, 200)  # η from, to, and the steps it grows over (geometrically: ×(to/from)^(1/(steps−1)))
BLOW_UP = 4.0  # the loss "blew up" once it exceeds this many times its lowest so far (fastai's lr_find stops there)


@dataclass(frozen=True)
class RangeTest:
    """Gradient descent from the scene's initial weights with η growing every step: the loss after each step against
    that step's η, and the stability edge the theory gives at the start."""

    lrs: np.ndarray  # (T,) η of update t
    loss: np.ndarray  # (T,) the objective after update t; NaN once the run diverged
    fastest: int  # the update after which the loss fell fastest per decade of η (before it blew up)
    blew_up: int | None  # the first update whose loss exceeds BLOW_UP × the lowest before it (or diverged); None
    edge: float  # 2/λmax of the objective's Hessian at the initial weights: gradient descent's edge there


def range_test(scene: NetScene) -> RangeTest:
    """The range test of the scene's network: full-batch gradient descent on its objective (dropout off), η from
    RANGE_TEST[0] to RANGE_TEST[1] over RANGE_TEST[2] steps (an exponential schedule, optim.run's own)."""
    lo, hi, n = RANGE_TEST
    rate = (hi / lo) ** (1 / (n - 1))
    tr = run(
        scene.problem.objective,
        "gd",
        start=scene.initial(),
        steps=n,
        schedule=Schedule("exponential", transition_steps=1, decay_rate=rate),
        learning_rate=lo,
    )
    lrs = lo * rate ** np.arange(n, dtype=np.float64)
    loss = np.asarray(tr.loss[1:], np.float64)
    if tr.diverged_at is not None:
        loss[tr.diverged_at - 1 :] = np.nan  # the update that diverged, and the frozen copies after it
    lowest = np.fmin.accumulate(np.concatenate([[float(tr.loss[0])], loss]))[:-1]  # before each update's loss
    bad = ~np.isfinite(loss) | (loss > BLOW_UP * lowest)
    blew_up = int(np.argmax(bad)) if bad.any() else None
    end = n if blew_up is None else blew_up
    fall = np.gradient(np.log(loss[:end]), np.log10(lrs[:end])) if end >= 2 else np.zeros(1)
    edge = 2.0 / top_at(scene, scene.initial())
    return RangeTest(lrs.astype(np.float32), loss.astype(np.float32), int(np.argmin(fall)), blew_up, edge)


def caption(rt: RangeTest) -> str:
    """What the range test shows, in its numbers: where the loss fell fastest, where it blew up, and the edge."""
    lo, hi, n = RANGE_TEST
    blew = (
        f"blew up at η {num(float(rt.lrs[rt.blew_up]))} (over {num(BLOW_UP)}× its lowest)"
        if rt.blew_up is not None
        else f"never blew up up to η {num(hi)}"
    )
    return (
        f"Learning-rate range test: gradient descent from these initial weights, η growing from {num(lo)} to "
        f"{num(hi)} over {plural(n, 'step')}. The loss fell fastest at η {num(float(rt.lrs[rt.fastest]))} and {blew}. "
        f"At the initial weights, the theory's edge for a fixed η is 2/λmax = {num(rt.edge)}. The range test's "
        "usual pick is somewhat below the fastest fall; the weights and their curvature change while η grows, so "
        "the two need not agree."
    )
