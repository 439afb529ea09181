"""Loss against step: the gap to the global minimum on a log axis (the loss itself where there is no minimum), the
learning rate of scheduled runs in a small inset, and (on Trajectories) under it the distance to the nearest minimum,
also on a log axis: a run in a flat valley has a small gap and is still far away."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.layout import figure_title
from viz.paths import Path
from viz.theme import Theme, base_layout


def loss_gap(loss: np.ndarray, f_min: float) -> np.ndarray:
    """f − f*, floored at float32 resolution of f* so that a converged run sits on the floor, not at log(0)."""
    floor = 1e-7 * max(1.0, abs(f_min))
    return np.maximum(np.asarray(loss, np.float64) - f_min, floor).astype(np.float32)


# Where an inset may sit, as (x, y) domains of the plot area; the first is the usual empty corner (curves fall from the
# top left), the others are taken when the curves crowd it. Tick labels fall outside the domain, so it keeps clear of
# the plot's edges.
INSET_CORNERS = (((0.64, 0.98), (0.62, 0.95)), ((0.12, 0.46), (0.1, 0.43)), ((0.64, 0.98), (0.1, 0.43)))
INSET_BACKDROP = "rgba(255, 255, 255, 0.88)"


def nearest_distance(xy: np.ndarray, minima: np.ndarray) -> np.ndarray:
    """(T,) the Euclidean distance of each point of ``xy`` (T, 2) to the nearest of ``minima`` (K, 2), in float64."""
    xy, m = np.asarray(xy, np.float64), np.asarray(minima, np.float64)
    return np.sqrt(((xy[:, None, :] - m[None, :, :]) ** 2).sum(axis=-1)).min(axis=1)


def distance_floor(minima: np.ndarray) -> float:
    """Where float32 coordinates cannot tell a point from the minimum: a converged run sits there, not at log(0)."""
    return 1e-7 * max(1.0, float(np.abs(np.asarray(minima, np.float64)).max()))


LOSS_PANEL = (0.45, 1.0)  # with the distance panel: f − f* above, the distance below, one step axis
DISTANCE_PANEL = (0.0, 0.36)


def loss_figure(
    paths: tuple[Path, ...], f_min: float | None, theme: Theme, *, title: str = "", minima: np.ndarray | None = None
) -> go.Figure:
    """One line per run, a marker at its end (an x where it diverged); with any scheduled run (``Path.lr``) an inset
    of the learning rate against the update, on a log axis, in the corner the curves leave emptiest. With ``minima``
    ((K, 2), at least one), a second panel under the first: each run's distance to the nearest of them, on a log
    axis, over the same steps."""
    log = f_min is not None
    data = [trace for p in paths for trace in _run_traces(p, f_min, theme)]
    layout = _layout(log, title, theme)
    split = minima is not None and len(minima) > 0
    if any(p.lr is not None for p in paths):
        corner = _emptiest_corner(data, log)
        if split:  # the inset stays in the loss panel
            lo, hi = LOSS_PANEL
            corner = (corner[0], tuple(lo + v * (hi - lo) for v in corner[1]))
        lr = _lr_traces(paths)
        data += lr
        layout.update(_lr_inset(corner, np.concatenate([t["y"] for t in lr]), theme))
    if split:
        distance = [trace for p in paths for trace in _distance_traces(p, minima, theme)]
        data += distance
        layout.update(_distance_layout(layout, np.concatenate([t["y"] for t in distance]), theme))
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def _distance_traces(p: Path, minima: np.ndarray, theme: Theme) -> list[dict]:
    """One run's distance to the nearest minimum until it diverged, in its colour and dash, on the lower panel."""
    end = p.diverged_at if p.diverged_at is not None else len(p.xy)
    d = np.maximum(nearest_distance(p.xy[:end], minima), distance_floor(minima)).astype(np.float32)
    return [
        dict(
            type="scatter",
            mode="lines",
            x=np.arange(end, dtype=np.int32),
            y=d,
            yaxis="y3",
            showlegend=False,
            legendgroup=p.label,
            line=dict(color=p.color, width=theme.line_width, dash=p.dash),
            hovertemplate=f"{p.label}<br>step %{{x}}<br>distance %{{y:.3g}}<extra></extra>",
        )
    ]


