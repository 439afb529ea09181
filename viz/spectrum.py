"""The Hessian's eigenvalue density at a few points of a training path (optim.spectrum's quadratures, already put on
a grid): one line per point, light to dark along the path, on a log density axis; 0 marked. Pure Plotly."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.networks import f32
from viz.theme import INK, Theme, base_layout

SHADES = ("#fdae6b", "#f16913", "#a63603", "#4a1a02")  # the start light, the end dark


def spectrum_figure(
    grid: np.ndarray, densities: list[tuple[str, np.ndarray]], theme: Theme, *, height: int, title: str = ""
) -> go.Figure:
    """``densities``: (label, density on ``grid``) from the path's start to its end."""
    data = []
    floor = max(float(max(d.max() for _, d in densities)) * 1e-6, 1e-30)
    for i, (label, d) in enumerate(densities):
        data.append(
            go.Scatter(
                x=f32(grid),
                y=f32(np.maximum(d, floor)),
                mode="lines",
                name=label,
                line=dict(color=SHADES[min(i, len(SHADES) - 1)], width=theme.line_width),
                hovertemplate="λ %{x:.3g}: density %{y:.2g}<extra>" + label + "</extra>",
            )
        )
    layout = base_layout(theme)
    layout.update(
        height=height,
        title=dict(text=title, font=dict(size=theme.title_size), y=0.98, yanchor="top") if title else None,
        margin=dict(l=10, r=10, t=100 if title else 50, b=10),
        xaxis=dict(title="Hessian eigenvalue λ", zeroline=False),
        yaxis=dict(title="density", type="log", exponentformat="power"),
        shapes=[dict(type="line", x0=0, x1=0, yref="paper", y0=0, y1=1, line=dict(color=INK, dash="dot", width=1))],
    )
    return go.Figure(data=data, layout=layout)
