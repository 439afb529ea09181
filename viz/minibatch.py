"""Minibatch SGD's pictures: the full loss's map with one step's batch loss drawn over it, the minibatch and the
full-batch paths; and the full loss against the epochs for both. Pure Plotly: arrays in, go.Figure out."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.networks import f32
from viz.theme import INK, LANDSCAPE_STOPS, Theme, base_layout

SGD, GD, BATCH = "#D55E00", "#0072B2", "#CC79A7"


def map_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    full: np.ndarray,
    batch: np.ndarray,
    sgd: np.ndarray,
    gd: np.ndarray,
    at: np.ndarray,
    theme: Theme,
    *,
    side: int,
    labels: tuple[str, str, str],
    legend: bool = True,
    axes: tuple[str, str] = ("w₁", "w₂"),
    minimum: tuple[float, float] | None = None,
) -> go.Figure:
    """The full loss (filled, log colour) and the batch loss of one step (its contour lines), the minibatch path and
    the full-batch path, the point ``at`` where that batch's step is taken. ``labels``: (sgd, gd, batch); ``axes``:
    the weights' names; ``minimum``: the full loss's, starred where known."""
    a, b = axes
    data = [
        go.Contour(
            x=f32(xs), y=f32(ys), z=np.log10(full).astype(np.float32), colorscale=[list(s) for s in LANDSCAPE_STOPS],
            ncontours=18, line=dict(width=0.5, color="#6d7f97"), showscale=False, name="full loss",
            hovertemplate=f"{a} %{{x:.2f}}, {b} %{{y:.2f}}<extra>log₁₀ full loss %{{z:.2f}}</extra>",
        ),
        go.Contour(
            x=f32(xs), y=f32(ys), z=np.log10(batch).astype(np.float32), ncontours=14,
            contours=dict(coloring="lines"), colorscale=[[0, BATCH], [1, BATCH]], line=dict(width=1.5, dash="dash"),
            showscale=False, name=labels[2], showlegend=True, hoverinfo="skip",
        ),
        go.Scatter(
            x=f32(sgd[:, 0]), y=f32(sgd[:, 1]), mode="lines+markers", name=labels[0],
            line=dict(color=SGD, width=1.5), marker=dict(size=4, color=SGD),
        ),
        go.Scatter(
            x=f32(gd[:, 0]), y=f32(gd[:, 1]), mode="lines+markers", name=labels[1],
            line=dict(color=GD, width=theme.line_width), marker=dict(size=6, color=GD),
        ),
        go.Scatter(
            x=[float(at[0])], y=[float(at[1])], mode="markers", name="the step's weights", showlegend=False,
            marker=dict(color=BATCH, size=theme.marker_size + 4, symbol="circle-open", line=dict(width=3)),
        ),
    ]  # fmt: skip
    if minimum is not None:
        data.append(go.Scatter(
            x=[minimum[0]], y=[minimum[1]], mode="markers", name="least-squares minimum", showlegend=False,
            marker=dict(symbol="star", size=theme.marker_size + 6, color="#FFD23F", line=dict(width=1, color=INK)),
            hovertemplate=f"least squares: {a} %{{x:.3f}}, {b} %{{y:.3f}}<extra></extra>",
        ))  # fmt: skip
    layout = base_layout(theme)
    layout.update(
        height=side + (80 if legend else 60),
        margin=dict(l=10, r=10, t=70 if legend else 40, b=10),
        showlegend=legend,
        xaxis=dict(title=a, range=[float(xs[0]), float(xs[-1])], constrain="domain"),
        yaxis=dict(title=b, range=[float(ys[0]), float(ys[-1])], scaleanchor="x"),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0),
    )
    return go.Figure(data=data, layout=layout)


def epochs_figure(
    sgd_epochs: np.ndarray, sgd_loss: np.ndarray, gd_loss: np.ndarray, theme: Theme, *, height: int, labels
) -> go.Figure:
    """The full loss against the epochs (passes over the data): minibatch SGD at each of its steps, full-batch GD at
    each of its (one an epoch)."""
    data = [
        go.Scatter(
            x=f32(sgd_epochs), y=f32(sgd_loss), mode="lines", name=labels[0], line=dict(color=SGD, width=1.5),
            hovertemplate="epoch %{x:.2f}: %{y:.3g}<extra></extra>",
        ),
        go.Scatter(
            x=np.arange(len(gd_loss), dtype=np.int32), y=f32(gd_loss), mode="lines+markers", name=labels[1],
            line=dict(color=GD, width=theme.line_width), hovertemplate="epoch %{x}: %{y:.3g}<extra></extra>",
        ),
    ]  # fmt: skip
    layout = base_layout(theme)
    layout.update(
        height=height,
        margin=dict(l=10, r=10, t=60, b=10),
        xaxis=dict(title="epochs (passes over the 40 points)", range=[0, float(len(gd_loss) - 1)]),
        yaxis=dict(title="full loss", type="log", exponentformat="power"),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0),
        shapes=[],
    )
    layout["font"]["color"] = INK
    return go.Figure(data=data, layout=layout)
