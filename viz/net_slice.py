"""The loss around a small network's trained weights: a 2-D slice of the landscape through them as filled bands of
log₁₀ loss with iso-lines, the training run projected on it. Its frame and colours are viz/networks.py's. Pure Plotly:
NumPy arrays in, go.Figure out; every array is sent as float32 binary."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from viz.layout import start_ring
from viz.networks import AXIS, f32, frame
from viz.theme import INK, LANDSCAPE_LINE, LANDSCAPE_STOPS, POINT_COLORS, Theme

SLICE_LEVELS = 18  # iso-lines of a slice between the ends of its colour range (log₁₀ loss)


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
    batch: tuple[np.ndarray, str, np.ndarray] | None = None,
) -> go.Figure:
    """The loss on a plane through the trained weights, z (len(betas), len(alphas)), as filled bands of log₁₀ loss
    (light = low) with iso-lines; the centre (0, 0) starred "trained weights"; ``path`` (R, 2), the training run
    projected on the plane, drawn from its start (a circle) to the centre.

    ``zmin``/``zmax`` are on the colour bar's scale, log₁₀ of the loss (zmax = 1 means a loss of 10): the colour
    range and the iso-levels are [zmin, zmax], the loss outside is clipped to its ends; where not given, the slice's
    own extent. Pass both to compare two panels (train and test): the same pair gives the same colours and the same
    iso-lines. Zero or negative loss shows at the bottom of the range, a non-finite one (overflow) at the top; the
    hover shows the loss itself. ``batch``: (one minibatch's loss on the same grid, its name, the path's point where
    that step was taken), drawn as dashed iso-lines over the full loss's bands, the point ringed."""
    a, b = f32(alphas), f32(betas)
    raw = np.asarray(z, np.float32)
    if raw.shape != (len(b), len(a)):
        raise ValueError(f"z has shape {raw.shape}, expected (len(betas), len(alphas)) = ({len(b)}, {len(a)})")
    data = [_bands(a, b, raw, zmin, zmax, theme, showscale, axis_titles)]
    if batch is not None:
        data.append(_batch_lines(a, b, *batch[:2], theme))
    if path is not None:
        data += _path_traces(path, path_color, theme)
    if batch is not None:
        at = np.asarray(batch[2], np.float32)
        data.append(dict(type="scatter", mode="markers", x=at[:1], y=at[1:], name="the step's weights",
                         showlegend=False, hovertemplate="the step's weights<extra></extra>",
                         marker=dict(color=BATCH, size=theme.marker_size + 4, symbol="circle-open",
                                     line=dict(width=3, color=BATCH))))  # fmt: skip
    data.append(_centre(theme))
    layout = frame(theme, title, height, 0.62, showlegend)
    ends = lambda v: [float(np.nanmin(v)), float(np.nanmax(v))] if len(v) else [-1.0, 1.0]
    layout.update(
        xaxis=dict(range=ends(a), title=dict(text=axis_titles[0]), showgrid=False, **AXIS),
        yaxis=dict(range=ends(b), title=dict(text=axis_titles[1]), showgrid=False, **AXIS),
        plot_bgcolor="white",
    )
    return go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)


def _bands(
    a: np.ndarray,
    b: np.ndarray,
    raw: np.ndarray,
    zmin: float | None,
    zmax: float | None,
    theme: Theme,
    showscale: bool,
    axis_titles: tuple[str, str],
) -> dict:
    """The slice as filled bands of log₁₀ loss over [zmin, zmax] with SLICE_LEVELS iso-lines and a colour bar of
    round ticks; the hover shows the loss itself."""
    lz, lo, hi = _log_loss(raw, zmin, zmax)
    return dict(
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
        line=dict(color=LANDSCAPE_LINE, width=max(0.8, theme.line_width * 0.3), smoothing=0.6),
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


BATCH = "#CC79A7"  # a minibatch's loss, as on the Minibatch section's map


def _batch_lines(a: np.ndarray, b: np.ndarray, z: np.ndarray, name: str, theme: Theme) -> dict:
    """One minibatch's loss as dashed iso-lines of log₁₀ loss (no fill), in the legend."""
    lz = np.log10(np.maximum(np.nan_to_num(np.asarray(z, np.float64), nan=1e30), 1e-12)).astype(np.float32)
    return dict(
        type="contour", x=a, y=b, z=lz, ncontours=12, contours=dict(coloring="lines"), showscale=False,
        colorscale=[[0, BATCH], [1, BATCH]], line=dict(width=1.5, dash="dash"), name=name, showlegend=True,
        hoverinfo="skip",
    )  # fmt: skip


def _path_traces(path: np.ndarray, color: str, theme: Theme) -> list[dict]:
    """The training path's finite points as a line with dots, its first point ringed and labelled "start"."""
    p = np.asarray(path, np.float32).reshape(-1, 2)
    p = p[np.isfinite(p).all(axis=1)]
    if not len(p):
        return []
    small = dict(size=theme.font_size - 1, color=INK, shadow="0 0 3px white, 0 0 3px white")
    return [
        dict(
            type="scatter",
            mode="lines+markers",
            x=p[:, 0],
            y=p[:, 1],
            name="training path",
            line=dict(color=color, width=max(1.5, theme.line_width * 0.7)),
            marker=dict(color=color, size=_path_dot(len(p), theme)),
            hovertemplate="training path<br>(%{x:.3f}, %{y:.3f})<extra></extra>",
        ),
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
            marker=start_ring(theme.marker_size),
        ),
    ]


def _centre(theme: Theme) -> dict:
    """The trained weights at the centre (0, 0): a gold star, as a global minimum on the contour map."""
    return dict(
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