def _distance_layout(layout: dict, distances: np.ndarray, theme: Theme) -> dict:
    """The loss axis on the upper panel, the distance axis (log) on the lower one, the step axis under both. Within
    two decades, two or three round ticks (plotly.js would label every digit, small, beside a large 10)."""
    axis = dict(showline=True, linecolor="#9aa5b1", ticks="outside", automargin=True, exponentformat="power")
    d = distances[np.isfinite(distances) & (distances > 0)]
    if len(d) and np.log10(d.max() / d.min()) < 2:
        axis["tickvals"] = _log_ticks(d)
    return dict(
        yaxis=dict(layout["yaxis"], domain=list(LOSS_PANEL)),
        yaxis3=dict(axis, type="log", domain=list(DISTANCE_PANEL), anchor="x", title=dict(text="‖x − x*‖  (log)")),
        xaxis=dict(layout["xaxis"], anchor="y3"),
        annotations=[
            *layout.get("annotations", ()),
            dict(
                text="distance to the nearest minimum",
                xref="paper",
                yref="paper",
                x=0.0,
                y=DISTANCE_PANEL[1] + 0.01,
                xanchor="left",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=theme.font_size),
            ),
        ],
        height=int(theme.height * 1.05),
    )


def _run_traces(p: Path, f_min: float | None, theme: Theme) -> list[dict]:
    """One run: its loss (or gap to f*) until it diverged, and its end: an x labelled with the step where it diverged,
    else its optimizer's marker."""
    end = p.diverged_at if p.diverged_at is not None else len(p.loss)
    y = loss_gap(p.loss[:end], f_min) if f_min is not None else p.loss[:end].astype(np.float32)
    curve = dict(
        type="scatter",
        mode="lines",
        name=p.label,
        legendgroup=p.label,
        x=np.arange(end, dtype=np.int32),
        y=y,
        line=dict(color=p.color, width=theme.line_width, dash=p.dash),
        hovertemplate=f"{p.label}<br>step %{{x}}<br>%{{y:.4g}}<extra></extra>",
    )
    if p.diverged_at is not None and end > 0:
        return [
            curve,
            dict(
                type="scatter",
                mode="markers+text",
                x=[end - 1],
                y=[float(y[-1])],
                showlegend=False,
                legendgroup=p.label,
                text=[f"diverged at step {p.diverged_at}"],
                textposition="top right",
                marker=dict(symbol="x", size=theme.marker_size + 4, color=p.color),
                hoverinfo="text",
                textfont=dict(color=p.color, size=theme.font_size - 1),
            ),
        ]
    return [
        curve,
        dict(
            type="scatter",
            mode="markers",
            x=[end - 1],
            y=[float(y[-1])],
            showlegend=False,
            legendgroup=p.label,
            marker=dict(symbol=p.symbol, size=theme.marker_size, color=p.color),
            hoverinfo="skip",
        ),
    ]


def _layout(log: bool, title: str, theme: Theme) -> dict:
    """The step axis from zero, the loss axis (log for the gap to f*) with power-of-ten labels."""
    layout = base_layout(theme)
    layout.update(
        title=figure_title(title, theme),
        xaxis=dict(
            title=dict(text="step"),
            rangemode="tozero",
            showline=True,
            linecolor="#9aa5b1",
            ticks="outside",
            automargin=True,
        ),
        yaxis=dict(
            type="log" if log else "linear",
            title=dict(text="f − f*  (log scale)" if log else "f(x, y)"),
            exponentformat="power",
            showline=True,
            linecolor="#9aa5b1",
            ticks="outside",
            automargin=True,
        ),
        margin=dict(l=70, r=10, t=40, b=55),
        height=int(theme.height * 0.75),
        hovermode="closest",
    )
    return layout


