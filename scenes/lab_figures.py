"""Lab results -> figures: the sweep, the regimes' small multiples, the phase diagram and momentum's rates."""

from __future__ import annotations

import plotly.graph_objects as go

from scenes import figures
from scenes.compute import Result
from scenes.lab import RATE_TEXT, MomentumRace, Phase, Sweep
from scenes.text import SHORT, num
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
        color=sw.scene.runs[0].spec.color,
        steps=sw.scene.steps,
        picked=picked,
        theory_steps=sw.theory_steps,
        lr_title=lr_title,
        title=title,
    )


def animation(result: Result, theme: Theme) -> go.Figure:
    """The animated contour of one run, sized for half the chart column (beside the sweep or the phase diagram)."""
    f = figures.contour(result, theme)
    f.update_layout(height=int(theme.height * 0.8))
    return f


def panel(result: Result, theme: Theme, *, title: str = "", height: int = 250) -> go.Figure:
    """A small still contour of one run: for side-by-side regimes."""
    land = result.landscape
    fig = contour_figure(
        figures.background(result),
        result.surface.domain,
        (land.xs, land.ys, land.z),
        figures.markers(result),
        figures.paths(result),
        result.start,
        theme,
        frames=0,
        title=title,
        height=height,
    )
    fig.update_layout(showlegend=False, margin=dict(l=35, r=5, t=40 if title else 5, b=30))
    return fig


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
        RateCurve(
            run.spec.spec.color, run.label, dist, row.theory, f"{RATE_TEXT[row.optimizer]} = {num(row.theory, 4)}"
        )
        for row, run, dist in zip(race.rows, race.result.runs, race.distances, strict=True)
    )
    return rates_figure(curves, theme, title=title)
