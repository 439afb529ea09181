"""A small network's training in figures: curves against the step (loss, accuracy, the sharpness under its 2/η line),
the decision boundary or the fitted curve, and the loss around the trained weights (a 2-D slice, the straight line from
the initialisation). Pure Plotly: NumPy arrays in, go.Figure out; every array is sent as float32 binary."""

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

Curve = tuple[str, np.ndarray, str, str]  # (label, values, colour hex, dash "solid" | "dash" | "dot")


def _f32(a) -> np.ndarray:
    return np.asarray(a, np.float32).ravel()


def _steps(a) -> np.ndarray:
    a = np.asarray(a).ravel()
    return a.astype(np.int32) if np.issubdtype(a.dtype, np.integer) else a.astype(np.float32)


def _title(title: str, theme: Theme) -> dict | None:
    return dict(text=title, font=dict(size=theme.title_size), x=0.01, xanchor="left") if title else None


def _legend(theme: Theme) -> dict:
    """Below the plot: the title keeps the top, and a long legend wraps without covering either."""
    return dict(orientation="h", yref="container", y=0.0, yanchor="bottom", x=0, xanchor="left",
                font=dict(size=theme.font_size - 2), bgcolor="rgba(255,255,255,0)")  # fmt: skip


def _layout(theme: Theme, title: str, height: int | None, fraction: float, showlegend: bool) -> dict:
    layout = base_layout(theme)
    layout.update(title=_title(title, theme), legend=_legend(theme), showlegend=showlegend, hovermode="closest",
                  height=int(height or theme.height * fraction),
                  margin=dict(l=10, r=10, t=theme.title_size + 30 if title else 20, b=10))  # fmt: skip
    return layout


