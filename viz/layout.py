"""Pieces several builders share: the figure's title, the invisible grid of points that makes a map clickable, a
legend swatch, the start ring, and a map's equal-aspect axes with its picture beneath them."""

from __future__ import annotations

import numpy as np

from viz.paths import b64
from viz.theme import INK, Theme


def figure_title(text: str, theme: Theme, **place) -> dict | None:
    """The figure's title in the theme's title size, at the left (``place``: further position keys); None if empty."""
    return dict(text=text, font=dict(size=theme.title_size), x=0.01, **place) if text else None


def grid_indices(xs: np.ndarray, ys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """About ``n`` evenly spread indices into each of xs and ys (a coarse grid over a fine one)."""
    ix = np.unique(np.linspace(0, len(xs) - 1, n).round().astype(int))
    iy = np.unique(np.linspace(0, len(ys) - 1, n).round().astype(int))
    return ix, iy


def click_points(gx: np.ndarray, gy: np.ndarray, customdata, *, size: int, name: str, hovertemplate: str) -> dict:
    """Invisible markers at the grid points (gx, gy): they carry the hover text, and a click selects the nearest one
    (Streamlit reports clicks on scatter points, not on images or heatmap cells)."""
    return dict(
        type="scatter",
        mode="markers",
        x=b64(gx.ravel()),
        y=b64(gy.ravel()),
        customdata=customdata,
        marker=dict(size=size, opacity=0, color=INK),
        showlegend=False,
        name=name,
        hovertemplate=hovertemplate,
        selected=dict(marker=dict(opacity=0)),
        unselected=dict(marker=dict(opacity=0)),
    )


def swatch(name: str, color: str) -> dict:
    """A legend entry only: a square of ``color`` (for colours painted in an image or a heatmap)."""
    return dict(
        type="scatter",
        mode="markers",
        x=[None],
        y=[None],
        name=name,
        showlegend=True,
        marker=dict(symbol="square", size=14, color=color, line=dict(width=1, color="#9aa5b1")),
    )


def start_ring(size: float) -> dict:
    """The marker of a start: a white disc ringed in ink."""
    return dict(symbol="circle", size=size, color="white", line=dict(width=2.5, color=INK))


def map_axes(x0: float, x1: float, y0: float, y1: float, x_title: str, y_title: str) -> dict:
    """The axes of a map: the given ranges, one unit as long on both, no grid."""
    return dict(
        xaxis=dict(
            range=[x0, x1],
            title=dict(text=x_title),
            showgrid=False,
            zeroline=False,
            constrain="domain",
            ticks="outside",
        ),
        yaxis=dict(
            range=[y0, y1],
            title=dict(text=y_title),
            showgrid=False,
            zeroline=False,
            scaleanchor="x",
            scaleratio=1,
            constrain="domain",
            ticks="outside",
        ),
    )


def picture(source: str, x0: float, x1: float, y0: float, y1: float, name: str = "") -> dict:
    """A layout image (a PNG data URI) stretched over the data rectangle [x0, x1] × [y0, y1], beneath the traces;
    ``name`` says what it shows ("landscape": a surface's picture, the same for every run on it)."""
    return dict(
        name=name,
        source=source,
        xref="x",
        yref="y",
        x=x0,
        y=y1,
        sizex=x1 - x0,
        sizey=y1 - y0,
        sizing="stretch",
        layer="below",
        opacity=1,
    )


VECTOR = "_lll_vector"  # a figure's own attribute (never sent to the page): its pictures as traces, by image name


def keep_vector(fig, traces: dict | list[dict] | None, image: str = "landscape"):
    """The figure with ``traces`` kept beside it: what its layout image named ``image`` shows, drawn by Plotly (a
    contour's vector paths: viz.raster.contour_trace), which image files draw instead of the picture
    (viz/export.py), sharp at any scale. The page never receives them (they are no part of the figure's JSON); a
    copy of the figure loses them, and its files fall back to the picture."""
    if traces is not None:
        kept = getattr(fig, VECTOR, None) or {}
        setattr(fig, VECTOR, {**kept, image: [traces] if isinstance(traces, dict) else list(traces)})
    return fig


def vector_of(fig, image: str = "landscape") -> list[dict] | None:
    """The traces kept beside the figure for its image named ``image`` by :func:`keep_vector`, if any."""
    return (getattr(fig, VECTOR, None) or {}).get(image)


def vectors_of(fig) -> dict[str, list[dict]]:
    """Every image name -> the traces kept beside the figure for it."""
    return dict(getattr(fig, VECTOR, None) or {})


NAME = "_lll_name"  # a figure's own attribute: what it shows, in words (the export's chart and file names)


def keep_name(fig, name: str):
    """The figure with its name kept beside it ("race on the map", "basin map, Adam (lr 0.05)"): what the export
    panel lists and its files are called (charts.names), never drawn."""
    setattr(fig, NAME, name)
    return fig


def name_of(fig) -> str | None:
    """The name kept beside the figure by :func:`keep_name`, if any."""
    return getattr(fig, NAME, None)


LEGEND_ROW = 2.2  # a horizontal legend's row, in font sizes (measured in Chromium: 94 px for three rows at 14 px)


def legend_rows(labels: list[str], width: float, font_size: float) -> int:
    """How many rows a horizontal legend of these entries takes across ``width`` px: plotly.js puts an entry (its
    line sample, 40 px, and its text, 0.46 font sizes a character in the app's sans serif, measured in Chromium at
    14 and 20 px) on the row while it fits. Counted at 0.5: an estimate that errs long, so the room kept above a plot
    is never too little."""
    rows, used = 1, 0.0
    for label in labels:
        w = 40 + 0.5 * font_size * len(label)
        if used and used + w > width:
            rows, used = rows + 1, 0.0
        used += w
    return rows
