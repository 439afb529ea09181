"""The Learning rate & momentum page's figures: the sweep, the regimes side by side, the phase diagram, the rates."""

from __future__ import annotations

from collections.abc import Iterator

import plotly.graph_objects as go

from charts import scene as fig
from links import learning_rate as lp
from links.learning_rate import State
from optim import OPTIMIZERS
from scenes import RunSpec, Scene, compute
from scenes import learning_rate as lab
from scenes.compute import Result
from scenes.learning_rate import RATE_TEXT, MomentumRace, Phase, Sweep
from scenes.text import num
from viz import Theme, contour_figure
from viz.phase import phase_figure
from viz.rates import RateCurve, rates_figure
from viz.sweep import Mark, sweep_figure


def sweep(sw: Sweep, theme: Theme, *, picked: float | None = None, title: str = "") -> go.Figure:
    marks = tuple(Mark(f"{t.text} = {num(t.value)}", t.value, t.key) for t in sw.thresholds)
    if not marks and sw.two_over_l is not None:
        marks = (Mark(f"2/L = {num(sw.two_over_l)}", sw.two_over_l, "scale"),)
    schedule = sw.scene.runs[0].schedule
    lr_title = f"peak learning rate η ({schedule.text})" if schedule is not None else "learning rate η"
    return sweep_figure(
        sw.lrs,
        sw.final,
        sw.reached,
        sw.diverged_at,
        sw.surface.f_min,
        marks,
        theme,
        key=sw.optimizer,
        steps=sw.scene.steps,
        picked=picked,
        theory_steps=sw.theory_steps,
        lr_title=lr_title,
        title=title,
    )


def animation(result: Result, theme: Theme) -> go.Figure:
    """The animated contour of one run, sized for half the chart column (beside the sweep or the phase diagram)."""
    f = fig.contour(result, theme)
    f.update_layout(height=int(theme.height * 0.8))
    return f


def panel(result: Result, theme: Theme, *, title: str = "", height: int = 250) -> go.Figure:
    """A small still contour of one run: for side-by-side regimes."""
    land = result.landscape
    f = contour_figure(
        land.image,
        result.surface.domain,
        (land.xs, land.ys, land.z),
        fig.markers(result),
        fig.paths(result),
        result.start,
        theme,
        frames=0,
        title=title,
        height=height,
    )
    f.update_layout(showlegend=False, margin=dict(l=35, r=5, t=40 if title else 5, b=30))
    return f


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
    label = "momentum β" if ph.beta_name == "momentum" else "first-moment decay β₁"
    return phase_figure(
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


def rates(race: MomentumRace, theme: Theme, *, title: str = "") -> go.Figure:
    curves = tuple(
        RateCurve(row.optimizer, run.label, dist, row.theory, f"{RATE_TEXT[row.optimizer]} = {num(row.theory, 4)}")
        for row, run, dist in zip(race.rows, race.result.runs, race.distances, strict=True)
    )
    return rates_figure(curves, theme, title=title)


def figures(state: State, theme: Theme) -> dict[str, go.Figure]:
    """The section's figures, as views/learning_rate.py draws them."""
    scene = state.scene
    if state.section == "Momentum":
        race = lab.momentum_race(scene)
        return {"race": fig.contour(race.result, theme), "rates": rates(race, theme)}
    if state.section == "Phase diagram":
        ph = lab.phase(scene)
        lr, beta = lp.picked_cell(ph, state.lr, state.beta)
        return {
            "phase": phase(ph, theme, picked=(lr, beta)),
            "race": animation(compute(lab.with_lr_beta(ph, lr, beta)), theme),
        }
    sw = lab.sweep(scene)
    if state.section == "Regimes":
        return {
            f"regime-{r.name.replace(' ', '-')}": panel(r.result, theme, title=r.name, height=360)
            for r in lab.regimes(sw)
        }
    lr = lp.picked_lr(sw, state.lr)
    result = compute(lab.with_lr(scene, lr))
    loss = fig.loss(result, theme)
    return {"sweep": sweep(sw, theme, picked=lr), "race": animation(result, theme), "loss": loss}


def likely_work() -> Iterator[tuple]:
    """The Learning rate page's first views: each section at its defaults, then the sweep for every optimizer."""
    sweep = Scene(surface="quadratic", runs=(RunSpec.default("gd"),), steps=500)
    yield lab.sweep, sweep
    yield lab.regimes, lab.sweep(sweep)
    yield lab.phase, Scene(surface="quadratic", runs=(RunSpec.default("momentum"),), steps=500)
    yield lab.momentum_race, Scene(surface="narrow_valley", steps=500)
    for k in OPTIMIZERS:
        if k != "gd":
            yield lab.sweep, Scene(surface="quadratic", runs=(RunSpec.default(k),), steps=500)
