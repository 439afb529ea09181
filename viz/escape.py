"""The escape lab's charts: the share of seeded runs that reach a global minimum against the noise scale or β, and
random restarts' success against their number beside the theory 1 − (1 − p)^k."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.basins import DIVERGED_COLOR
from viz.theme import INK, Theme, base_layout

GLOBAL, LOCAL = "#1B7837", "#B2182B"


def _layout(theme: Theme, x_title: str, log_x: bool, y_title: str = "share of the seeded runs") -> dict:
    """A share from 0 to 100 % against the knob, hover across the curves at one x, the legend above the plot."""
    layout = base_layout(theme)
    axis = dict(showline=True, linecolor="#9aa5b1", ticks="outside", automargin=True)
    layout.update(
        xaxis=dict(title=dict(text=x_title), type="log" if log_x else "linear", exponentformat="power", **axis),
        yaxis=dict(title=dict(text=y_title), range=[-0.02, 1.02], tickformat=".0%", **axis),
        hovermode="x unified",
        margin=dict(l=60, r=10, t=40, b=50),
        height=int(theme.height * 0.6),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, font=dict(size=theme.font_size - 2)),
    )
    return layout


def share_figure(
    x: np.ndarray,
    share: np.ndarray,
    share_local: np.ndarray,
    diverged: np.ndarray,
    theme: Theme,
    *,
    x_title: str,
    log_x: bool,
    steps: np.ndarray | None = None,
) -> go.Figure:
    """Where the seeded runs ended, per value of the swept knob: a global minimum, back in a local one, diverged;
    the median steps to the global minimum on a second axis."""
    data = [
        dict(
            type="scatter",
            mode="lines+markers",
            x=x,
            y=share,
            name="reached a global minimum",
            line=dict(color=GLOBAL, width=theme.line_width),
            hovertemplate="%{y:.0%}",
        ),
        _thin(x, share_local, "still in a local minimum", LOCAL, "dash", theme),
        _thin(x, diverged, "diverged", DIVERGED_COLOR, "dot", theme),
    ]
    layout = _layout(theme, x_title, log_x)
    if steps is not None and np.isfinite(steps).any():
        data.append(_steps(x, steps, theme))
        layout["yaxis2"] = dict(
            title=dict(text="steps"), overlaying="y", side="right", rangemode="tozero", showgrid=False
        )
        layout["margin"]["r"] = 60
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def _thin(x: np.ndarray, y: np.ndarray, name: str, color: str, dash: str, theme: Theme) -> dict:
    """A secondary share: a thinner line, dashed or dotted."""
    return dict(
        type="scatter",
        mode="lines",
        x=x,
        y=y,
        name=name,
        line=dict(color=color, width=max(1.5, theme.line_width / 2), dash=dash),
        hovertemplate="%{y:.0%}",
    )


def _steps(x: np.ndarray, steps: np.ndarray, theme: Theme) -> dict:
    """The median steps to a global minimum, as open diamonds on the right-hand axis."""
    return dict(
        type="scatter",
        mode="markers",
        x=x,
        y=steps,
        name="median steps to get there",
        yaxis="y2",
        marker=dict(color=INK, size=theme.marker_size // 2 + 2, symbol="diamond-open"),
        hovertemplate="median steps: %{y:.0f}<extra></extra>",  # "1 steps" cannot happen
    )


def restarts_figure(k: np.ndarray, measured: np.ndarray, theory: np.ndarray, p: float, theme: Theme) -> go.Figure:
    """At least one of k random restarts reaching a global minimum: measured over seeded trials and 1 − (1 − p)^k."""
    data = [
        dict(
            type="scatter",
            mode="markers",
            x=k,
            y=measured,
            name="measured",
            hovertemplate="%{y:.1%}",
            marker=dict(color=GLOBAL, size=theme.marker_size),
        ),
        dict(
            type="scatter",
            mode="lines",
            x=k,
            y=theory,
            name=f"1 − (1 − p)^k, p = {p:.2f}",
            line=dict(color=INK, width=2, dash="dash"),
            hovertemplate="%{y:.1%}",
        ),
    ]
    layout = _layout(theme, "restarts k", False, "trials that find a global min")
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)
