"""The landscape as a picture: filled colour bands with iso-lines, as a PNG data URI for layout.images, and the same
bands as a vector contour trace for image files (viz/export.py), which are sharp at any scale.

A contour trace vanishes while a Plotly animation plays (plotly.js #4491); a pre-rendered image stays.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from viz.paths import b64
from viz.theme import LANDSCAPE_LINE, LANDSCAPE_STOPS

LEVELS = 22


def _hex(c: str) -> np.ndarray:
    return np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)], np.float64)


def colorscale(stops=LANDSCAPE_STOPS) -> list[list]:
    """The landscape colours as a Plotly colorscale (for the 3D view and colour bars)."""
    return [[p, c] for p, c in stops]


def band_levels(values: np.ndarray, levels: int = LEVELS) -> np.ndarray:
    """The colour band of every grid value: 0 .. levels-1, evenly spaced between the smallest and largest value."""
    lo, hi = float(np.min(values)), float(np.max(values))
    t = (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)
    return np.clip((t * levels).astype(np.int32), 0, levels - 1)


def _band_rgb(band, levels: int, stops) -> np.ndarray:
    """The colour of band(s) ``band`` (0 .. levels-1): the stops interpolated at the band's middle, float RGB."""
    pos = np.array([p for p, _ in stops])
    rgb_stops = np.stack([_hex(c) for _, c in stops])
    t = (np.asarray(band) + 0.5) / levels
    return np.stack([np.interp(t, pos, rgb_stops[:, k]) for k in range(3)], axis=-1)


LINE_ALPHA = 0.55  # an iso-line: this much of LANDSCAPE_LINE over the band's colour


def shade(values: np.ndarray, levels: int = LEVELS, stops=LANDSCAPE_STOPS) -> np.ndarray:
    """RGB uint8 image (ny, nx, 3) of banded colours with darker iso-lines; row 0 is the largest y (image order)."""
    band = band_levels(values, levels)
    rgb = _band_rgb(band, levels, stops)
    edge = np.zeros(band.shape, bool)
    edge[:, 1:] |= band[:, 1:] != band[:, :-1]
    edge[1:, :] |= band[1:, :] != band[:-1, :]
    line = _hex(LANDSCAPE_LINE)
    rgb[edge] = (1 - LINE_ALPHA) * rgb[edge] + LINE_ALPHA * line
    return np.ascontiguousarray(rgb[::-1].round().astype(np.uint8))


def contour_trace(
    xs: np.ndarray,
    ys: np.ndarray,
    values: np.ndarray,
    lo: float,
    hi: float,
    levels: int = LEVELS,
    stops=LANDSCAPE_STOPS,
) -> dict:
    """The bands of :func:`shade` as a Plotly contour trace (vector paths): values (ny, nx) over xs, ys, banded
    between ``lo`` and ``hi`` (the picture's smallest and largest value, so both show the same bands), in the same
    colours, with the same iso-lines. For still images only: it vanishes while an animation plays.

    plotly.js (contour/make_color_map.js, style.js) fills the band above level v with its colour map at v + size/2
    and, with n levels from ``start``, puts the scale's position p at start + (p·n − 1/2)·size: with the levels
    between the bands (n = levels − 1, start = lo + size) band b's middle, lo + (b + 1/2)·size, is p = b / n."""
    size = (hi - lo) / levels if hi > lo else 1.0
    rgb = _band_rgb(np.arange(levels), levels, stops).round().astype(int)
    scale = [[b / (levels - 1), f"rgb({r},{g},{bl})"] for b, (r, g, bl) in enumerate(rgb)]
    r, g, b = (int(v) for v in _hex(LANDSCAPE_LINE))
    return dict(
        type="contour",
        name="landscape",
        x=b64(xs),
        y=b64(ys),
        z={**b64(values), "shape": f"{values.shape[0]}, {values.shape[1]}"},
        autocontour=False,
        contours=dict(start=lo + size, end=lo + (levels - 1) * size, size=size, coloring="fill", showlines=True),
        colorscale=scale,
        line=dict(color=f"rgba({r},{g},{b},{LINE_ALPHA})", width=1, smoothing=1),
        showscale=False,
        showlegend=False,
        hoverinfo="skip",
    )


def png_data_uri(rgb: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
