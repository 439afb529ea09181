"""The Learning rate & momentum page's figures: the sweep, the regimes side by side, the phase diagram, the rates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import plotly.graph_objects as go

from charts import scene as fig
from links import learning_rate as lp
from links import section_param
from links.learning_rate import State
from optim import OPTIMIZERS
from scenes import RunSpec, Scene, compute, momentum
from scenes import learning_rate as lab
from scenes.compute import Result
from scenes.learning_rate import Phase, Sweep
from scenes.momentum import RATE_TEXT, MomentumRace
from scenes.text import SHORT, num
from viz import THEMES, Theme, contour_figure
from viz.layout import keep_name
from viz.phase import phase_figure
from viz.rates import RateCurve, rates_figure
from viz.sweep import Mark, sweep_figure


def sweep(sw: Sweep, theme: Theme, *, picked: float | None = None, title: str = "") -> go.Figure:
    marks = tuple(Mark(f"{t.text} = {num(t.value)}", t.value, t.key) for t in sw.thresholds)
    if not marks and sw.two_over_l is not None:
        marks = (Mark(f"2/L = {num(sw.two_over_l)}", sw.two_over_l, "scale"),)
    schedule = sw.scene.runs[0].schedule
    lr_title = f"peak learning rate η ({schedule.text})" if schedule is not None else "learning rate η"
    f = sweep_figure(
        sw.lrs,
        sw.final,
        sw.reached,
        sw.diverged_at,
        sw.surface.f_min,
        marks,
        theme,
        color=sw.scene.runs[0].spec.color,
        steps=sw.scene.steps,
        picked=picked,
        theory_steps=sw.theory_steps,
        lr_title=lr_title,
        title=title,
    )
    return keep_name(f, "final loss and steps against η")


def animation(result: Result, theme: Theme, *, name: str = fig.RACE, fit: dict | None = None) -> go.Figure:
    """The animated contour of one run, sized for half the chart column (beside the sweep or the phase diagram), or
    ``fit``: charts.scene.contour's sizes fitted to the screen (side, width, legend_rows, frames: see
    views.common.map_fit)."""
    if fit is not None:
        return fig.contour(result, theme, name=name, **fit)
    f = fig.contour(result, theme, name=name)
    f.update_layout(height=int(theme.height * 0.8))
    return f


def panel(result: Result, theme: Theme, *, title: str = "", height: int = 250, name: str = fig.RACE) -> go.Figure:
    """A small still contour of one run: for side-by-side regimes."""
    land = result.landscape
    f = contour_figure(
        fig.background(result),
        result.surface.domain,
        (land.xs, land.ys, land.z),
        fig.markers(result),
        fig.paths(result),
        result.start,
        theme,
        frames=0,
        title=title,
        height=height,
        vector=fig.vector(result),
    )
    f.update_layout(showlegend=False, margin=dict(l=35, r=5, t=40 if title else 5, b=30))
    return keep_name(f, name)


def phase(ph: Phase, theme: Theme, *, picked: tuple[float, float] | None = None, title: str = "") -> go.Figure:
    best = ph.best()
    optimum = None
    if ph.optimum is not None:
        optimum = (
            ph.optimum["learning_rate"],
            ph.optimum["momentum"],
            f"optimal η* = {num(ph.optimum['learning_rate'])}, β* = {num(ph.optimum['momentum'])}",
        )
    boundary_text = {"momentum": "stable iff η < 2(1+β)/L", "nesterov": "stable iff η < (2+2β)/((1+2β)L)"}
    beta = ph.scene.runs[0].spec.hyper(ph.beta_name)
    label = f"{beta.title} {SHORT.get(beta.name, beta.name)}"  # "momentum β", "first-moment decay β₁"
    f = phase_figure(
        ph.lrs,
        ph.betas,
        ph.reached,
        ph.diverged,
        theme,
        steps=ph.scene.steps,
        beta_label=label,
        boundary=ph.boundary,
        boundary_text=boundary_text.get(ph.scene.runs[0].optimizer, ""),
        optimum=optimum,
        best=(float(ph.lrs[best[1]]), float(ph.betas[best[0]])) if best else None,
        picked=picked,
        title=title,
    )
    return keep_name(f, "steps to a minimum for each (η, β)")


def rates(race: MomentumRace, theme: Theme, *, title: str = "") -> go.Figure:
    curves = tuple(
        RateCurve(
            run.spec.spec.color, run.label, dist, row.theory, f"{RATE_TEXT[row.optimizer]} = {num(row.theory, 4)}"
        )
        for row, run, dist in zip(race.rows, race.result.runs, race.distances, strict=True)
    )
    return keep_name(rates_figure(curves, theme, title=title), "convergence rates")


@dataclass(frozen=True)
class Work:
    """How the sections' results are computed: scenes.learning_rate's functions (:data:`DIRECT`, for the export
    command and the tests) or the page's cached copies of them."""

    compute: Callable[[Scene], Result]
    sweep: Callable[[Scene], Sweep]
    phase: Callable[[Scene], Phase]
    momentum_race: Callable[[Scene], MomentumRace]


