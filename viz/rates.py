"""Distance to the minimum against step on a log axis, each measured curve beside its theoretical rate d₀·rᵗ:
a straight line whose slope is the rate, so "heavy ball is √κ times faster" is read off as a steeper line."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from viz.layout import figure_title
from viz.theme import Theme, base_layout

# A curve ends where it falls this far below the largest distance drawn. float32 resolves ~1e−7 of a coordinate;
# a distance to a minimum at exactly 0 can go on shrinking to ~1e−45 (underflow), which an axis down to 1e−28 showed
# as if it meant something. Twelve decades hold every rate's slope and every escape from a 1e−6 offset.
RELATIVE_FLOOR = 1e-12


@dataclass(frozen=True)
class RateCurve:
    color: str  # its optimizer's colour ("#D55E00")
    label: str  # "Heavy ball (η 0.33, β 0.27)": the legend, and the group of the curve and its theory line
    distance: np.ndarray  # (steps + 1,) |θ_t − θ*|
    rate: float | None  # the theory's rate r (None: no theory line)
    rate_text: str  # "(√κ−1)/(√κ+1) = 0.519"


def rates_figure(
    curves: tuple[RateCurve, ...], theme: Theme, *, title: str = "", y_title: str = "distance to the minimum |θ − θ*|"
) -> go.Figure:
    """Each curve's distance against the step, and its theory d₀·rᵗ dashed in the same colour; the log y axis spans
    the curves down to RELATIVE_FLOOR of the largest distance (below that: float32's noise, not a rate)."""
    data = []
    ds = [np.asarray(c.distance, np.float64) for c in curves]
    highest = max([1.0, *(float(d[np.isfinite(d)].max()) for d in ds if np.isfinite(d).any())])
    floor = highest * RELATIVE_FLOOR
    lowest = 1.0
    for c, d in zip(curves, ds, strict=True):
        end = _drawable(d, floor)
        lowest = min(lowest, float(d[:end].min()) if end else 1.0)
        data.append(_measured(c, d, end, theme))
        if c.rate is not None:
            data.append(_theory(c, d, lowest, highest, floor, theme))
    layout = _layout(lowest, highest, floor, title, y_title, theme)
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def _drawable(d: np.ndarray, floor: float) -> int:
    """How many of the distances, from the start, a log axis shows (the first at or below ``floor`` ends them)."""
    shown = d > floor
    return int(np.argmin(shown)) if not shown.all() else len(d)


def _measured(c: RateCurve, d: np.ndarray, end: int, theme: Theme) -> dict:
    """The measured distance over its first ``end`` steps."""
    t = np.arange(len(d))
    return dict(
        type="scatter",
        mode="lines",
        x=t[:end],
        y=d[:end].astype(np.float32),
        name=c.label,
        legendgroup=c.label,
        line=dict(color=c.color, width=theme.line_width),
        hovertemplate=f"{c.label}<br>step %{{x}}<br>|θ − θ*| %{{y:.3g}}<extra></extra>",
    )


def _theory(c: RateCurve, d: np.ndarray, lowest: float, highest: float, floor: float, theme: Theme) -> dict:
    """d₀·rᵗ, dashed, where it stays within view of the measured curves (lowest / 100 to 1000 × highest)."""
    t = np.arange(len(d))
    with np.errstate(over="ignore"):
        theory = d[0] * c.rate**t
    keep = (theory > max(floor, lowest * 1e-2)) & (theory < 1e3 * highest)  # a growth (escape) stays in view
    return dict(
        type="scatter",
        mode="lines",
        x=t[keep],
        y=theory[keep].astype(np.float32),
        name=f"theory: {c.rate_text}",
        legendgroup=c.label,
        line=dict(color=c.color, width=max(1.5, theme.line_width / 2), dash="dash"),
        hovertemplate=f"theory d₀·rᵗ, r = {c.rate:.4f}<br>step %{{x}}<br>%{{y:.3g}}<extra></extra>",
    )


def _layout(lowest: float, highest: float, floor: float, title: str, y_title: str, theme: Theme) -> dict:
    """The step axis from zero, the log distance axis from ``lowest`` to ``highest`` with a margin, the legend in the
    bottom left corner (the curves fall from the top left)."""
    layout = base_layout(theme)
    layout.update(
        title=figure_title(title, theme),
        xaxis=dict(title=dict(text="step"), rangemode="tozero", showline=True, linecolor="#9aa5b1", ticks="outside"),
        yaxis=dict(
            type="log",
            title=dict(text=y_title),
            exponentformat="power",
            showline=True,
            linecolor="#9aa5b1",
            ticks="outside",
            range=[np.log10(max(lowest, floor)) - 0.5, np.log10(highest) + 0.3],
        ),
        legend=dict(
            orientation="v",
            yanchor="bottom",
            y=0.01,
            xanchor="left",
            x=0.01,
            bgcolor="rgba(255,255,255,0.85)",
            font=dict(size=theme.font_size - 2),
        ),
        margin=dict(l=70, r=10, t=40, b=50),
        height=int(theme.height * 0.75),
        hovermode="closest",
    )
    return layout
