"""The fair race (scenes/fair.py): each racer at the learning rate of its own sweep that reaches a global minimum in
the fewest steps, checked against every rate of the slider raced on its own, as the page races it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from charts.trajectories import fair_race
from scenes import RunSpec, Scene, compute
from scenes.fair import _with_rate


def _alone(scene: Scene, i: int, lr: float) -> Scene:
    r = scene.runs[i]
    return replace(scene, runs=(RunSpec(r.optimizer, _with_rate(r.hyper, lr), r.schedule),))


@pytest.mark.parametrize(
    "scene",
    [
        Scene(),  # the opening race: the ill-conditioned quadratic
        Scene(surface="himmelblau", steps=200),
        Scene(surface="rosenbrock", runs=(RunSpec.default("momentum"), RunSpec.default("adam"))),
    ],
    ids=["quadratic", "himmelblau", "rosenbrock"],
)
def test_each_pick_is_the_fastest_rate_of_its_slider_raced_alone(scene):
    race = fair_race(scene)
    for i, pick in enumerate(race.picks):
        told = [compute(_alone(scene, i, float(lr))).runs[0].outcome for lr in pick.rates]
        reached = {k: o.step for k, o in enumerate(told) if o.kind == "reached" and "global" in o.text}
        if pick.by == "steps":
            fastest = min(reached.values())
            assert reached[pick.index] == fastest == pick.reach[pick.index]
            # the sweep's count is the caption's at every rate: no rate it passed over is faster alone
            assert {k: int(pick.reach[k]) for k in np.nonzero(pick.reach >= 0)[0]} == reached
        else:  # no rate reached a global minimum: the lowest loss at the last step among those that never diverged
            assert pick.by == "loss" and not reached
            alive = [k for k, o in enumerate(told) if o.kind != "diverged"]
            losses = {k: float(compute(_alone(scene, i, float(pick.rates[k]))).runs[0].loss[-1]) for k in alive}
            assert losses[pick.index] == pytest.approx(min(losses.values()), rel=1e-3)
    # the fair race is the scene with those rates, and its captions say what the sweep found
    result = compute(race.fair)
    for pick, run in zip(race.picks, result.runs, strict=True):
        assert run.spec.hyper_dict()["learning_rate"] == pytest.approx(pick.best)
        if pick.by == "steps":
            assert run.outcome.kind == "reached" and run.outcome.step == pick.reach[pick.index]


def test_the_default_race_made_fair_lets_gradient_descent_win_when_momentum_keeps_beta_0_9():
    """At one shared η (0.015) momentum wins the opening race; each at its own best η, gradient descent (η 0.15,
    near its optimum 2/(μ+L)) wins, since the heavy ball's fixed β 0.9 is far above its optimum for κ = 10."""
    race = fair_race(Scene())
    steps = {p.title.split(" ")[0]: int(p.reach[p.index]) for p in race.picks}
    assert steps["Gradient"] < steps["Momentum"] and steps["Gradient"] < steps["Adam"]
    assert "fewest steps" in race.text and "41 rates from 1e−4 to 1" in race.text


def test_a_sweep_does_not_depend_on_the_racers_own_rate():
    a = fair_race(Scene())
    slow = replace(Scene(), runs=tuple(_alone(Scene(), i, 0.001).runs[0] for i in range(3)))
    b = fair_race(slow)
    assert [p.best for p in a.picks] == [p.best for p in b.picks]
    assert [p.was for p in b.picks] == [0.001] * 3 and b.fair == a.fair


def test_a_noisy_rule_keeps_its_rate_and_says_why():
    scene = Scene(runs=(RunSpec.default("gd"), RunSpec.default("sgd")))
    race = fair_race(scene)
    noisy = race.picks[1]
    assert noisy.by == "noise" and noisy.best is None
    assert race.fair.runs[1] == scene.runs[1]
    assert "kept: its noise" in race.text


def test_a_racer_whose_every_rate_diverges_keeps_its_rate():
    # a slope of 10⁵: even η = 1e−4 steps 10 a step, out of the safe box (10× the domain) within the horizon
    scene = Scene(surface="custom", formula=("-100000*x", ((-2, 2), (-2, 2))), runs=(RunSpec.default("gd"),))
    race = fair_race(replace(scene, steps=100))
    (pick,) = race.picks
    assert pick.by == "diverged" and pick.best is None and np.isnan(pick.loss).all()
    assert race.fair == race.scene and "every rate of its slider diverged" in race.text


def test_on_a_surface_without_a_minimum_the_race_is_for_the_lowest_loss():
    race = fair_race(Scene(surface="saddle", runs=(RunSpec.default("gd"),), steps=100))
    (pick,) = race.picks
    assert pick.by == "loss" and pick.loss[pick.index] == np.nanmin(pick.loss)
    assert "lowest loss after 100 steps (" in race.text and "no rate reached it" not in race.text
    assert race.text.endswith("Saddle has no known minimum to reach.")
