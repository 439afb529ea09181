"""Basins of attraction as a picture: every start pixel coloured by the minimum its run reached, diverged and
not-converged starts in their own colours, the iso-lines of the landscape over it, the minima marked, and an
invisible grid of points so that a click picks a start."""

from __future__ import annotations

import hashlib
import threading

import numpy as np
import plotly.graph_objects as go

from viz.contour import marker_traces
from viz.layout import (
    click_points,
    figure_title,
    grid_indices,
    keep_vector,
    legend_rows,
    map_axes,
    picture,
    start_ring,
    swatch,
)
from viz.paths import Marker, b64
from viz.raster import LEVELS, _hex, band_levels, png_data_uri
from viz.theme import LANDSCAPE_LINE, Theme, base_layout

# Light, distinct basin colours (Paul Tol's "light" scheme, then "pale"), so markers and paths stay readable on them.
BASIN_COLORS = (
    "#77AADD",
    "#EE8866",
    "#EEDD88",
    "#FFAABB",
    "#99DDFF",
    "#44BB99",
    "#BBCC33",
    "#AAAA00",
    "#BBCCEE",
    "#CCEEFF",
    "#CCDDAA",
    "#EEEEBB",
    "#FFCCCC",
)
DIVERGED_COLOR, NOT_CONVERGED_COLOR = "#5b2333", "#d9dde3"


def basin_color(k: int) -> str:
    """The colour of label k: a minimum's index (cycling through the palette), -1 diverged, -2 not converged."""
    if k == -1:
        return DIVERGED_COLOR
    if k == -2:
        return NOT_CONVERGED_COLOR
    return BASIN_COLORS[k % len(BASIN_COLORS)]


def basin_image(labels: np.ndarray, levels: np.ndarray | None = None) -> np.ndarray:
    """RGB uint8 (ny, nx, 3), row 0 the largest y: label colours, darkened along the landscape's iso-lines when the
    landscape's values on the same grid are given."""
    ks = np.unique(labels)
    rgb = np.zeros((*labels.shape, 3))
    for k in ks:
        rgb[labels == k] = _hex(basin_color(int(k)))
    if levels is not None:
        band = band_levels(levels)
        edge = np.zeros(band.shape, bool)
        edge[:, 1:] |= band[:, 1:] != band[:, :-1]
        edge[1:, :] |= band[1:, :] != band[:-1, :]
        rgb[edge] = (1 - BASIN_LINE_ALPHA) * rgb[edge] + BASIN_LINE_ALPHA * _hex(LANDSCAPE_LINE)
    return np.ascontiguousarray(rgb[::-1].round().astype(np.uint8))


def basin_png(labels: np.ndarray, levels: np.ndarray | None = None) -> str:
    """basin_image as a PNG data URI, the last few kept by content: a slider's move changes one map of the three
    beside each other, and encoding each anew took half of a move's server time."""
    digest = hashlib.blake2b(labels.tobytes(), digest_size=16)
    digest.update(str(labels.shape).encode())
    if levels is not None:
        digest.update(np.ascontiguousarray(levels).tobytes())
    key = digest.hexdigest()
    with _PNGS_LOCK:  # sessions run in threads
        png = _PNGS.get(key)
    if png is None:
        png = png_data_uri(basin_image(labels, levels))
        with _PNGS_LOCK:
            _PNGS[key] = png
            while len(_PNGS) > 32:
                _PNGS.pop(next(iter(_PNGS)))
    return png


_PNGS: dict[str, str] = {}  # content digest -> PNG data URI, oldest first (dicts keep insertion order)
_PNGS_LOCK = threading.Lock()

BASIN_LINE_ALPHA = 0.4  # the landscape's iso-lines over the basin colours: lighter than on the landscape


def basin_traces(xs: np.ndarray, ys: np.ndarray, labels: np.ndarray, levels: np.ndarray | None = None) -> list[dict]:
    """The basin picture as Plotly draws it, for image files (viz.layout.keep_vector): the labels as a heatmap, a
    block per start in its label's colour, and the landscape's iso-lines (the picture's) as vector contour lines."""
    ks = np.unique(labels)
    colors = [basin_color(int(k)) for k in ks]
    scale = [[(i + j) / len(ks), c] for i, c in enumerate(colors) for j in (0, 1)]  # one step per label
    grid = {"shape": f"{labels.shape[0]}, {labels.shape[1]}"}
    out = [
        dict(
            type="heatmap",
            name="basins",
            x=b64(xs),
            y=b64(ys),
            z={**b64(np.searchsorted(ks, labels) + 0.5), **grid},
            zmin=0,
            zmax=len(ks),
            zsmooth=False,
            colorscale=scale,
            showscale=False,
            hoverinfo="skip",
        )
    ]
    if levels is not None:
        lo, hi = float(np.min(levels)), float(np.max(levels))
        size = (hi - lo) / LEVELS if hi > lo else 1.0
        r, g, b = (int(v) for v in _hex(LANDSCAPE_LINE))
        out.append(
            dict(
                type="contour",
                name="landscape",
                x=b64(xs),
                y=b64(ys),
                z={**b64(levels), **grid},
                autocontour=False,
                contours=dict(start=lo + size, end=lo + (LEVELS - 1) * size, size=size, coloring="none"),
                line=dict(color=f"rgba({r},{g},{b},{BASIN_LINE_ALPHA})", width=1, smoothing=1),
                showscale=False,
                showlegend=False,
                hoverinfo="skip",
            )
        )
    return out


