"""Ridge and lasso's pictures: the least-squares contours with the L2 disc and the L1 diamond each solution touches,
the solutions' paths as λ grows; and the weights against λ. Pure Plotly: arrays in, go.Figure out."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.networks import f32
from viz.theme import INK, Theme, base_layout

RIDGE, LASSO = "#0072B2", "#D55E00"
WEIGHTS = ("#009E73", "#CC79A7")  # w₁, w₂ on the path chart
CONTOUR = "#9aa4b2"


def _point(x, y, name, color, symbol, theme: Theme) -> go.Scatter:
    return go.Scatter(
        x=[float(x)],
        y=[float(y)],
        mode="markers",
        name=name,
        marker=dict(color=color, symbol=symbol, size=theme.marker_size + 4, line=dict(color="white", width=1.5)),
        hovertemplate=f"{name}: (%{{x:.3f}}, %{{y:.3f}})<extra></extra>",
    )


def _level(xs, ys, z, level: float, color: str) -> go.Contour:
    """The one contour of z at ``level``, drawn thick: the contour the solution touches."""
    return go.Contour(
        x=f32(xs), y=f32(ys), z=z.astype(np.float32), contours=dict(start=level, end=level, size=1, coloring="lines"),
        line=dict(color=color, width=2.5, dash="dot"), colorscale=[[0, color], [1, color]], showscale=False,
        hoverinfo="skip", showlegend=False,
    )  # fmt: skip


def constraint_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    loss: np.ndarray,
    ols: np.ndarray,
    ridge: np.ndarray,
    lasso: np.ndarray,
    ridge_path: np.ndarray,
    lasso_path: np.ndarray,
    theme: Theme,
    *,
    side: int,
    title: str = "",
    legend: bool = True,
) -> go.Figure:
    """The least-squares loss's contours over (w₁, w₂), the least-squares solution, the ridge solution on the disc
    ‖w‖₂ = its length and the lasso solution on the diamond ‖w‖₁ = its length, each touching the contour of the loss
    through it (dotted); the solutions' paths as λ grows from 0 (at the least-squares solution) to the origin."""
    data = [
        go.Contour(
            x=f32(xs), y=f32(ys), z=loss.astype(np.float32), ncontours=16, contours=dict(coloring="lines"),
            line=dict(color=CONTOUR, width=1), colorscale=[[0, CONTOUR], [1, CONTOUR]], showscale=False,
            hovertemplate="w₁ %{x:.2f}, w₂ %{y:.2f}: loss %{z:.3g}<extra></extra>", showlegend=False,
        ),
        _level(xs, ys, loss, float(_at(xs, ys, loss, ridge)), RIDGE),
        _level(xs, ys, loss, float(_at(xs, ys, loss, lasso)), LASSO),
    ]  # fmt: skip
    r, t = float(np.hypot(*ridge)), float(np.abs(lasso).sum())
    angle = np.linspace(0, 2 * np.pi, 181)
    data += [
        go.Scatter(
            x=f32(r * np.cos(angle)), y=f32(r * np.sin(angle)), mode="lines", fill="toself",
            fillcolor="rgba(0,114,178,0.12)", line=dict(color=RIDGE, width=2), name="L2 disc ‖w‖₂ ≤ ‖ridge‖₂",
            hoverinfo="skip",
        ),
        go.Scatter(
            x=f32([t, 0, -t, 0, t]), y=f32([0, t, 0, -t, 0]), mode="lines", fill="toself",
            fillcolor="rgba(213,94,0,0.12)", line=dict(color=LASSO, width=2), name="L1 diamond ‖w‖₁ ≤ ‖lasso‖₁",
            hoverinfo="skip",
        ),
        go.Scatter(
            x=f32(ridge_path[:, 0]), y=f32(ridge_path[:, 1]), mode="lines", line=dict(color=RIDGE, width=1.5),
            name="ridge as λ grows", hoverinfo="skip",
        ),
        go.Scatter(
            x=f32(lasso_path[:, 0]), y=f32(lasso_path[:, 1]), mode="lines",
            line=dict(color=LASSO, width=1.5, dash="dash"), name="lasso as λ grows", hoverinfo="skip",
        ),
        _point(*ols, "least squares", INK, "circle", theme),
        _point(*ridge, "ridge", RIDGE, "diamond", theme),
        _point(*lasso, "lasso", LASSO, "square", theme),
    ]  # fmt: skip
    layout = base_layout(theme)
    layout.update(
        height=side + (150 if legend else 80),
        title=dict(text=title, font=dict(size=theme.title_size), y=0.99, yanchor="top") if title else None,
        margin=dict(l=10, r=10, t=140 if legend else 50, b=10),
        showlegend=legend,
        xaxis=dict(
            title="w₁", range=[float(xs[0]), float(xs[-1])], zeroline=True, zerolinecolor=INK, constrain="domain"
        ),
        yaxis=dict(title="w₂", range=[float(ys[0]), float(ys[-1])], zeroline=True, zerolinecolor=INK, scaleanchor="x"),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0),
    )
    return go.Figure(data=data, layout=layout)


