"""Pieces several builders share: the figure's title, the invisible layer that makes a map clickable, a
legend swatch, the start ring, and a map's equal-aspect axes with its picture beneath them."""

from __future__ import annotations

import numpy as np
from _plotly_utils.utils import convert_to_base64
from plotly.io.json import to_json_plotly

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


CLICK_LAYER = "click layer"  # the meta of a map's click layer (what ``as_points`` finds)
CLEAR = [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]]  # a colour scale that paints nothing


def click_points(xs: np.ndarray, ys: np.ndarray, customdata, *, name: str, hovertemplate: str) -> dict:
    """An invisible layer of cells centred on the grid xs × ys (1-D; ``customdata`` (len(ys), len(xs)), shown by
    the hover): a click anywhere on the map gives the grid point of the cell under it (x, y).

    One heatmap of transparent cells, drawn as one picture: as a scatter of invisible markers (what Streamlit's
    selection reported) every point was an SVG element plotly.js styled again on every redraw, 1,600 of them ~70 ms
    a move in Chromium. Where the page's charts are Streamlit's own (views.common.chart's fallback), ``as_points``
    makes it markers again. Under scatter traces: a marker or a path near the pointer takes the hover first."""
    return dict(
        type="heatmap",
        x=np.asarray(xs, dtype=float).tolist(),
        y=np.asarray(ys, dtype=float).tolist(),
        z=np.zeros((len(ys), len(xs)), dtype=np.int8).tolist(),
        customdata=np.asarray(customdata).tolist(),
        colorscale=CLEAR,
        showscale=False,
        showlegend=False,
        name=name,
        hovertemplate=hovertemplate,
        meta=CLICK_LAYER,
    )


def as_points(trace: dict, size: int = 12) -> dict:
    """A click layer as invisible markers at its grid points (Streamlit's st.plotly_chart reports clicks on scatter
    points, not on heatmap cells); any other trace as it is."""
    if trace.get("meta") != CLICK_LAYER:
        return trace
    gx, gy = np.meshgrid(trace["x"], trace["y"])
    return dict(
        type="scatter",
        mode="markers",
        x=b64(gx.ravel()),
        y=b64(gy.ravel()),
        customdata=[v for row in trace["customdata"] for v in row],
        marker=dict(size=size, opacity=0, color=INK),
        showlegend=False,
        name=trace["name"],
        hovertemplate=trace["hovertemplate"],
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


def figure_json(fig) -> str:
    """``fig.to_json()`` without its deep copy of every array: the page's JSON of a figure, the same text.

    plotly.py copies the whole figure (numpy arrays included) before turning arrays into base64 in place; here only
    the dicts and the lists holding them are copied (what that conversion writes into), the arrays are shared. A
    move's server time went ~8% to that copy (py-spy on the Learning rate page)."""
    spec = {"data": _tree(fig._data), "layout": _tree(fig._layout)}
    if fig._frame_objs:
        spec["frames"] = _tree([frame._props for frame in fig._frame_objs])
    convert_to_base64(spec)
    for trace in spec["data"]:
        trace.pop("uid", None)  # as to_json removes them
    return to_json_plotly(spec)


def _tree(v):
    """A copy of the dicts and lists of ``v`` that hold dicts or lists; every other value shared."""
    if isinstance(v, dict):
        return {k: _tree(x) for k, x in v.items()}
    if isinstance(v, list | tuple) and any(isinstance(x, dict | list | tuple) for x in v):
        return [_tree(x) for x in v]
    return v
