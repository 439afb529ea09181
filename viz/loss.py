"""Loss against step: the gap to the global minimum on a log axis (the loss itself where there is no minimum)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.paths import Path
from viz.theme import OPTIMIZER_SYMBOLS, Theme, base_layout, color


def loss_gap(loss: np.ndarray, f_min: float) -> np.ndarray:
    """f − f*, floored at float32 resolution of f* so that a converged run sits on the floor, not at log(0)."""
    floor = 1e-7 * max(1.0, abs(f_min))
    return np.maximum(np.asarray(loss, np.float64) - f_min, floor).astype(np.float32)


def loss_figure(paths: tuple[Path, ...], f_min: float | None, theme: Theme, *, title: str = "") -> go.Figure:
    log = f_min is not None
    data = []
    for p in paths:
        end = p.diverged_at if p.diverged_at is not None else len(p.loss)
        y = loss_gap(p.loss[:end], f_min) if log else p.loss[:end].astype(np.float32)
        data.append(dict(
            type="scatter", mode="lines", name=p.label, legendgroup=p.key, x=np.arange(end, dtype=np.int32), y=y,
            line=dict(color=color(p.key), width=theme.line_width),
            hovertemplate=f"{p.label}<br>step %{{x}}<br>%{{y:.4g}}<extra></extra>",
        ))
        if p.diverged_at is not None and end > 0:
            data.append(dict(
                type="scatter", mode="markers+text", x=[end - 1], y=[float(y[-1])], showlegend=False,
                legendgroup=p.key, text=[f"diverged at step {p.diverged_at}"], textposition="top right",
                marker=dict(symbol="x", size=theme.marker_size + 4, color=color(p.key)), hoverinfo="text",
                textfont=dict(color=color(p.key), size=theme.font_size - 1),
            ))
        else:
            data.append(dict(
                type="scatter", mode="markers", x=[end - 1], y=[float(y[-1])], showlegend=False, legendgroup=p.key,
                marker=dict(symbol=OPTIMIZER_SYMBOLS.get(p.key, "circle"), size=theme.marker_size,
                            color=color(p.key)), hoverinfo="skip",
            ))
    layout = base_layout(theme)
    layout.update(
        title=dict(text=title, font=dict(size=theme.title_size), x=0.01) if title else None,
        xaxis=dict(title="step", rangemode="tozero", showline=True, linecolor="#9aa5b1", ticks="outside",
                   automargin=True),
        yaxis=dict(type="log" if log else "linear", title="f − f*  (log scale)" if log else "f(x, y)",
                   exponentformat="power", showline=True, linecolor="#9aa5b1", ticks="outside", automargin=True),
        margin=dict(l=70, r=10, t=40, b=55),
        height=int(theme.height * 0.75), hovermode="closest",
    )
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)
