"""The Trajectories page's figures: the race on the contour (animated), the loss curves and the 3D view."""

from __future__ import annotations

from collections.abc import Iterator

import plotly.graph_objects as go

from charts import scene as fig
from links import trajectories as tl
from links.slider_values import options
from links.trajectories import CONTROLS, State
from optim import OPTIMIZERS
from scenes import RunSpec, Scene, compute, fair
from scenes.fair import FairRace
from scenes.internals import internals
from scenes.ladder import ladder
from scenes.scene import DEFAULT_OPTIMIZERS
from surfaces import SURFACES
from viz import THEMES, Theme
from viz.layout import keep_name
from viz.sweep import Racer
from viz.sweep import fair_figure as sweeps_figure


def figures(state: State, theme: Theme) -> dict[str, go.Figure]:
    """The race (animated contour), the loss curves (and under them each run's distance to the nearest minimum) and
    the 3D view."""
    result = compute(state.scene)
    return {
        "race": fig.contour(result, theme),
        "loss": fig.loss(result, theme, distance=True),
        "surface3d": fig.surface3d(result, theme),
    }


def fair_race(scene: Scene) -> FairRace:
    """``scene`` made fair (scenes/fair.py): each racer swept over its learning-rate slider's stops."""
    hypers = [OPTIMIZERS[r.optimizer].hyper("learning_rate") for r in scene.runs]
    return fair.fair_race(scene, tuple(tuple(options(h.lo, h.hi, h.log, h.default)) for h in hypers))


def fair_figure(race: FairRace, theme: Theme) -> go.Figure:
    """The fair race's sweeps: each racer's loss and steps to the global minimum against its learning rate, a star
    at the rate it races at (noisy racers, which keep theirs, are left out)."""
    surface = race.scene.surface_obj
    racers = [
        Racer(OPTIMIZERS[r.optimizer].title, OPTIMIZERS[r.optimizer].color, p.rates, p.loss, p.reach, p.best)
        for r, p in zip(race.scene.runs, race.picks, strict=True)
        if p.by != "noise"
    ]
    return keep_name(sweeps_figure(racers, surface.f_min, theme, steps=race.scene.steps), "fair race sweeps")


def ladders(scene: Scene) -> list:
    return [ladder(scene, i, values, first, name) for i, name, first, values in fig.rungs(scene)]


def likely_work() -> Iterator[tuple]:
    """What the page computes first: the default surface raced by each optimizer alone (any one chosen first), the
    default race's ladders (the live drag), its fair race's sweeps and its internals (the gradients along a path)."""
    default = Scene()
    yield compute, default
    yield ladders, default
    yield fair_race, default
    yield _internals, default
    for k in OPTIMIZERS:
        yield compute, Scene(runs=(RunSpec.default(k),), steps=default.steps)
        yield ladders, Scene(runs=(RunSpec.default(k),), steps=default.steps)


def later_work() -> Iterator[tuple]:
    """After every page's first views: the default racers on every other surface."""
    default = Scene()
    for key in SURFACES:
        if key != default.surface:
            scene = Scene(surface=key, runs=tuple(RunSpec.default(k) for k in DEFAULT_OPTIMIZERS))
            yield compute, scene
            yield ladders, scene


def reachable_work() -> Iterator[tuple]:
    """One move of a control away from the defaults (charts.scene.control_moves), in the view that draws every chart
    (the map and the 3D view side by side): the figures and the live drag's ladders the move draws (the install step
    compiles them into the persistent cache)."""
    for state in fig.control_moves(tl, {"view": "both"}, CONTROLS):
        yield _figures_and_ladders, state


def _internals(scene: Scene) -> None:
    internals(compute(scene))


def _figures_and_ladders(state: State) -> None:
    figures(state, THEMES["normal"])
    ladders(state.scene)
