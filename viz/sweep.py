"""The learning-rate sweep: final loss and steps to tolerance against the learning rate (log axis), the stability
thresholds drawn as vertical lines, the diverging side shaded, the learning rate being animated marked."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from viz.layout import figure_title
from viz.loss import loss_gap
from viz.theme import INK, Theme, base_layout

STABLE, OPTIMAL, SCALE = "#B2182B", "#1B7837", "#6b7280"  # threshold colours: diverging red, optimal green, grey
DIVERGED = "#7a2232"


@dataclass(frozen=True)
class Mark:
    """A vertical line on the sweep: a threshold (kind "stable" | "optimal") or 2/L for scale ("scale")."""

    text: str  # "2/L"
    value: float
    kind: str


def _vline(x: float, c: str, dash: str, width: float) -> dict:
    return dict(
        type="line",
        xref="x",
        yref="paper",
        x0=x,
        x1=x,
        y0=0,
        y1=1,
        line=dict(color=c, width=width, dash=dash),
        layer="above",
    )


def sweep_figure(
    lrs: np.ndarray,
    final: np.ndarray,
    reached: np.ndarray,
    diverged_at: np.ndarray,
    f_min: float | None,
    marks: tuple[Mark, ...],
    theme: Theme,
    *,
    color: str,
    steps: int,
    picked: float | None = None,
    theory_steps: np.ndarray | None = None,
    lr_title: str = "learning rate η",
    title: str = "",
) -> go.Figure:
    """Two panels sharing the log learning-rate axis: the loss after ``steps`` (top; f − f* on a log axis where the
    surface has a minimum) and the steps to reach a minimum (bottom), in ``color`` (the swept rule's). Every point can
    be clicked (its x is the lr)."""
    lrs = np.asarray(lrs, np.float64)
    data = _loss_traces(lrs, final, diverged_at, f_min, color, steps, theme)
    data += _steps_traces(lrs, reached, theory_steps, color, theme)
    shapes, notes = _thresholds(marks, lrs, theme)
    if picked is not None:
        shapes.append(_vline(picked, INK, "dot", 2))
        notes.append(_picked_note(picked, theme))
    layout = _layout(lrs, f_min is not None, steps, lr_title, title, theme)
    layout.update(shapes=shapes, annotations=notes)
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def _loss_traces(
    lrs: np.ndarray,
    final: np.ndarray,
    diverged_at: np.ndarray,
    f_min: float | None,
    color: str,
    steps: int,
    theme: Theme,
) -> list[dict]:
    """The top panel: the final loss (its gap to f* where there is a minimum) of the runs that did not diverge, and
    an x above them at each learning rate that diverged."""
    gone = np.asarray(diverged_at) >= 0
    alive = ~gone
    log = f_min is not None
    y = loss_gap(final, f_min) if log else np.asarray(final, np.float32)
    top_y = float(np.nanmax(y[alive])) if alive.any() else 1.0
    ceiling = top_y * 30 if log else top_y + 0.1 * (abs(top_y) + 1)
    return [
        dict(
            type="scatter",
            mode="lines+markers",
            x=lrs[alive],
            y=y[alive].astype(np.float32),
            name=f"loss at step {steps}",
            line=dict(color=color, width=theme.line_width),
            marker=dict(size=theme.marker_size // 2, color=color),
            customdata=np.asarray(diverged_at)[alive],
            xaxis="x",
            yaxis="y",
            hovertemplate="η %{x:.4g}<br>loss gap %{y:.3g}<extra></extra>"
            if log
            else "η %{x:.4g}<br>f %{y:.4g}<extra></extra>",
        ),
        dict(
            type="scatter",
            mode="markers",
            x=lrs[gone],
            y=np.full(int(gone.sum()), ceiling, np.float32),
            name="diverged",
            marker=dict(symbol="x", size=theme.marker_size - 2, color=DIVERGED, line=dict(width=0)),
            customdata=np.asarray(diverged_at)[gone],
            xaxis="x",
            yaxis="y",
            hovertemplate="η %{x:.4g}<br>diverged at step %{customdata}<extra></extra>",
        ),
    ]


def _steps_traces(
    lrs: np.ndarray, reached: np.ndarray, theory_steps: np.ndarray | None, color: str, theme: Theme
) -> list[dict]:
    """The bottom panel: the steps each learning rate took to reach a minimum, and the theory's count if given."""
    arrived = np.asarray(reached) >= 0
    out = [
        dict(
            type="scatter",
            mode="markers",
            x=lrs[arrived],
            y=np.asarray(reached)[arrived].astype(np.float32),
            name="steps to reach a minimum",
            marker=dict(
                size=theme.marker_size // 2 + 1, color=color, symbol="circle-open", line=dict(width=1.5, color=color)
            ),
            xaxis="x",
            yaxis="y2",
            hovertemplate="η %{x:.4g}<br>steps to reach: %{y}<extra></extra>",
        )
    ]
    if theory_steps is not None and np.isfinite(theory_steps).any():
        out.append(
            dict(
                type="scatter",
                mode="lines",
                x=lrs,
                y=np.asarray(theory_steps, np.float32),
                name="theory",
                line=dict(color=INK, width=1.5, dash="dot"),
                xaxis="x",
                yaxis="y2",
                hovertemplate="η %{x:.4g}<br>steps in theory: %{y:.0f}<extra></extra>",
            )
        )
    return out


def _thresholds(marks: tuple[Mark, ...], lrs: np.ndarray, theme: Theme) -> tuple[list[dict], list[dict]]:
    """Shapes and annotations: the diverging side lightly shaded, and each mark's line labelled above the plot."""
    shapes, notes = [], []
    stable = [m for m in marks if m.kind == "stable"]
    if stable:  # the diverging side, lightly shaded
        shapes.append(
            dict(
                type="rect",
                xref="x",
                yref="paper",
                x0=stable[0].value,
                x1=float(lrs[-1]) * 1.2,
                y0=0,
                y1=1,
                fillcolor=STABLE,
                opacity=0.07,
                line=dict(width=0),
                layer="below",
            )
        )
    lo, hi = np.log10(float(lrs[0])), np.log10(float(lrs[-1]))
    for m in marks:
        col = {"stable": STABLE, "optimal": OPTIMAL}.get(m.kind, SCALE)
        # a label reads rightwards from its line, the optimal rate's leftwards (they often stand side by side); near
        # the right edge a label would be cut off there: it reads leftwards a line higher
        edge = m.kind != "optimal" and hi > lo and (np.log10(m.value) - lo) / (hi - lo) > 0.75
        width = 1.5 if m.kind == "scale" else 2.5
        shapes.append(_vline(m.value, col, "solid" if m.kind == "stable" else "dash", width))
        notes.append(
            dict(
                x=np.log10(m.value),
                xref="x",
                y=1.0,
                yref="paper",
                yanchor="bottom",
                showarrow=False,
                text=f"<b>{m.text}</b>",
                font=dict(color=col, size=theme.font_size),
                xanchor="right" if m.kind == "optimal" or edge else "left",
                yshift=round(1.3 * theme.font_size) if edge else 0,
            )
        )
    return shapes, notes


def _picked_note(picked: float, theme: Theme) -> dict:
    """ "▶ animated" beside the dotted line of the learning rate being animated."""
    return dict(
        x=np.log10(picked),
        xref="x",
        y=0.455,
        yref="paper",
        showarrow=False,
        yanchor="bottom",
        xanchor="left",
        text=" ▶ animated",
        font=dict(color=INK, size=theme.font_size - 2),
    )


def _layout(lrs: np.ndarray, log: bool, steps: int, lr_title: str, title: str, theme: Theme) -> dict:
    """The shared log lr axis under two panels (the loss on top, the steps below), the legend under them."""
    layout = base_layout(theme)
    axis = dict(showline=True, linecolor="#9aa5b1", ticks="outside", exponentformat="power", automargin=True)
    layout.update(
        title=figure_title(title, theme),
        xaxis=dict(
            type="log", title=dict(text=lr_title), anchor="y2", range=[np.log10(lrs[0]), np.log10(lrs[-1])], **axis
        ),
        yaxis=dict(
            type="log" if log else "linear",
            domain=[0.5, 1.0],
            title=dict(text=f"f − f* at step {steps}" if log else f"f at step {steps}"),
            **axis,
        ),
        yaxis2=dict(
            title=dict(text="steps to a minimum"),
            domain=[0.0, 0.4],
            rangemode="tozero",
            anchor="x",
            range=[0, steps * 1.05],
            **axis,
        ),
        hovermode="closest",
        clickmode="event+select",
        legend=dict(
            orientation="h",
            yanchor="top",
            y=-0.2,
            xanchor="left",
            x=0,
            font=dict(size=theme.font_size - 2),
        ),
        margin=dict(l=70, r=15, t=round(2.6 * theme.font_size + 22), b=70),  # two rows of threshold labels
        height=int(theme.height * 0.95),
    )
    return layout


@dataclass(frozen=True)
class Racer:
    """One racer's learning-rate sweep for the fair race's figure."""

    title: str
    color: str
    lrs: np.ndarray  # (K,)
    final: np.ndarray  # (K,) the loss at the last step shown, NaN where the run diverged
    reached: np.ndarray  # (K,) steps to reach a global minimum, -1: not reached
    picked: float | None  # the rate it races at


def fair_figure(racers: list[Racer], f_min: float | None, theme: Theme, *, steps: int, title: str = "") -> go.Figure:
    """The fair race's sweeps: every racer's loss after ``steps`` (top) and steps to reach a global minimum (bottom)
    against its learning rate, in its colour, with a star at the rate it races at; a legend entry per racer."""
    data: list[dict] = []
    for r in racers:
        lrs = np.asarray(r.lrs, np.float64)
        gone = np.where(np.isnan(r.final), 0, -1)
        traces = _loss_traces(lrs, np.nan_to_num(r.final, nan=0.0), gone, f_min, r.color, steps, theme)
        traces += _steps_traces(lrs, r.reached, None, r.color, theme)
        for k, t in enumerate(traces):
            t.update(legendgroup=r.title, showlegend=k == 0, name=r.title if k == 0 else t["name"])
            if t["name"] == "diverged":
                t["hovertemplate"] = f"{r.title}<br>η %{{x:.4g}} diverged<extra></extra>"
            else:
                t["hovertemplate"] = f"{r.title}<br>" + t["hovertemplate"]
        data += traces
        if r.picked is not None:
            i = int(np.argmin(np.abs(lrs - r.picked)))
            gap = loss_gap(r.final[i : i + 1], f_min)[0] if f_min is not None else r.final[i]
            star = dict(symbol="star", size=theme.marker_size + 6, color=r.color, line=dict(width=1.5, color=INK))
            for axis, y in (("y", gap), ("y2", r.reached[i] if r.reached[i] >= 0 else None)):
                if y is not None:
                    data.append(dict(type="scatter", mode="markers", x=[lrs[i]], y=[float(y)], marker=star,
                                     legendgroup=r.title, showlegend=False, xaxis="x", yaxis=axis,
                                     hovertemplate=f"{r.title} races at η %{{x:.4g}}<extra></extra>"))  # fmt: skip
    every = np.concatenate([np.asarray(r.lrs, np.float64) for r in racers])
    layout = _layout(np.array([every.min(), every.max()]), f_min is not None, steps, "learning rate η", title, theme)
    layout["yaxis2"]["title"] = dict(text="steps to the global minimum")
    layout["margin"]["t"] = round(1.5 * theme.font_size + 22)
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)
