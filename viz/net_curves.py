"""A training run's curves: values against the step (loss, accuracy, the sharpness under its 2/η line) and the loss
along the straight line from the initialisation to the trained weights, on log axes with full-size tick labels.
Pure Plotly: NumPy arrays in, go.Figure out; every array is sent as float32 binary."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.networks import AXIS, TEST_COLOR, TRAIN_COLOR, f32, frame
from viz.theme import INK, Theme

Curve = tuple[str, np.ndarray, str, str]  # (label, values, colour hex, dash "solid" | "dash" | "dot")


def _steps(a) -> np.ndarray:
    a = np.asarray(a).ravel()
    return a.astype(np.int32) if np.issubdtype(a.dtype, np.integer) else a.astype(np.float32)


# A log axis goes at most this far below the largest value on it: a loss that falls further (float32 reaches ~1e−45)
# sits on that floor instead of stretching the axis down to 1e−28 for machine noise.
RELATIVE_FLOOR = 1e-12


def _for_log(y: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Values a log axis can show; zeros, negatives and non-finite values become gaps (NaN), positive values below
    ``floor`` sit on it."""
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(y) & (y > 0), np.maximum(y, floor), np.nan).astype(np.float32)


def _log_floor(curves) -> float:
    """RELATIVE_FLOOR of the largest positive finite value of the curves (0 if there is none)."""
    tops = [
        float(v[np.isfinite(v) & (v > 0)].max())
        for v in (f32(c[1]) for c in curves)
        if (np.isfinite(v) & (v > 0)).any()
    ]
    return max(tops, default=0.0) * RELATIVE_FLOOR


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


# -- curves against the step -----------------------------------------------------------------------------------
def _curve_traces(x: np.ndarray, curves, theme: Theme, log: bool, axis: str, suffix: str) -> list[dict]:
    out = []
    floor = _log_floor(curves) if log else 0.0
    for label, values, col, dash in curves:
        y = f32(values)
        if len(y) != len(x):
            raise ValueError(f"curve {label!r} has {len(y)} values for {len(x)} steps")
        y = _for_log(y, floor) if log else np.where(np.isfinite(y), y, np.nan).astype(np.float32)
        out.append(
            dict(
                type="scatter",
                mode="lines",
                x=x,
                y=y,
                name=label + suffix,
                yaxis=axis,
                connectgaps=False,
                line=dict(color=col, width=theme.line_width, dash=dash),
                hovertemplate=f"{label}: %{{y:.4g}}<extra></extra>",
            )
        )
    return out


def _shown(traces: list[dict]) -> list[float]:
    """Every y value the traces draw (for the tick choice); the values, not their gaps."""
    ys = [t["y"][np.isfinite(t["y"])] for t in traces]
    return np.concatenate(ys).tolist() if ys else []


def _line_chart(
    x,
    curves,
    theme: Theme,
    *,
    x_title: str,
    x_hover: str,
    y_title: str,
    log_y: bool,
    vlines: list[tuple[float, str]],
    hlines,
    title: str,
    y2,
    log_y2: bool,
    height: int | None,
    fraction: float,
    showlegend: bool,
) -> go.Figure:
    """What both builders draw: the curves against x, labelled vertical and horizontal lines, and the curves of a
    right-hand axis if ``y2`` is given; hover shows every curve at one x."""
    data = _curve_traces(x, curves, theme, log_y, "y", "")
    xs = np.asarray(x, np.float64)
    xs = xs[np.isfinite(xs)]
    # the x axis spans the data exactly: autorange would widen it to fit a label in data coordinates (a phone's
    # narrow chart drew a 500-step run on an axis to 1,200)
    span = (float(xs.min()), float(xs.max())) if xs.size > 1 and xs.max() > xs.min() else None
    v_shapes, v_notes = _vlines(vlines, theme, span)
    h_shapes, h_notes = _hlines(hlines, log_y, theme)
    ticks = _log_ticks(_shown(data) + [v for v, _ in hlines]) if log_y else {}
    layout = frame(theme, title, height, fraction, showlegend)
    layout.update(
        xaxis=dict(
            title=dict(text=x_title),
            unifiedhovertitle=dict(text=x_hover),
            **AXIS,
            **({"range": list(span)} if span and x_title == "step" else {}),
        ),
        yaxis=dict(
            type="log" if log_y else "linear", title=dict(text=y_title), exponentformat="power", **AXIS, **ticks
        ),
        shapes=v_shapes + h_shapes,
        annotations=v_notes + h_notes,
        hovermode="x unified",
    )
    if y2 is not None:
        y2_title, y2_curves = y2
        right = _curve_traces(x, y2_curves, theme, log_y2, "y2", " (right axis)")
        data += right
        layout["yaxis2"] = dict(
            type="log" if log_y2 else "linear",
            title=dict(text=y2_title),
            overlaying="y",
            side="right",
            showgrid=False,
            exponentformat="power",
            **AXIS,
            **(_log_ticks(_shown(right)) if log_y2 else {}),
        )
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def _vlines(vlines: list[tuple[float, str]], theme: Theme, span=None) -> tuple[list[dict], list[dict]]:
    """Dotted vertical lines across the plot, each labelled at its top right (at its top left in the right half of
    ``span``, the x axis's range, so that the label stays inside the plot)."""
    shapes, notes = [], []
    for value, text in vlines:
        right_half = span is not None and value > 0.5 * (span[0] + span[1])
        shapes.append(
            dict(
                type="line",
                xref="x",
                yref="paper",
                x0=value,
                x1=value,
                y0=0,
                y1=1,
                layer="above",
                line=dict(color=INK, width=_thin(theme), dash="dot"),
            )
        )
        notes.append(
            dict(
                x=value,
                xref="x",
                y=1,
                yref="paper",
                yanchor="top",
                xanchor="right" if right_half else "left",
                xshift=-3 if right_half else 3,
                showarrow=False,
                text=text,
                font=_small(theme),
                bgcolor="rgba(255,255,255,0.8)",
            )
        )
    return shapes, notes