def _for_log(y: np.ndarray) -> np.ndarray:
    """Values a log axis can show; zeros, negatives and non-finite values become gaps (NaN)."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(y) & (y > 0), y, np.nan).astype(np.float32)


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _tick_text(v: float) -> str:
    """0.05, 1.5, 300 as they are; beyond 10⁻³ … 10⁴ as powers of ten (2×10⁻⁵); a true minus sign."""
    if 1e-3 <= v < 1e4:
        return f"{v:g}"
    m, e = f"{v:.1e}".split("e")
    m = m.rstrip("0").rstrip(".")
    return ("" if m == "1" else f"{m}×") + "10" + str(int(e)).translate(SUPERSCRIPT)


def _log_ticks(values: np.ndarray) -> dict:
    """Tick values and labels for a log axis over the positive values: decades where three fit, else 1-2-5, else
    finer mantissas; 3 to 7 ticks, every label full-size (Plotly's own labels 2 … 9 of a decade are tiny digits)."""
    v = np.asarray(values, np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return {}
    lo, hi = v.min() * (1 - 1e-6), v.max() * (1 + 1e-6)
    exps = range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
    ticks: list[float] = []
    for mantissas in ((1,), (1, 2, 5), (1, 1.5, 2, 3, 4, 5, 6, 8)):
        ticks = [c for e in exps for m in mantissas if lo <= (c := float(f"{m * 10.0**e:.2g}")) <= hi]
        if len(ticks) >= 3:
            break
    if len(ticks) < 2:
        return dict(tickformat=".3~g")  # less than a factor 1.5 from end to end: Plotly's linear-looking ticks
    if len(ticks) > 7:
        ticks = ticks[:: int(np.ceil(len(ticks) / 7))]
    return dict(tickmode="array", tickvals=ticks, ticktext=[_tick_text(t) for t in ticks])


def _nice_ticks(lo: float, hi: float) -> dict:
    """Round tick values on a linear scale (a slice's colour bar): 3 to 6 of them."""
    span = hi - lo
    step = next(s * 10.0**e for e in range(int(np.floor(np.log10(span))) - 1, int(np.ceil(np.log10(span))) + 1)
                for s in (1, 2, 2.5, 5) if span / (s * 10.0**e) <= 5)  # fmt: skip
    ticks = np.arange(np.ceil(lo / step - 1e-9), np.floor(hi / step + 1e-9) + 1) * step
    return dict(tickmode="array", tickvals=[float(t) for t in ticks], ticktext=[f"{t:.4g}".replace("-", "−")
                                                                                 for t in ticks])  # fmt: skip


# -- curves against the step -----------------------------------------------------------------------------------
def _curve_traces(x: np.ndarray, curves, theme: Theme, log: bool, axis: str, suffix: str) -> list[dict]:
    out = []
    for label, values, col, dash in curves:
        y = _f32(values)
        if len(y) != len(x):
            raise ValueError(f"curve {label!r} has {len(y)} values for {len(x)} steps")
        y = _for_log(y) if log else np.where(np.isfinite(y), y, np.nan).astype(np.float32)
        out.append(dict(type="scatter", mode="lines", x=x, y=y, name=label + suffix, yaxis=axis, connectgaps=False,
                        line=dict(color=col, width=theme.line_width, dash=dash),
                        hovertemplate=f"{label}: %{{y:.4g}}<extra></extra>"))  # fmt: skip
    return out


def _shown(traces: list[dict]) -> list[float]:
    """Every y value the traces draw (for the tick choice); the values, not their gaps."""
    ys = [t["y"][np.isfinite(t["y"])] for t in traces]
    return np.concatenate(ys).tolist() if ys else []


def _line_chart(x, curves, theme: Theme, *, x_title: str, x_hover: str, y_title: str, log_y: bool,
                vlines: list[tuple[float, str]], hlines, title: str, y2, log_y2: bool, height: int | None,
                fraction: float, showlegend: bool) -> go.Figure:  # fmt: skip
    data = _curve_traces(x, curves, theme, log_y, "y", "")
    shapes, notes = [], []
    thin = max(1.5, theme.line_width * 0.6)
    small = dict(size=theme.font_size - 2, color=INK)
    for value, text in vlines:
        shapes.append(dict(type="line", xref="x", yref="paper", x0=value, x1=value, y0=0, y1=1, layer="above",
                           line=dict(color=INK, width=thin, dash="dot")))  # fmt: skip
        notes.append(dict(x=value, xref="x", y=1, yref="paper", yanchor="top", xanchor="left", xshift=3,
                          showarrow=False, text=text, font=small, bgcolor="rgba(255,255,255,0.8)"))  # fmt: skip
    for value, text in hlines:
        value = float(value)
        if not np.isfinite(value) or (log_y and value <= 0):
            continue  # a log axis cannot place it
        shapes.append(dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=value, y1=value, layer="above",
                           line=dict(color=INK, width=thin, dash="dash")))  # fmt: skip
        notes.append(dict(x=1, xref="paper", y=np.log10(value) if log_y else value, yref="y", xanchor="right",
                          yanchor="bottom", showarrow=False, text=f"<b>{text}</b>", font=small,
                          bgcolor="rgba(255,255,255,0.8)"))  # fmt: skip
    layout = _layout(theme, title, height, fraction, showlegend)
    layout.update(
        xaxis=dict(title=dict(text=x_title), unifiedhovertitle=dict(text=x_hover), **AXIS),
        yaxis=dict(type="log" if log_y else "linear", title=dict(text=y_title), exponentformat="power", **AXIS,
                   **(_log_ticks(_shown(data) + [v for v, _ in hlines]) if log_y else {})),
        shapes=shapes, annotations=notes, hovermode="x unified",
    )
    if y2 is not None:
        y2_title, y2_curves = y2
        right = _curve_traces(x, y2_curves, theme, log_y2, "y2", " (right axis)")
        data += right
        layout["yaxis2"] = dict(type="log" if log_y2 else "linear", title=dict(text=y2_title), overlaying="y",
                                side="right", showgrid=False, exponentformat="power", **AXIS,
                                **(_log_ticks(_shown(right)) if log_y2 else {}))  # fmt: skip
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def curves_figure(
    steps: np.ndarray,
    curves: list[Curve],
    theme: Theme,
    *,
    y_title: str = "loss",
    log_y: bool = True,
    marker_step: int | None = None,
    hlines: list[tuple[float, str]] = (),
    title: str = "",
    y2: tuple[str, list[Curve]] | None = None,
    log_y2: bool = True,
    x_title: str = "step",
    height: int | None = None,
    showlegend: bool = True,
) -> go.Figure:
    """Curves over the training steps: each (label, values, colour, dash); NaN leaves a gap, and on a log axis so do
    zeros and negatives. ``marker_step``: a dotted vertical line "step N"; ``hlines``: dashed horizontal lines labelled
    at their right end (dropped on a log axis when not positive); ``y2``: (title, curves) on a right-hand axis (log
    unless ``log_y2=False``), their legend entries marked "(right axis)". Hover shows every curve at one step."""
    vlines = [] if marker_step is None else [(float(marker_step), f"step {int(marker_step)}")]
    return _line_chart(_steps(steps), curves, theme, x_title=x_title, x_hover="step %{x}", y_title=y_title,
                       log_y=log_y, vlines=vlines, hlines=hlines, title=title, y2=y2, log_y2=log_y2, height=height,
                       fraction=0.62, showlegend=showlegend)  # fmt: skip


def line_figure(alphas: np.ndarray, train: np.ndarray, test: np.ndarray, theme: Theme, *, title: str = "",
                height: int | None = None, showlegend: bool = True) -> go.Figure:  # fmt: skip
    r"""The loss along the straight line :math:`\theta(\alpha) = (1-\alpha)\,\theta_0 + \alpha\,\theta^*` from the
    initialisation (α = 0) to the trained weights (α = 1), train and test, on a log axis (Goodfellow et al. 2015)."""
    curves = [("training loss", train, TRAIN_COLOR, "solid"), ("test loss", test, TEST_COLOR, "dash")]
    return _line_chart(_f32(alphas), curves, theme, x_title="α   (0 = initialisation, 1 = trained weights)",
                       x_hover="α = %{x:.2f}", y_title="loss", log_y=True, vlines=[(0.0, "init"), (1.0, "trained")],
                       hlines=(), title=title, y2=None, log_y2=True, height=height, fraction=0.62,
                       showlegend=showlegend)  # fmt: skip


# -- what the network computes -----------------------------------------------------------------------------------
def _points(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, np.float32).reshape(len(x), -1)
    return x, _f32(y)


def _dot_size(n: int, theme: Theme, height: int) -> float:
    """Smaller dots for more points (300 stay distinct, 1,600 mixup copies do not merge into a carpet) and in a small
    figure (three panels side by side)."""
    scale = float(np.clip(height / (0.7 * theme.height), 0.6, 1.0))
    return round(theme.marker_size * (0.8 if n <= 400 else 0.62 if n <= 1000 else 0.5) * scale, 1)


def boundary_figure(xs: np.ndarray, ys: np.ndarray, prob: np.ndarray, x_train: np.ndarray, y_train: np.ndarray,
                    x_test: np.ndarray, y_test: np.ndarray, theme: Theme, *, title: str = "",
                    height: int | None = None, axis_titles: tuple[str, str] | None = None,
                    showlegend: bool = True) -> go.Figure:  # fmt: skip
    """The classifier over the plane: ``prob`` (len(ys), len(xs)) = P(class 1) shaded blue (class 0) – white –
    vermillion (class 1), the decision boundary P = 0.5 as a solid line, training points filled (soft mixup labels
    coloured by rounding, their label in the hover), test points hollow. Equal aspect; the axes span the grid and
    are untitled unless ``axis_titles`` are given (the space goes to the plot)."""
    xs, ys = _f32(xs), _f32(ys)
    z = np.asarray(prob, np.float32)
    if z.shape != (len(ys), len(xs)):
        raise ValueError(f"prob has shape {z.shape}, expected (len(ys), len(xs)) = ({len(ys)}, {len(xs)})")
    with np.errstate(invalid="ignore"):  # NaN stays NaN: a hole in the shading
        z = (np.round(np.clip(z, 0, 1) * PROB_STEPS) / PROB_STEPS).astype(np.float32)
    data = [dict(
        type="contour", x=xs, y=ys, z=z, zmin=0, zmax=1, zauto=False, colorscale=[list(s) for s in PROB_SCALE],
        showscale=False, contours=dict(coloring="heatmap", start=0.5, end=0.5, size=1, showlines=True),
        line=dict(color=INK, width=theme.line_width, smoothing=0.85), name="decision boundary", showlegend=True,
        hovertemplate="(%{x:.2f}, %{y:.2f})<br>P(class 1) = %{z:.2f}<extra></extra>",
    )]
    (xa, ya), (xb, yb) = _points(x_train, y_train), _points(x_test, y_test)
    soft = bool(np.any((ya > 0) & (ya < 1)))
    layout = _layout(theme, title, height, 0.7, showlegend)
    size = _dot_size(len(ya), theme, layout["height"])
    for c in (0, 1):
        m = (ya >= 0.5) == bool(c)
        trace = dict(type="scatter", mode="markers", x=xa[m, 0], y=xa[m, 1], name=f"class {c} (train)",
                     legendgroup=f"class{c}", marker=dict(color=CLASS_COLORS[c], size=size,
                     line=dict(color="white", width=1)),
                     hovertemplate=f"class {c} (train)<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>")  # fmt: skip
        if soft:
            trace.update(customdata=ya[m], hovertemplate="training point (mixup)<br>(%{x:.2f}, %{y:.2f})<br>"
                         "label %{customdata:.2f}<extra></extra>")  # fmt: skip
        data.append(trace)
    ring, hollow = max(1.6, theme.line_width * 0.55), round(size * 1.2 + 1, 1)
    data.append(dict(type="scatter", mode="markers", x=[None], y=[None], name="test points", legendgroup="test",
                     marker=dict(symbol="circle-open", color=INK, size=hollow, line=dict(width=ring)),
                     hoverinfo="skip"))  # fmt: skip  # the legend entry of both classes' test points
    for c in (0, 1):
        m = (yb >= 0.5) == bool(c)
        data.append(dict(type="scatter", mode="markers", x=xb[m, 0], y=xb[m, 1], name=f"class {c} (test)",
                         legendgroup="test", showlegend=False,
                         marker=dict(symbol="circle-open", color=CLASS_COLORS[c], size=hollow,
                                     line=dict(width=ring, color=CLASS_COLORS[c])),
                         hovertemplate=f"class {c} (test)<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>"))  # fmt: skip
    ends = lambda a: [float(np.nanmin(a)), float(np.nanmax(a))] if len(a) else [0.0, 1.0]
    named = lambda i: dict(title=dict(text=axis_titles[i])) if axis_titles else {}  # an empty title keeps its space
    layout.update(
        xaxis=dict(range=ends(xs), constrain="domain", showgrid=False, **AXIS, **named(0)),
        yaxis=dict(range=ends(ys), constrain="domain", scaleanchor="x", scaleratio=1, **named(1),
                   showgrid=False, **AXIS),
        plot_bgcolor="white",
    )
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def regression_figure(xs: np.ndarray, fit: np.ndarray, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                      y_test: np.ndarray, theme: Theme, *, truth: np.ndarray | None = None, title: str = "",
                      height: int | None = None, showlegend: bool = True) -> go.Figure:  # fmt: skip
    """A 1-D fit: training data filled, test data hollow, the true curve dashed (if given), the network's fit thick.
    The y range follows the data: a fit that shoots off (overfitting at the edges) leaves the frame rather than
    squeezing the data into a line."""
    xs, fit = _f32(xs), _f32(fit)
    order = np.argsort(xs, kind="stable")
    xs, fit = xs[order], fit[order]
    xa, ya, xb, yb = _f32(x_train), _f32(y_train), _f32(x_test), _f32(y_test)
    layout = _layout(theme, title, height, 0.62, showlegend)
    size = _dot_size(len(ya), theme, layout["height"])
    data = [
        dict(type="scatter", mode="markers", x=xa, y=ya, name="training data",
             marker=dict(color=TRAIN_COLOR, size=size, line=dict(color="white", width=1)),
             hovertemplate="training point<br>x %{x:.3f}<br>y %{y:.3f}<extra></extra>"),
        dict(type="scatter", mode="markers", x=xb, y=yb, name="test data",
             marker=dict(symbol="circle-open", color=TEST_COLOR, size=round(size * 1.2 + 1, 1),
                         line=dict(width=max(1.5, theme.line_width * 0.55), color=TEST_COLOR)),
             hovertemplate="test point<br>x %{x:.3f}<br>y %{y:.3f}<extra></extra>"),
    ]  # fmt: skip
    if truth is not None:
        data.append(dict(type="scatter", mode="lines", x=xs, y=_f32(truth)[order], name="true curve",
                         line=dict(color=TRUTH_COLOR, width=theme.line_width, dash="dash"),
                         hovertemplate="true curve<br>x %{x:.3f}<br>y %{y:.3f}<extra></extra>"))  # fmt: skip
    data.append(dict(type="scatter", mode="lines", x=xs, y=fit, name="network's fit",
                     line=dict(color=INK, width=theme.line_width * 1.4),
                     hovertemplate="fit<br>x %{x:.3f}<br>y %{y:.3f}<extra></extra>"))  # fmt: skip
    layout.update(xaxis=dict(title=dict(text="x"), showgrid=True, **AXIS),
                  yaxis=dict(title=dict(text="y"), range=_y_range(np.concatenate([ya, yb]), fit,
                             None if truth is None else _f32(truth)), **AXIS))  # fmt: skip
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
    a, b = _f32(alphas), _f32(betas)
    raw = np.asarray(z, np.float32)
    if raw.shape != (len(b), len(a)):
        raise ValueError(f"z has shape {raw.shape}, expected (len(betas), len(alphas)) = ({len(b)}, {len(a)})")
    lz, lo, hi = _log_loss(raw, zmin, zmax)
    lw = max(0.8, theme.line_width * 0.3)
    data = [dict(
        type="contour", x=a, y=b, z=lz, customdata=raw, zmin=lo, zmax=hi, zauto=False,
        colorscale=[list(s) for s in LANDSCAPE_STOPS], showscale=showscale, name="loss",
        contours=dict(coloring="fill", showlines=True, start=lo, end=hi, size=(hi - lo) / SLICE_LEVELS),
        line=dict(color=LANDSCAPE_LINE, width=lw, smoothing=0.6),
        colorbar=dict(title=dict(text="log₁₀ loss", side="right"), thickness=max(12, theme.font_size), outlinewidth=0,
                      tickfont=dict(size=theme.font_size - 2), ticks="outside", **_nice_ticks(lo, hi)),
        hovertemplate=f"{axis_titles[0]} %{{x:.3f}}<br>{axis_titles[1]} %{{y:.3f}}<br>loss %{{customdata:.4g}}"
                      "<extra></extra>",
    )]  # fmt: skip
    small = dict(size=theme.font_size - 1, color=INK, shadow="0 0 3px white, 0 0 3px white")
    if path is not None:
        p = np.asarray(path, np.float32).reshape(-1, 2)
        p = p[np.isfinite(p).all(axis=1)]
        if len(p):
            data.append(dict(type="scatter", mode="lines+markers", x=p[:, 0], y=p[:, 1], name="training path",
                             line=dict(color=path_color, width=max(1.5, theme.line_width * 0.7)),
                             marker=dict(color=path_color, size=_path_dot(len(p), theme)),
                             hovertemplate="training path<br>(%{x:.3f}, %{y:.3f})<extra></extra>"))  # fmt: skip
            data.append(dict(type="scatter", mode="markers+text", x=p[:1, 0], y=p[:1, 1], name="start",
                             text=["start"], textposition="top center", textfont=small, cliponaxis=False,
                             showlegend=False, hovertemplate="start<br>(%{x:.3f}, %{y:.3f})<extra></extra>",
                             marker=dict(symbol="circle", size=theme.marker_size, color="white",
                                         line=dict(width=2.5, color=INK))))  # fmt: skip
    data.append(dict(type="scatter", mode="markers", x=np.zeros(1, np.float32), y=np.zeros(1, np.float32),
                     name="trained weights", hovertemplate="trained weights (0, 0)<extra></extra>",
                     marker=dict(symbol="star", size=theme.point_size * 1.6, color=POINT_COLORS["global"],
                                 line=dict(width=1.5, color="#222222"))))  # fmt: skip
    layout = _layout(theme, title, height, 0.62, showlegend)
    ends = lambda v: [float(np.nanmin(v)), float(np.nanmax(v))] if len(v) else [-1.0, 1.0]
    layout.update(
        xaxis=dict(range=ends(a), title=dict(text=axis_titles[0]), showgrid=False, **AXIS),
        yaxis=dict(range=ends(b), title=dict(text=axis_titles[1]), showgrid=False, **AXIS),
        plot_bgcolor="white",
    )
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)