DIRECT = Work(compute, lab.sweep, lab.phase, momentum.momentum_race)


def sweep_figures(
    scene: Scene, lr: float, theme: Theme, work: Work = DIRECT, fit: dict | None = None
) -> dict[str, go.Figure]:
    """Sweep: the sweep with ``lr`` marked, that run animated (``fit``: its size, see animation), and its loss (with
    the schedule's lr inset)."""
    sw, result = work.sweep(scene), work.compute(lab.with_lr(scene, lr))
    loss = fig.loss(result, theme, name="loss per step at the chosen η")
    loss.update_layout(height=int(theme.height * 0.5), showlegend=False)
    race = animation(result, theme, name="race at the chosen η", fit=fit)
    return {"sweep": sweep(sw, theme, picked=lr), "race": race, "loss": loss}


def regime_runs(scene: Scene, work: Work = DIRECT) -> list[tuple[str, float, Result]]:
    """Regimes: (name, learning rate, run) of each regime the sweep finds."""
    return [(name, lr, work.compute(lab.with_lr(scene, lr))) for name, lr in lab.regime_rates(work.sweep(scene))]


def regimes_figures(scene: Scene, theme: Theme, work: Work = DIRECT) -> dict[str, go.Figure]:
    """Regimes: one small still contour per regime ("regime-too-small", …), in the sweep's order."""
    return {
        f"regime-{name.replace(' ', '-')}": panel(result, theme, name=f"race, η {name}")
        for name, _, result in regime_runs(scene, work)
    }


def phase_figures(
    scene: Scene, lr: float, beta: float, theme: Theme, work: Work = DIRECT, fit: dict | None = None
) -> dict[str, go.Figure]:
    """Phase diagram: the (η, β) map with the cell (lr, beta) marked, and that cell's run animated (``fit``: its
    size, see animation)."""
    ph = work.phase(scene)
    return {
        "phase": phase(ph, theme, picked=(lr, beta)),
        "race": animation(
            work.compute(lab.with_lr_beta(ph, lr, beta)), theme, name="race at the chosen (η, β)", fit=fit
        ),
    }


def momentum_figures(scene: Scene, theme: Theme, work: Work = DIRECT, fit: dict | None = None) -> dict[str, go.Figure]:
    """Momentum: GD, heavy ball and Nesterov at their best settings (``fit``: the map's size, see animation), and
    their measured rates against the theory's."""
    race = work.momentum_race(scene)
    return {"race": fig.contour(race.result, theme, **(fit or {})), "rates": rates(race, theme)}


def figures(state: State, theme: Theme, work: Work = DIRECT) -> dict[str, go.Figure]:
    """The section's figures: what views/learning_rate.py shows, built by the same functions."""
    scene = state.scene
    if state.section == "Momentum":
        return momentum_figures(scene, theme, work)
    if state.section == "Phase diagram":
        return phase_figures(scene, *lp.picked_cell(work.phase(scene), state.lr, state.beta), theme, work)
    if state.section == "Regimes":
        return regimes_figures(scene, theme, work)
    return sweep_figures(scene, lp.picked_lr(work.sweep(scene), state.lr), theme, work)


def regimes(scene: Scene):
    """The Regimes section's runs of ``scene``'s sweep (a warm-up job: the list of jobs itself computes nothing)."""
    return lab.regimes(lab.sweep(scene))


def likely_work() -> Iterator[tuple]:
    """The Learning rate page's first views: each section at its defaults, then the sweep for every optimizer."""
    sweep = Scene(surface="quadratic", runs=(RunSpec.default("gd"),), steps=500)
    yield lab.sweep, sweep
    yield regimes, sweep
    yield lab.phase, Scene(surface="quadratic", runs=(RunSpec.default("momentum"),), steps=500)
    yield momentum.momentum_race, Scene(surface="narrow_valley", steps=500)
    for k in OPTIMIZERS:
        if k != "gd":
            yield lab.sweep, Scene(surface="quadratic", runs=(RunSpec.default(k),), steps=500)


def reachable_work() -> Iterator[tuple]:
    """Each section one move of a control away from its defaults (charts.scene.control_moves): the figures the move
    draws (the install step compiles them into the persistent cache)."""
    for section in lp.SECTIONS:
        query = section_param(section, lp.SECTIONS, lp.SHORT)
        for state in fig.control_moves(lp, query, lp.controls(section)):
            yield _section_figures, state


def _section_figures(state: State) -> dict:
    return figures(state, THEMES["normal"])
