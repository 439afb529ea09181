"""The landscape as a picture: filled colour bands with iso-lines, as a PNG data URI for layout.images.

A contour trace vanishes while a Plotly animation plays (plotly.js #4491); a pre-rendered image stays.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

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


def shade(values: np.ndarray, levels: int = LEVELS, stops=LANDSCAPE_STOPS) -> np.ndarray:
    """RGB uint8 image (ny, nx, 3) of banded colours with darker iso-lines; row 0 is the largest y (image order)."""
    band = band_levels(values, levels)
    pos = np.array([p for p, _ in stops])
    rgb_stops = np.stack([_hex(c) for _, c in stops])
    t = (band + 0.5) / levels
    rgb = np.stack([np.interp(t, pos, rgb_stops[:, k]) for k in range(3)], axis=-1)
    edge = np.zeros(band.shape, bool)
    edge[:, 1:] |= band[:, 1:] != band[:, :-1]
    edge[1:, :] |= band[1:, :] != band[:-1, :]
    line = _hex(LANDSCAPE_LINE)
    rgb[edge] = 0.45 * rgb[edge] + 0.55 * line
    return np.ascontiguousarray(rgb[::-1].round().astype(np.uint8))


def png_data_uri(rgb: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
