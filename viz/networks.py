"""A small network's pictures: what it computes (the decision boundary over the plane, or the fitted curve) and the
loss around its trained weights (a 2-D slice of the landscape), with the colours and the frame its figures share
(viz/net_curves.py draws the curves against the step). Pure Plotly: NumPy arrays in, go.Figure out; every array is
sent as float32 binary."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.theme import INK, LANDSCAPE_LINE, LANDSCAPE_STOPS, POINT_COLORS, Theme, base_layout

TRAIN_COLOR, TEST_COLOR = "#0072B2", "#D55E00"  # Okabe–Ito blue and vermillion: train solid, test dashed
CLASS_COLORS = ("#0072B2", "#D55E00")  # class 0, class 1 (the same two hues: a point reads against its own side)
# P(class 1) behind the points: the class colours mixed 40 % into white, white at 0.5, so every point stays readable
PROB_SCALE = ((0.0, "#99c7e0"), (0.5, "#ffffff"), (1.0, "#eebf99"))
# P sent in steps of 1/4096: a float32 with its low mantissa bytes zero. Saturated sigmoids (0.99999994 is ff ff 7f 3f)
# otherwise fill the base64 with "/", which the JSON escapes as six characters: 330 kB instead of 110 kB at 120×120.
PROB_STEPS = 4096
TRUTH_COLOR = "#6b7280"
SLICE_LEVELS = 18  # iso-lines of a slice between the ends of its colour range (log₁₀ loss)
AXIS = dict(showline=True, linecolor="#9aa5b1", ticks="outside", automargin=True, zeroline=False)


def f32(a) -> np.ndarray:
    """A flat float32 array (what every figure sends)."""
    return np.asarray(a, np.float32).ravel()


def _title(title: str, theme: Theme) -> dict | None:
    return dict(text=title, font=dict(size=theme.title_size), x=0.01, xanchor="left") if title else None


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
        title=_title(title, theme),
        legend=_legend(theme),
        showlegend=showlegend,
        hovermode="closest",
        height=int(height or theme.height * fraction),
        margin=dict(l=10, r=10, t=theme.title_size + 30 if title else 20, b=10),
    )
    return layout


def _nice_ticks(lo: float, hi: float) -> dict:
    """Round tick values on a linear scale (a slice's colour bar): 3 to 6 of them."""
    span = hi - lo
    step = next(
        s * 10.0**e
        for e in range(int(np.floor(np.log10(span))) - 1, int(np.ceil(np.log10(span))) + 1)
        for s in (1, 2, 2.5, 5)
        if span / (s * 10.0**e) <= 5
    )
    ticks = np.arange(np.ceil(lo / step - 1e-9), np.floor(hi / step + 1e-9) + 1) * step
    return dict(
        tickmode="array", tickvals=[float(t) for t in ticks], ticktext=[f"{t:.4g}".replace("-", "−") for t in ticks]
    )


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
    z = np.asarray(prob, np.float32)
    if z.shape != (len(ys), len(xs)):
        raise ValueError(f"prob has shape {z.shape}, expected (len(ys), len(xs)) = ({len(ys)}, {len(xs)})")
    with np.errstate(invalid="ignore"):  # NaN stays NaN: a hole in the shading
        z = (np.round(np.clip(z, 0, 1) * PROB_STEPS) / PROB_STEPS).astype(np.float32)
    data = [
        dict(
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
    ]
    (xa, ya), (xb, yb) = _points(x_train, y_train), _points(x_test, y_test)
    soft = bool(np.any((ya > 0) & (ya < 1)))
    layout = frame(theme, title, height, 0.7, showlegend)
    size = _dot_size(len(ya), theme, layout["height"])
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
        data.append(trace)
    ring, hollow = max(1.6, theme.line_width * 0.55), round(size * 1.2 + 1, 1)
    data.append(dict(type="scatter", mode="markers", x=[None], y=[None], name="test points", legendgroup="test",
                     marker=dict(symbol="circle-open", color=INK, size=hollow, line=dict(width=ring)),
                     hoverinfo="skip"))  # fmt: skip  # the legend entry of both classes' test points
    for c in (0, 1):
        m = (yb >= 0.5) == bool(c)
        data.append(
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
    ends = lambda a: [float(np.nanmin(a)), float(np.nanmax(a))] if len(a) else [0.0, 1.0]
    named = lambda i: dict(title=dict(text=axis_titles[i])) if axis_titles else {}  # an empty title keeps its space
    layout.update(
        xaxis=dict(range=ends(xs), constrain="domain", showgrid=False, **AXIS, **named(0)),
        yaxis=dict(
            range=ends(ys), constrain="domain", scaleanchor="x", scaleratio=1, **named(1), showgrid=False, **AXIS
        ),
        plot_bgcolor="white",
    )
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


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
    size = _dot_size(len(ya), theme, layout["height"])
    data = [
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
    if truth is not None:
        data.append(
            dict(
                type="scatter",
                mode="lines",
                x=xs,
                y=f32(truth)[order],
                name="true curve",
                line=dict(color=TRUTH_COLOR, width=theme.line_width, dash="dash"),
                hovertemplate="true curve<br>x %{x:.3f}<br>y %{y:.3f}<extra></extra>",
            )
        )
    data.append(
        dict(
            type="scatter",
            mode="lines",
            x=xs,
            y=fit,
            name="network's fit",
            line=dict(color=INK, width=theme.line_width * 1.4),
            hovertemplate="fit<br>x %{x:.3f}<br>y %{y:.3f}<extra></extra>",
        )
    )
    layout.update(
        xaxis=dict(title=dict(text="x"), showgrid=True, **AXIS),
        yaxis=dict(
            title=dict(text="y"),
            range=_y_range(np.concatenate([ya, yb]), fit, None if truth is None else f32(truth)),
            **AXIS,
        ),
    )
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


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


# -- the landscape around the trained weights ----------------------------------------------------------------------
def _log_loss(z: np.ndarray, zmin: float | None, zmax: float | None) -> tuple[np.ndarray, float, float]:
    """log₁₀ of the loss, clipped to the colour range [zmin, zmax] (log₁₀ units; where not given, the data's own
    extent). Zero and negative losses sit at the bottom of the range, non-finite ones (overflow) at the top."""
    z = np.asarray(z, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        good = np.isfinite(z) & (z > 0)
        lz = np.where(good, np.log10(np.where(good, z, 1.0)), np.nan)
    for name, v in (("zmin", zmin), ("zmax", zmax)):
        if v is not None and not np.isfinite(v):
            raise ValueError(f"{name} must be a finite log₁₀ loss, got {v!r}")
    lo = float(zmin) if zmin is not None else (float(np.nanmin(lz)) if good.any() else 0.0)
    hi = float(zmax) if zmax is not None else (float(np.nanmax(lz)) if good.any() else lo + 1.0)
    if zmin is not None and zmax is not None and zmax <= zmin:
        raise ValueError(f"zmax ({zmax}) must be above zmin ({zmin})")
    if hi <= lo:  # a flat slice, or one end given beyond the slice's other end: a decade's range
        lo, hi = (hi - 1.0, hi) if zmin is None else (lo, lo + 1.0)
    out = np.where(good, lz, np.where(np.isfinite(z), lo, hi))
    return np.clip(out, lo, hi).astype(np.float32), lo, hi


def _path_dot(n: int, theme: Theme) -> float:
    """A path's markers: small, and smaller on a long path (200 recorded points), so their spacing still shows speed."""
    return round(max(3.0, theme.marker_size * 0.4 * min(1.0, np.sqrt(60 / max(n, 1)))), 1)


def slice_figure(
    alphas: np.ndarray,
    betas: np.ndarray,
    z: np.ndarray,
    theme: Theme,
    *,
    path: np.ndarray | None = None,
    title: str = "",
    axis_titles: tuple[str, str] = ("α (direction 1)", "β (direction 2)"),
    zmax: float | None = None,
    zmin: float | None = None,
    showscale: bool = True,
    path_color: str = INK,
    height: int | None = None,
    showlegend: bool = True,
) -> go.Figure:
    """The loss on a plane through the trained weights, z (len(betas), len(alphas)), as filled bands of log₁₀ loss
    (light = low) with iso-lines; the centre (0, 0) starred "trained weights"; ``path`` (R, 2), the training run
    projected on the plane, drawn from its start (a circle) to the centre.

    ``zmin``/``zmax`` are on the colour bar's scale, log₁₀ of the loss (zmax = 1 means a loss of 10): the colour
    range and the iso-levels are [zmin, zmax], the loss outside is clipped to its ends; where not given, the slice's
    own extent. Pass both to compare two panels (train and test): the same pair gives the same colours and the same
    iso-lines. Zero or negative loss shows at the bottom of the range, a non-finite one (overflow) at the top; the
    hover shows the loss itself."""
    a, b = f32(alphas), f32(betas)
    raw = np.asarray(z, np.float32)
    if raw.shape != (len(b), len(a)):
        raise ValueError(f"z has shape {raw.shape}, expected (len(betas), len(alphas)) = ({len(b)}, {len(a)})")
    lz, lo, hi = _log_loss(raw, zmin, zmax)
    lw = max(0.8, theme.line_width * 0.3)
    data = [
        dict(
            type="contour",
            x=a,
            y=b,
            z=lz,
            customdata=raw,
            zmin=lo,
            zmax=hi,
            zauto=False,
            colorscale=[list(s) for s in LANDSCAPE_STOPS],
            showscale=showscale,
            name="loss",
            contours=dict(coloring="fill", showlines=True, start=lo, end=hi, size=(hi - lo) / SLICE_LEVELS),
            line=dict(color=LANDSCAPE_LINE, width=lw, smoothing=0.6),
            colorbar=dict(
                title=dict(text="log₁₀ loss", side="right"),
                thickness=max(12, theme.font_size),
                outlinewidth=0,
                tickfont=dict(size=theme.font_size - 2),
                ticks="outside",
                **_nice_ticks(lo, hi),
            ),
            hovertemplate=f"{axis_titles[0]} %{{x:.3f}}<br>{axis_titles[1]} %{{y:.3f}}<br>loss %{{customdata:.4g}}"
            "<extra></extra>",
        )
    ]
    small = dict(size=theme.font_size - 1, color=INK, shadow="0 0 3px white, 0 0 3px white")
    if path is not None:
        p = np.asarray(path, np.float32).reshape(-1, 2)
        p = p[np.isfinite(p).all(axis=1)]
        if len(p):
            data.append(
                dict(
                    type="scatter",
                    mode="lines+markers",
                    x=p[:, 0],
                    y=p[:, 1],
                    name="training path",
                    line=dict(color=path_color, width=max(1.5, theme.line_width * 0.7)),
                    marker=dict(color=path_color, size=_path_dot(len(p), theme)),
                    hovertemplate="training path<br>(%{x:.3f}, %{y:.3f})<extra></extra>",
                )
            )
            data.append(
                dict(
                    type="scatter",
                    mode="markers+text",
                    x=p[:1, 0],
                    y=p[:1, 1],
                    name="start",
                    text=["start"],
                    textposition="top center",
                    textfont=small,
                    cliponaxis=False,
                    showlegend=False,
                    hovertemplate="start<br>(%{x:.3f}, %{y:.3f})<extra></extra>",
                    marker=dict(
                        symbol="circle", size=theme.marker_size, color="white", line=dict(width=2.5, color=INK)
                    ),
                )
            )
    data.append(
        dict(
            type="scatter",
            mode="markers",
            x=np.zeros(1, np.float32),
            y=np.zeros(1, np.float32),
            name="trained weights",
            hovertemplate="trained weights (0, 0)<extra></extra>",
            marker=dict(
                symbol="star",
                size=theme.point_size * 1.6,
                color=POINT_COLORS["global"],
                line=dict(width=1.5, color="#222222"),
            ),
        )
    )
    layout = frame(theme, title, height, 0.62, showlegend)
    ends = lambda v: [float(np.nanmin(v)), float(np.nanmax(v))] if len(v) else [-1.0, 1.0]
    layout.update(
        xaxis=dict(range=ends(a), title=dict(text=axis_titles[0]), showgrid=False, **AXIS),
        yaxis=dict(range=ends(b), title=dict(text=axis_titles[1]), showgrid=False, **AXIS),
        plot_bgcolor="white",
    )
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)