def basin_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    labels: np.ndarray,
    markers: tuple[Marker, ...],
    names: dict[int, str],
    theme: Theme,
    *,
    landscape: np.ndarray | None = None,
    picked: tuple[float, float] | None = None,
    title: str = "",
    click_grid: int = 40,
    side: int | None = None,
    width: int | None = None,
) -> go.Figure:
    """labels (ny, nx) on the grid xs, ys; names: label -> legend text ("basin of (3, 2): 25.6%"). Trace 0 is an
    invisible click_grid² grid of points (a click there picks a start). ``side``: the map's side in px, in a chart
    ``width`` px wide (the legend's rows below it counted for that width), instead of the theme's height."""
    data = [_starts(xs, ys, labels, names, click_grid)]
    data += [swatch(text, basin_color(k)) for k, text in names.items()]
    data += marker_traces(markers, theme)
    if picked is not None:
        data.append(_chosen(picked, theme))
    layout = _layout(xs, ys, basin_png(labels, landscape), theme, title)
    if side is not None:  # the legend a fixed distance below the x axis' title, the height from the map's side
        font = theme.font_size - 2
        room = (width or side + 60) - 60
        longest = max((len(n) for n in names.values()), default=0)
        if longest and 40 + 0.5 * font * longest > room:  # an entry wider than the map: a smaller font, not cut off
            font = max(9, int((room - 40) / (0.5 * longest)))
            layout["legend"]["font"]["size"] = font
        rows = legend_rows(list(names.values()), room, font)
        # under the axis: its tick labels and its title (1.2 × the font), 65 px at a 14 px font (measured in
        # Chromium); the legend 6 px below (it sat on the title's lower half at 2.4 × font + 16)
        below = round(2.75 * theme.font_size + 33)
        layout["legend"]["y"] = -below / side
        margin = layout["margin"]
        row = round(1.5 * font + 7)  # a legend row: 21.5 px at a 10 px font (measured in Chromium)
        margin["b"] = below + rows * row + 8
        layout["height"] = side + margin["t"] + margin["b"]
    fig = go.Figure(data=data, layout=layout, skip_invalid=False, _validate=False)
    return keep_vector(fig, basin_traces(xs, ys, labels, landscape), image="basins")


def _starts(xs: np.ndarray, ys: np.ndarray, labels: np.ndarray, names: dict[int, str], n: int) -> dict:
    """The click layer: about n × n starts, each hovering with its basin's legend text."""
    ix, iy = grid_indices(xs, ys, n)
    hover = np.vectorize(lambda k: names.get(int(k), ""), otypes=[object])(labels[np.ix_(iy, ix)])
    return click_points(
        xs[ix],
        ys[iy],
        hover,
        name="starts",
        hovertemplate="start (%{x:.3g}, %{y:.3g})<br>%{customdata}<extra></extra>",
    )


def _chosen(picked: tuple[float, float], theme: Theme) -> dict:
    """The chosen start, ringed as on the contour map."""
    return dict(
        type="scatter",
        mode="markers",
        x=[picked[0]],
        y=[picked[1]],
        name="chosen start",
        showlegend=False,
        hoverinfo="skip",
        marker=start_ring(theme.marker_size + 2),
    )


def _layout(xs: np.ndarray, ys: np.ndarray, image: str, theme: Theme, title: str) -> dict:
    """The map's layout: the basin picture under equal-aspect axes of the starts (x₀, y₀), the legend below."""
    x0, x1, y0, y1 = float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1])
    layout = base_layout(theme)
    layout.update(
        title=figure_title(title, theme),
        **map_axes(x0, x1, y0, y1, "x₀", "y₀"),
        images=[picture(image, x0, x1, y0, y1, name="basins")],
        plot_bgcolor="white",
        hovermode="closest",
        clickmode="event+select",
        dragmode="pan",
        legend=dict(orientation="h", yanchor="top", y=-0.14, xanchor="left", x=0, font=dict(size=theme.font_size - 2)),
        margin=dict(l=50, r=10, t=50 if title else 20, b=60),
    )
    return layout
