"""A class round's figures: every student's run on the map (thin, coloured by its fate), every submission on the
(η, β) phase diagram, and the submitted learning rates as a histogram with 2/L marked.

Arrays in, figures out. Many runs stay one trace per fate (the paths joined by gaps), so 300 runs are three SVG
paths, not 300 traces.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.layout import figure_title
from viz.paths import b64
from viz.sweep import STABLE, _vline
from viz.theme import INK, Theme, base_layout

FATE_COLORS = ("#1b9e77", "#b2182b", "#7570b3")  # reached, diverged, not there (the fates' order in scenes)
BEST = "#FFD700"
DRAW_ORDER = (1, 2, 0)  # diverged, not there, reached (on top)
OPACITY = (0.7, 0.3, 0.5)


def _joined(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Paths (K, P, 2) as one line with a gap (NaN) between paths."""
    if not len(xy):
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    gap = np.full((len(xy), 1, 2), np.nan, np.float32)
    flat = np.concatenate([xy.astype(np.float32), gap], axis=1).reshape(-1, 2)
    return flat[:, 0], flat[:, 1]


def add_runs(
    fig: go.Figure,
    xy: np.ndarray,
    fate: np.ndarray,
    names: tuple[str, ...],
    theme: Theme,
    *,
    best: np.ndarray | None = None,
    best_name: str = "",
) -> go.Figure:
    """Every run on a map (``xy``: (N, P, 2)), one thin trace per fate in its colour (``names`` by fate, the counts
    in them); ``best``: one path (P, 2) drawn thick in gold over them (the leader, once revealed)."""
    width = max(1.0, theme.line_width * 0.45)
    fate = np.asarray(fate)
    for k in DRAW_ORDER:  # the diverged under the others, faint: their long straight flights would hide the rest
        name, color = names[k], FATE_COLORS[k]
        x, y = _joined(np.asarray(xy)[fate == k])
        fig.add_trace(
            dict(
                type="scatter",
                mode="lines",
                x=b64(x),
                y=b64(y),
                name=name,
                line=dict(color=color, width=width),
                opacity=OPACITY[k],
                hoverinfo="skip",
                connectgaps=False,
                showlegend=True,
                legendrank=100 + k,
            )
        )
    if best is not None:
        fig.add_trace(
            dict(
                type="scatter",
                mode="lines",
                x=b64(np.asarray(best[:, 0], np.float32)),
                y=b64(np.asarray(best[:, 1], np.float32)),
                name=best_name,
                line=dict(color=BEST, width=theme.line_width * 1.4),
                hoverinfo="name",
            )
        )
    return fig


def add_submissions(
    fig: go.Figure,
    lrs: np.ndarray,
    betas: np.ndarray,
    fate: np.ndarray,
    names: tuple[str, ...],
    theme: Theme,
    *,
    best: tuple[float, float] | None = None,
) -> go.Figure:
    """Each submission as a point on the phase diagram (x: log₁₀ η, as the diagram draws it), coloured by its
    fate; ``best``: the leader's (η, β), a large gold ring."""
    size = max(7, theme.marker_size - 2)
    for k, (name, color) in enumerate(zip(names, FATE_COLORS, strict=True)):
        m = np.asarray(fate) == k
        fig.add_trace(
            dict(
                type="scatter",
                mode="markers",
                x=b64(np.log10(np.asarray(lrs, np.float64)[m]).astype(np.float32)),
                y=b64(np.asarray(betas, np.float32)[m]),
                name=name,
                marker=dict(size=size, color=color, opacity=0.85, line=dict(width=1.5, color="white")),
                hoverinfo="skip",
            )
        )
    if best is not None:
        ring = dict(symbol="circle-open", size=size + 12, color=BEST, line=dict(width=4, color=BEST))
        fig.add_trace(
            dict(type="scatter", mode="markers", x=[np.log10(best[0])], y=[best[1]], name="best", marker=ring)
        )
    return fig


def histogram_figure(
    lrs: np.ndarray,
    fate: np.ndarray,
    names: tuple[str, ...],
    span: tuple[float, float],
    theme: Theme,
    *,
    marks: tuple[tuple[str, float], ...] = (),
    title: str = "",
    height: int | None = None,
) -> go.Figure:
    """The submitted learning rates (log axis over ``span``), stacked by fate; ``marks``: (label, η) lines, as 2/L."""
    lo, hi = np.log10(span[0]), np.log10(span[1])
    bins = 24
    size = (hi - lo) / bins
    data = []
    for k, (name, color) in enumerate(zip(names, FATE_COLORS, strict=True)):
        v = np.log10(np.asarray(lrs, np.float64)[np.asarray(fate) == k])
        data.append(
            dict(
                type="histogram",
                x=v.tolist(),
                name=name,
                marker=dict(color=color),
                xbins=dict(start=lo, end=hi + 1e-9, size=size),
                hovertemplate="%{y} submissions<extra></extra>",
            )
        )
    shapes, notes = [], []
    for label, v in marks:
        if v is None or not (span[0] <= v <= span[1]):
            continue
        x = float(np.log10(v))
        shapes.append(_vline(x, STABLE, "solid", 3))
        notes.append(
            dict(
                x=x,
                y=1,
                xref="x",
                yref="paper",
                text=label,
                showarrow=False,
                xanchor="left",
                yanchor="top",
                font=dict(color=STABLE, size=theme.font_size),
                bgcolor="rgba(255,255,255,0.8)",
            )
        )
    ticks = np.arange(np.ceil(lo), np.floor(hi) + 1)
    most = max(
        (int(np.histogram(np.log10(lrs), bins=bins, range=(lo, hi))[0].max()) for _ in [0] if len(lrs)), default=1
    )
    layout = base_layout(theme)
    layout.update(
        title=figure_title(title, theme),
        barmode="stack",
        bargap=0.05,
        shapes=shapes,
        annotations=notes,
        xaxis=dict(
            title=dict(text="learning rate η"),
            range=[lo, hi],
            tickvals=ticks.tolist(),
            ticktext=[f"{10.0**t:g}" for t in ticks],
            ticks="outside",
        ),
        yaxis=dict(title=dict(text="submissions"), rangemode="tozero", tick0=0, dtick=max(1, -(-most // 5))),
        plot_bgcolor="white",
        margin=dict(l=60, r=10, t=(40 if title else 10) + 2 * theme.font_size, b=60),
        height=height or int(theme.height * 0.55),
        font=dict(size=theme.font_size, color=INK),
    )
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)