def _emptiest_corner(data: list[dict], log: bool) -> tuple:
    """The inset corner holding the fewest points of the loss curves (in the axes' own scaling)."""
    xs = np.concatenate([np.asarray(t["x"], np.float64) for t in data])
    ys = np.concatenate([np.asarray(t["y"], np.float64) for t in data])
    ys = np.log10(np.maximum(ys, 1e-300)) if log else ys
    ok = np.isfinite(ys)
    xs, ys = xs[ok], ys[ok]
    if not len(xs):
        return INSET_CORNERS[0]
    u = xs / max(xs.max(), 1.0)
    v = (ys - ys.min()) / max(ys.max() - ys.min(), 1e-12)
    # a margin round each corner: a curve just outside the box still crowds the tick labels
    near = lambda x0, x1, y0, y1: np.sum((u >= x0 - 0.08) & (u <= x1) & (v >= y0 - 0.1) & (v <= y1))
    counts = [near(*x, *y) for x, y in INSET_CORNERS]
    return INSET_CORNERS[int(np.argmin(counts))]  # the first of equals: the usual place


def _lr_traces(paths: tuple[Path, ...]) -> list[dict]:
    out = []
    for p in paths:
        if p.lr is None:
            continue
        lr = np.asarray(p.lr, np.float32)
        out.append(
            dict(
                type="scatter",
                mode="lines",
                x=np.arange(len(lr), dtype=np.int32),
                y=np.where(lr > 0, lr, np.nan).astype(np.float32),
                xaxis="x2",
                yaxis="y2",
                showlegend=False,
                legendgroup=p.label,
                line=dict(color=p.color, width=2),
                hovertemplate=f"{p.label}<br>update %{{x}}<br>η %{{y:.3g}}<extra></extra>",
            )
        )
    return out


def _lr_inset(corner: tuple, lr: np.ndarray, theme: Theme) -> dict:
    """Axes x2/y2 over `corner`, on a translucent card that also covers their tick labels. The card is a shape on the
    inset's axes in the layer below its traces: above the loss curves (a paper shape would lie under them all), below
    the learning rates, and not clipped to the inset's domain."""
    (x0, x1), (y0, y1) = corner
    ticks = _log_ticks(lr)
    small = dict(size=theme.font_size - 3)
    axis = dict(
        showline=True,
        linecolor="#9aa5b1",
        ticks="outside",
        ticklen=3,
        tickfont=small,
        showgrid=True,
        gridcolor="#e5e7eb",
        zeroline=False,
        fixedrange=True,
    )
    return dict(
        xaxis2=dict(axis, domain=[x0, x1], anchor="y2", nticks=4, rangemode="tozero"),
        yaxis2=dict(
            axis, domain=[y0, y1], anchor="x2", type="log", tickvals=ticks, ticktext=[_tick_text(v) for v in ticks]
        ),
        shapes=[
            dict(
                type="rect",
                xref="x2 domain",
                yref="y2 domain",
                x0=-0.3,
                x1=1.04,
                y0=-0.3,
                y1=1.15,
                fillcolor=INSET_BACKDROP,
                line=dict(color="#cbd5e1", width=1),
                layer="below",
            )
        ],
        annotations=[
            dict(
                text="learning rate",
                xref="x2 domain",
                yref="y2 domain",
                x=0.02,
                y=1.0,
                xanchor="left",
                yanchor="bottom",
                showarrow=False,
                font=small,
            )
        ],
    )


def _log_ticks(values: np.ndarray) -> list[float]:
    """Two or three round values spanning the positive range: decades if two fit, else 1-2-5, else finer mantissas."""
    v = np.asarray(values, np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return []
    lo, hi = v.min() * (1 - 1e-6), v.max() * (1 + 1e-6)
    exps = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    for mantissas in ((1,), (1, 2, 5), (1, 1.5, 2, 3, 4, 5, 6, 8)):
        ticks = [c for e in exps for m in mantissas if lo <= (c := float(f"{m * 10.0**e:.2g}")) <= hi]
        if len(ticks) >= 2:
            break
    if len(ticks) > 3:
        ticks = [ticks[i] for i in np.unique(np.round(np.linspace(0, len(ticks) - 1, 3)).astype(int))]
    return ticks or [float(f"{np.sqrt(lo * hi):.2g}")]


def _tick_text(v: float) -> str:
    """0.05, 0.001, 5e−4: short, with a true minus sign."""
    s = f"{v:g}" if v >= 1e-3 else f"{v:.2g}".replace("e-0", "e-")
    return s.replace("-", "−")