def _hlines(hlines, log_y: bool, theme: Theme) -> tuple[list[dict], list[dict]]:
    """Dashed horizontal lines across the plot, each labelled in bold at its right end; on a log axis only the
    positive ones (a log axis cannot place the others)."""
    shapes, notes = [], []
    for value, text in hlines:
        value = float(value)
        if not np.isfinite(value) or (log_y and value <= 0):
            continue  # a log axis cannot place it
        shapes.append(
            dict(
                type="line",
                xref="paper",
                yref="y",
                x0=0,
                x1=1,
                y0=value,
                y1=value,
                layer="above",
                line=dict(color=INK, width=_thin(theme), dash="dash"),
            )
        )
        notes.append(
            dict(
                x=1,
                xref="paper",
                y=np.log10(value) if log_y else value,
                yref="y",
                xanchor="right",
                yanchor="bottom",
                showarrow=False,
                text=f"<b>{text}</b>",
                font=_small(theme),
                bgcolor="rgba(255,255,255,0.8)",
            )
        )
    return shapes, notes


def _thin(theme: Theme) -> float:
    """The width of a marker line: thinner than the curves."""
    return max(1.5, theme.line_width * 0.6)


def _small(theme: Theme) -> dict:
    """The font of a marker line's label."""
    return dict(size=theme.font_size - 2, color=INK)


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
    return _line_chart(
        _steps(steps),
        curves,
        theme,
        x_title=x_title,
        x_hover="step %{x}",
        y_title=y_title,
        log_y=log_y,
        vlines=vlines,
        hlines=hlines,
        title=title,
        y2=y2,
        log_y2=log_y2,
        height=height,
        fraction=0.62,
        showlegend=showlegend,
    )


def line_figure(
    alphas: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    theme: Theme,
    *,
    title: str = "",
    height: int | None = None,
    showlegend: bool = True,
) -> go.Figure:
    r"""The loss along the straight line :math:`\theta(\alpha) = (1-\alpha)\,\theta_0 + \alpha\,\theta^*` from the
    initialisation (α = 0) to the trained weights (α = 1), train and test, on a log axis (Goodfellow et al. 2015)."""
    curves = [("training loss", train, TRAIN_COLOR, "solid"), ("test loss", test, TEST_COLOR, "dash")]
    return _line_chart(
        f32(alphas),
        curves,
        theme,
        x_title="α   (0 = initialisation, 1 = trained weights)",
        x_hover="α = %{x:.2f}",
        y_title="loss",
        log_y=True,
        vlines=[(0.0, "init"), (1.0, "trained")],
        hlines=(),
        title=title,
        y2=None,
        log_y2=True,
        height=height,
        fraction=0.62,
        showlegend=showlegend,
    )


def range_test_figure(
    lrs: np.ndarray,
    loss: np.ndarray,
    edge: float,
    theme: Theme,
    *,
    fastest: int | None = None,
    blew_up: int | None = None,
    height: int | None = None,
) -> go.Figure:
    """The learning-rate range test: the training loss after each step against that step's η, both on log axes; a
    dotted line at gradient descent's edge at the initial weights (2/λmax), a ★ where the loss fell fastest and an
    x where it blew up."""
    figure = _line_chart(
        f32(lrs),
        [("training loss", loss, TRAIN_COLOR, "solid")],
        theme,
        x_title="learning rate η, growing each step",
        x_hover="η %{x:.3g}",
        y_title="training loss",
        log_y=True,
        vlines=[(float(edge), "2/λmax at init")] if np.isfinite(edge) and edge > 0 else [],
        hlines=[],
        title="",
        y2=None,
        log_y2=True,
        height=height,
        fraction=0.62,
        showlegend=True,
    )
    figure.layout.xaxis.update(type="log", dtick=1, exponentformat="power")  # decades: 10⁻⁴ … 10
    for note in figure.layout.annotations:  # an annotation on a log axis is placed by its logarithm
        if note.xref == "x":
            note.x = float(np.log10(note.x))
    for index, name, symbol in ((fastest, "fastest fall", "star"), (blew_up, "blew up", "x")):
        if index is not None and np.isfinite(loss[index]):
            figure.add_trace(
                dict(
                    type="scatter",
                    mode="markers",
                    x=[float(lrs[index])],
                    y=[float(loss[index])],
                    name=f"{name}, η {float(lrs[index]):.3g}",
                    marker=dict(symbol=symbol, size=theme.marker_size + 4, color=INK),
                    hoverinfo="skip",
                )
            )
    return figure
