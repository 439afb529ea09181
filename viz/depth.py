"""Signals through depth: each initialisation's activation and gradient std by layer (log axis), and its layers'
histograms (a few layers, light to dark with depth). Pure Plotly: arrays in, go.Figure out."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from viz.networks import f32
from viz.theme import Theme, base_layout

INIT_COLORS = {"zeros": "#999999", "normal": "#E69F00", "xavier": "#0072B2", "he": "#009E73"}
LAYER_SHADES = ("#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b")  # first layer light, the last dark


def std_by_layer_figure(
    panels: list[tuple[str, dict[str, np.ndarray]]],
    titles: dict[str, str],
    theme: Theme,
    *,
    height: int,
    stacked: bool = False,
) -> go.Figure:
    """Panels side by side (``stacked``: one under the other, a phone's), each (its title, {init: std at layers
    1…depth}) on a log axis, one line per initialisation and one legend for all (a std of exactly 0 has no point:
    its legend entry says so)."""
    rows, cols = (len(panels), 1) if stacked else (1, len(panels))
    f = make_subplots(rows=rows, cols=cols, subplot_titles=[t for t, _ in panels], vertical_spacing=0.16)
    for i, (_, stds) in enumerate(panels):
        row, col = (i + 1, 1) if stacked else (1, i + 1)
        for key, s in stds.items():
            zero = not np.any(s > 0)
            f.add_trace(
                go.Scatter(
                    x=np.arange(1, len(s) + 1, dtype=np.int32),
                    y=f32(np.where(s > 0, s, np.nan)),
                    mode="lines+markers",
                    name=titles[key] + (" (exactly 0)" if zero else ""),
                    legendgroup=key,
                    showlegend=i == 0,
                    line=dict(color=INIT_COLORS[key], width=theme.line_width),
                    marker=dict(size=theme.marker_size * 0.6),
                    hovertemplate="layer %{x}: %{y:.3g}<extra>" + titles[key] + "</extra>",
                ),
                row=row,
                col=col,
            )
        depth = len(next(iter(stds.values())))
        f.update_xaxes(title_text="layer", dtick=1 if depth <= 12 else 2, row=row, col=col)
        f.update_yaxes(type="log", exponentformat="power", row=row, col=col)
    layout = base_layout(theme)
    layout.update(height=height, margin=dict(l=10, r=10, t=90, b=10))
    layout["legend"] |= dict(y=1.08)
    f.update_layout(layout)
    f.update_annotations(font=dict(size=theme.title_size * 0.85))
    return f


def shown_layers(depth: int, most: int = 5) -> list[int]:
    """Up to ``most`` layers (1-based) spread from the first to the last."""
    return sorted({int(round(v)) for v in np.linspace(1, depth, min(most, depth))})


def histograms_figure(
    act: tuple[np.ndarray, np.ndarray], grad: tuple[np.ndarray, np.ndarray], theme: Theme, *, height: int, title: str
) -> go.Figure:
    """Activations (top) and weight gradients (below): a few layers' histograms, each a line of shares per bin."""
    f = make_subplots(rows=2, cols=1, vertical_spacing=0.2, subplot_titles=(f"{title}: activations", f"{title}: ∂L/∂W"))
    depth = len(act[0])
    layers = shown_layers(depth)
    for row, (counts, edges) in enumerate((act, grad), start=1):
        mids = f32(0.5 * (edges[:-1] + edges[1:]))
        for i, layer in enumerate(layers):
            f.add_trace(
                go.Scatter(
                    x=mids,
                    y=f32(counts[layer - 1]),
                    mode="lines",
                    line=dict(color=LAYER_SHADES[i], width=2, shape="hvh"),
                    name=f"layer {layer}",
                    legendgroup=str(layer),
                    showlegend=row == 1,
                    hovertemplate="%{x:.2g}: %{y:.0%}<extra>layer " + str(layer) + "</extra>",
                ),
                row=row,
                col=1,
            )
        f.update_xaxes(exponentformat="power", row=row, col=1)
        f.update_yaxes(tickformat=".0%", rangemode="tozero", row=row, col=1)
    layout = base_layout(theme)
    layout.update(  # the initialisation names each panel; the layers' legend above them both
        height=height,
        margin=dict(l=10, r=10, t=int(4.5 * theme.font_size) + 20, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.1, xanchor="left", x=0, font=dict(size=theme.font_size)),
    )
    f.update_layout(layout)
    f.update_annotations(font=dict(size=theme.font_size))
    return f
