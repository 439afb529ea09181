"""A small network's pictures of what it computes (the decision boundary over the plane, or the fitted curve), with the
colours and the frame its figures share (viz/net_curves.py draws the curves against the step, viz/net_slice.py the
loss around the trained weights). Pure Plotly: NumPy arrays in, go.Figure out; every array is sent as float32
binary."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.layout import figure_title
from viz.theme import INK, Theme, base_layout

TRAIN_COLOR, TEST_COLOR = "#0072B2", "#D55E00"  # Okabe–Ito blue and vermillion: train solid, test dashed
CLASS_COLORS = ("#0072B2", "#D55E00")  # class 0, class 1 (the same two hues: a point reads against its own side)
# P(class 1) behind the points: the class colours mixed 40 % into white, white at 0.5, so every point stays readable
PROB_SCALE = ((0.0, "#99c7e0"), (0.5, "#ffffff"), (1.0, "#eebf99"))
# P sent in steps of 1/4096: a float32 with its low mantissa bytes zero. Saturated sigmoids (0.99999994 is ff ff 7f 3f)
# otherwise fill the base64 with "/", which the JSON escapes as six characters: 330 kB instead of 110 kB at 120×120.
PROB_STEPS = 4096
TRUTH_COLOR = "#6b7280"
AXIS = dict(showline=True, linecolor="#9aa5b1", ticks="outside", automargin=True, zeroline=False)


def f32(a) -> np.ndarray:
    """A flat float32 array (what every figure sends)."""
    return np.asarray(a, np.float32).ravel()


def _legend(theme: Theme) -> dict:
    """Below the plot: the title keeps the top, and a long legend wraps without covering either."""
    return dict(
        orientation="h",
        yref="container",
        y=0.0,
        yanchor="bottom",
        x=0,
        xanchor="left",
        font=dict(size=theme.font_size - 2),
        bgcolor="rgba(255,255,255,0)",
    )


def frame(theme: Theme, title: str, height: int | None, fraction: float, showlegend: bool) -> dict:
    """The layout every network figure starts from: the theme, a left-aligned title, the legend below, the height
    (``fraction`` of the theme's when not given)."""
    layout = base_layout(theme)
    layout.update(
        title=figure_title(title, theme, xanchor="left"),
        legend=_legend(theme),
        showlegend=showlegend,
        hovermode="closest",
        height=int(height or theme.height * fraction),
        margin=dict(l=10, r=10, t=theme.title_size + 30 if title else 20, b=10),
    )
    return layout


# -- what the network computes -----------------------------------------------------------------------------------
def _points(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, np.float32).reshape(len(x), -1)
    return x, f32(y)


def _dot_size(n: int, theme: Theme, height: int) -> float:
    """Smaller dots for more points (300 stay distinct, 1,600 mixup copies do not merge into a carpet) and in a small
    figure (three panels side by side)."""
    scale = float(np.clip(height / (0.7 * theme.height), 0.6, 1.0))
    return round(theme.marker_size * (0.8 if n <= 400 else 0.62 if n <= 1000 else 0.5) * scale, 1)


def boundary_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    prob: np.ndarray,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    theme: Theme,
    *,
    title: str = "",
    height: int | None = None,
    axis_titles: tuple[str, str] | None = None,
    showlegend: bool = True,
) -> go.Figure:
    """The classifier over the plane: ``prob`` (len(ys), len(xs)) = P(class 1) shaded blue (class 0) – white –
    vermillion (class 1), the decision boundary P = 0.5 as a solid line, training points filled (soft mixup labels
    coloured by rounding, their label in the hover), test points hollow. Equal aspect; the axes span the grid and
    are untitled unless ``axis_titles`` are given (the space goes to the plot)."""
    xs, ys = f32(xs), f32(ys)
    z = _probability(prob, xs, ys)
    (xa, ya), (xb, yb) = _points(x_train, y_train), _points(x_test, y_test)
    layout = frame(theme, title, height, 0.7, showlegend)
    size = _dot_size(len(ya), theme, layout["height"])
    data = [_shading(xs, ys, z, theme), *_train_dots(xa, ya, size), *_test_dots(xb, yb, size, theme)]
    layout.update(**_plane_axes(xs, ys, axis_titles), plot_bgcolor="white")
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def _probability(prob: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """P(class 1) on the grid as float32, checked against the grid's shape, in steps of 1/PROB_STEPS (NaN kept)."""
    z = np.asarray(prob, np.float32)
    if z.shape != (len(ys), len(xs)):
        raise ValueError(f"prob has shape {z.shape}, expected (len(ys), len(xs)) = ({len(ys)}, {len(xs)})")
    with np.errstate(invalid="ignore"):  # NaN stays NaN: a hole in the shading
        return (np.round(np.clip(z, 0, 1) * PROB_STEPS) / PROB_STEPS).astype(np.float32)


def _shading(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, theme: Theme) -> dict:
    """P(class 1) as a heatmap-coloured contour whose one line, at P = 0.5, is the decision boundary."""
    return dict(
        type="contour",
        x=xs,
        y=ys,
        z=z,
        zmin=0,
        zmax=1,
        zauto=False,
        colorscale=[list(s) for s in PROB_SCALE],
        showscale=False,
        contours=dict(coloring="heatmap", start=0.5, end=0.5, size=1, showlines=True),
        line=dict(color=INK, width=theme.line_width, smoothing=0.85),
        name="decision boundary",
        showlegend=True,
        hovertemplate="(%{x:.2f}, %{y:.2f})<br>P(class 1) = %{z:.2f}<extra></extra>",
    )


def _train_dots(xa: np.ndarray, ya: np.ndarray, size: float) -> list[dict]:
    """The training points, filled in their class's colour (a soft mixup label by rounding, shown in the hover)."""
    soft = bool(np.any((ya > 0) & (ya < 1)))
    out = []
    for c in (0, 1):
        m = (ya >= 0.5) == bool(c)
        trace = dict(
            type="scatter",
            mode="markers",
            x=xa[m, 0],
            y=xa[m, 1],
            name=f"class {c} (train)",
            legendgroup=f"class{c}",
            marker=dict(color=CLASS_COLORS[c], size=size, line=dict(color="white", width=1)),
            hovertemplate=f"class {c} (train)<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
        )
        if soft:
            trace.update(
                customdata=ya[m],
                hovertemplate="training point (mixup)<br>(%{x:.2f}, %{y:.2f})<br>"
                "label %{customdata:.2f}<extra></extra>",
            )
        out.append(trace)
    return out


def _test_dots(xb: np.ndarray, yb: np.ndarray, size: float, theme: Theme) -> list[dict]:
    """The test points, hollow rings in their class's colour, under one legend entry."""
    ring, hollow = max(1.6, theme.line_width * 0.55), round(size * 1.2 + 1, 1)
    out = [dict(type="scatter", mode="markers", x=[None], y=[None], name="test points", legendgroup="test",
                marker=dict(symbol="circle-open", color=INK, size=hollow, line=dict(width=ring)),
                hoverinfo="skip")]  # fmt: skip  # the legend entry of both classes' test points
    for c in (0, 1):
        m = (yb >= 0.5) == bool(c)
        out.append(
            dict(
                type="scatter",
                mode="markers",
                x=xb[m, 0],
                y=xb[m, 1],
                name=f"class {c} (test)",
                legendgroup="test",
                showlegend=False,
                marker=dict(
                    symbol="circle-open",
                    color=CLASS_COLORS[c],
                    size=hollow,
                    line=dict(width=ring, color=CLASS_COLORS[c]),
                ),
                hovertemplate=f"class {c} (test)<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
            )
        )
    return out


def _plane_axes(xs: np.ndarray, ys: np.ndarray, axis_titles: tuple[str, str] | None) -> dict:
    """Equal-aspect axes spanning the grid, titled only if ``axis_titles`` are given."""
    ends = lambda a: [float(np.nanmin(a)), float(np.nanmax(a))] if len(a) else [0.0, 1.0]
    named = lambda i: dict(title=dict(text=axis_titles[i])) if axis_titles else {}  # an empty title keeps its space
    return dict(
        xaxis=dict(range=ends(xs), constrain="domain", showgrid=False, **AXIS, **named(0)),
        yaxis=dict(
            range=ends(ys), constrain="domain", scaleanchor="x", scaleratio=1, **named(1), showgrid=False, **AXIS
        ),
    )


def regression_figure(
    xs: np.ndarray,
    fit: np.ndarray,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    theme: Theme,
    *,
    truth: np.ndarray | None = None,
    title: str = "",
    height: int | None = None,
    showlegend: bool = True,
) -> go.Figure:
    """A 1-D fit: training data filled, test data hollow, the true curve dashed (if given), the network's fit thick.
    The y range follows the data: a fit that shoots off (overfitting at the edges) leaves the frame rather than
    squeezing the data into a line."""
    xs, fit = f32(xs), f32(fit)
    order = np.argsort(xs, kind="stable")
    xs, fit = xs[order], fit[order]
    xa, ya, xb, yb = f32(x_train), f32(y_train), f32(x_test), f32(y_test)
    layout = frame(theme, title, height, 0.62, showlegend)
    data = _data_dots(xa, ya, xb, yb, _dot_size(len(ya), theme, layout["height"]), theme)
    if truth is not None:
        data.append(_curve(xs, f32(truth)[order], "true curve", TRUTH_COLOR, theme.line_width, "dash", "true curve"))
    data.append(_curve(xs, fit, "network's fit", INK, theme.line_width * 1.4, None, "fit"))
    layout.update(
        xaxis=dict(title=dict(text="x"), showgrid=True, **AXIS),
        yaxis=dict(
            title=dict(text="y"),
            range=_y_range(np.concatenate([ya, yb]), fit, None if truth is None else f32(truth)),
            **AXIS,
        ),
    )
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def _data_dots(xa: np.ndarray, ya: np.ndarray, xb: np.ndarray, yb: np.ndarray, size: float, theme: Theme) -> list:
    """The training data filled, the test data hollow."""
    return [
        dict(
            type="scatter",
            mode="markers",
            x=xa,
            y=ya,
            name="training data",
            marker=dict(color=TRAIN_COLOR, size=size, line=dict(color="white", width=1)),
            hovertemplate="training point<br>x %{x:.3f}<br>y %{y:.3f}<extra></extra>",
        ),
        dict(
            type="scatter",
            mode="markers",
            x=xb,
            y=yb,
            name="test data",
            marker=dict(
                symbol="circle-open",
                color=TEST_COLOR,
                size=round(size * 1.2 + 1, 1),
                line=dict(width=max(1.5, theme.line_width * 0.55), color=TEST_COLOR),
            ),
            hovertemplate="test point<br>x %{x:.3f}<br>y %{y:.3f}<extra></extra>",
        ),
    ]


def _curve(xs: np.ndarray, y: np.ndarray, name: str, color: str, width: float, dash: str | None, hover: str) -> dict:
    """A curve over the sorted xs (the true curve, the fit); ``hover`` names it in the hover text."""
    line = dict(color=color, width=width) if dash is None else dict(color=color, width=width, dash=dash)
    return dict(
        type="scatter",
        mode="lines",
        x=xs,
        y=y,
        name=name,
        line=line,
        hovertemplate=f"{hover}<br>x %{{x:.3f}}<br>y %{{y:.3f}}<extra></extra>",
    )


def _y_range(points: np.ndarray, fit: np.ndarray, truth: np.ndarray | None) -> list[float] | None:
    """The data's extent widened to the fit and true curve, but by at most half the data's span each way."""
    ref = np.concatenate([points, truth if truth is not None else []])
    ref = ref[np.isfinite(ref)]
    if not len(ref):
        return None
    lo, hi = float(ref.min()), float(ref.max())
    span = max(hi - lo, 1e-6)
    f = fit[np.isfinite(fit)]
    if len(f):
        lo, hi = max(min(lo, float(f.min())), lo - span / 2), min(max(hi, float(f.max())), hi + span / 2)
    pad = 0.06 * (hi - lo)
    return [lo - pad, hi + pad]
