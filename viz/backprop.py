"""Backpropagation's pictures: a computation graph whose boxes carry each node's forward value and its backward
partial derivative ∂ℓ/∂node, edges labelled with their local derivatives; and a loss-by-step line with the step
shown marked. Pure Plotly: plain values and strings in (the numbers already written), go.Figure out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from viz.theme import INK, Theme, base_layout

FORWARD = INK
BACKWARD = "#D55E00"  # Okabe–Ito vermillion: every backward number, so the two passes read apart
FILL = {"data": "#eef0f3", "weight": "#dbe9f6", "op": "#ffffff", "loss": "#fde7d6"}
EDGE = "#9aa4b2"


@dataclass(frozen=True)
class Box:
    key: str
    col: float
    row: float  # down from the top
    title: str  # "h = tanh z"
    forward: str  # "0.652"
    backward: str  # "−0.31", "" for data
    kind: str  # "data" | "weight" | "op" | "loss"


def graph_figure(
    boxes: list[Box],
    edges: list[tuple[str, str, str]],
    theme: Theme,
    *,
    height: int,
    font_size: int | None = None,
    title: str = "",
    vertical: bool = False,
) -> go.Figure:
    """The graph, forward from left to right (``vertical``: from top to bottom, for a phone's narrow screen): each box
    its node's formula, forward value (ink) and ∂ℓ/∂node (vermillion); each edge (source, target, label) a line,
    labelled at its middle if the label is not empty."""
    size = font_size or theme.font_size
    at = {b.key: (b.row, b.col) if vertical else (b.col, b.row) for b in boxes}
    xs, ys = [], []
    for s, t, _ in edges:
        xs += [at[s][0], at[t][0], None]
        ys += [at[s][1], at[t][1], None]
    data = [
        go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=EDGE, width=1.5), hoverinfo="skip", showlegend=False),
        _key_trace("forward value " + ("↓" if vertical else "→"), FORWARD, size),
        _key_trace(("↑" if vertical else "←") + " ∂ℓ/∂node, backward", BACKWARD, size),
    ]
    notes = []
    for s, t, label in edges:
        if label:
            (x0, y0), (x1, y1) = at[s], at[t]
            notes.append(
                dict(
                    x=0.5 * (x0 + x1), y=0.5 * (y0 + y1), text=label, showarrow=False,
                    font=dict(size=round(size * 0.8), color="#4b5563"), bgcolor="rgba(255,255,255,0.85)",
                )
            )  # fmt: skip
    for b in boxes:
        lines = [f"<b>{b.title}</b>", b.forward]
        if b.backward:
            lines.append(f'<span style="color:{BACKWARD}">{b.backward}</span>')
        notes.append(
            dict(
                x=at[b.key][0], y=at[b.key][1], text="<br>".join(lines), showarrow=False, align="center",
                bgcolor=FILL[b.kind], bordercolor=INK if b.kind == "loss" else EDGE, borderwidth=1.5, borderpad=4,
                font=dict(size=size, color=FORWARD),
            )
        )  # fmt: skip
    cols = [x for x, _ in at.values()]
    rows = [y for _, y in at.values()]
    layout = base_layout(theme)
    layout.update(
        height=height,
        title=dict(text=title, font=dict(size=theme.title_size)) if title else None,
        margin=dict(l=10, r=10, t=70 if title else 40, b=10),
        xaxis=dict(visible=False, range=[min(cols) - 0.6, max(cols) + 0.6], fixedrange=True),
        yaxis=dict(visible=False, range=[max(rows) + 0.7, min(rows) - 0.7], fixedrange=True),
        annotations=notes,
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, font=dict(size=size)),
        hovermode=False,
    )
    return go.Figure(data=data, layout=layout)


def _key_trace(name: str, color: str, size: int) -> go.Scatter:
    """A legend entry only: what a colour of the boxes' numbers means."""
    return go.Scatter(
        x=[None], y=[None], mode="markers", name=name, marker=dict(color=color, size=size, symbol="square")
    )


def loss_by_step_figure(
    loss: np.ndarray, step: int, theme: Theme, *, height: int, title: str = "", label: str = "loss L"
) -> go.Figure:
    """The loss at every step (log axis), the shown step marked with a dot and a dotted line."""
    steps = np.arange(len(loss), dtype=np.int32)
    shown = np.where(np.isfinite(loss) & (loss > 0), loss, np.nan).astype(np.float32)
    data = [
        go.Scatter(x=steps, y=shown, mode="lines", name=label, line=dict(color=INK, width=theme.line_width)),
        go.Scatter(
            x=[step], y=[shown[step]], mode="markers", name=f"step {step}",
            marker=dict(color=BACKWARD, size=theme.marker_size + 2),
        ),
    ]  # fmt: skip
    layout = base_layout(theme)
    layout.update(
        height=height,
        title=dict(text=title, font=dict(size=theme.title_size)) if title else None,
        margin=dict(l=10, r=10, t=70 if title else 40, b=10),
        xaxis=dict(title="step", range=[0, max(len(loss) - 1, 1)]),
        yaxis=dict(title=label, type="log", exponentformat="power"),
        shapes=[dict(type="line", x0=step, x1=step, yref="paper", y0=0, y1=1, line=dict(color=BACKWARD, dash="dot"))],
    )
    return go.Figure(data=data, layout=layout)