def _at(xs, ys, z, w) -> float:
    """z (on the grid xs × ys, bilinear) at the point w: the level of the contour through it."""
    i = np.clip(np.searchsorted(xs, w[0]) - 1, 0, len(xs) - 2)
    j = np.clip(np.searchsorted(ys, w[1]) - 1, 0, len(ys) - 2)
    tx = (w[0] - xs[i]) / (xs[i + 1] - xs[i])
    ty = (w[1] - ys[j]) / (ys[j + 1] - ys[j])
    return (
        (1 - tx) * (1 - ty) * z[j, i]
        + tx * (1 - ty) * z[j, i + 1]
        + (1 - tx) * ty * z[j + 1, i]
        + tx * ty * z[j + 1, i + 1]
    )


def path_figure(
    lams: np.ndarray,
    ridge: np.ndarray,
    lasso: np.ndarray,
    lam: float,
    zeros: list[tuple[str, float]],
    theme: Theme,
    *,
    height: int,
    title: str = "",
) -> go.Figure:
    """Each weight against λ (log axis): ridge solid, lasso dashed, w₁ and w₂ in their colours; the λ shown dotted,
    and where each lasso weight becomes exactly 0 marked (``zeros``: (its label, λ))."""
    data = []
    for j, name in enumerate(("w₁", "w₂")):
        for path, rule, dash in ((ridge, "ridge", "solid"), (lasso, "lasso", "dash")):
            data.append(
                go.Scatter(
                    x=f32(lams), y=f32(path[:, j]), mode="lines", name=f"{rule} {name}",
                    line=dict(color=WEIGHTS[j], width=theme.line_width, dash=dash),
                    hovertemplate="λ %{x:.3g}: %{y:.3f}<extra>" + f"{rule} {name}" + "</extra>",
                )
            )  # fmt: skip
    if zeros:
        data.append(
            go.Scatter(
                x=[float(v) for _, v in zeros], y=[0.0] * len(zeros), mode="markers", name="lasso weight reaches 0",
                marker=dict(color=INK, symbol="x", size=theme.marker_size + 2), text=[t for t, _ in zeros],
                hovertemplate="%{text} = 0 from λ %{x:.3g}<extra></extra>",
            )
        )  # fmt: skip
    layout = base_layout(theme)
    layout.update(
        height=height,
        title=dict(text=title, font=dict(size=theme.title_size), y=0.99, yanchor="top") if title else None,
        margin=dict(l=10, r=10, t=130 if title else 90, b=10),
        xaxis=dict(title="λ", type="log", exponentformat="power"),
        yaxis=dict(title="weight", zeroline=True, zerolinecolor=INK),
        shapes=[dict(type="line", x0=lam, x1=lam, yref="paper", y0=0, y1=1, line=dict(color=INK, dash="dot"))],
        legend=dict(orientation="h", yanchor="bottom", y=1.01, xanchor="left", x=0),
    )
    return go.Figure(data=data, layout=layout)
