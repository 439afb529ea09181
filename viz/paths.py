"""What the figure builders draw, as plain NumPy values (viz never imports jax or the compute layer)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Path:
    """One optimizer's run, in its optimizer's colour and marker (the registry row's, given by the caller)."""

    color: str  # "#0072B2": the line, the racer's head and the end of its loss curve
    symbol: str  # Plotly marker symbol ("circle") of the head and the loss curve's end
    label: str  # legend text: "Adam · η 0.05"
    xy: np.ndarray  # (steps + 1, 2)
    loss: np.ndarray  # (steps + 1,)
    diverged_at: int | None = None
    lr: np.ndarray | None = None  # (steps,) the learning rate of each update when it follows a schedule
    dash: str = "solid"  # Plotly's line dash: racers of one optimizer keep its colour and differ by dash


DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
DASH_ARRAYS = {"solid": "", "dash": "7 4", "dot": "2 3", "dashdot": "7 3 2 3", "longdash": "12 4",
               "longdashdot": "12 3 2 3"}  # fmt: skip  # the same patterns as SVG stroke-dasharray, for page text


def dashes(keys: list[str]) -> list[str]:
    """Solid for an optimizer's first racer, then dash, dot, …: the same optimizer twice stays one colour."""
    seen: dict[str, int] = {}
    out = []
    for k in keys:
        out.append(DASHES[seen.get(k, 0) % len(DASHES)])
        seen[k] = seen.get(k, 0) + 1
    return out


@dataclass(frozen=True)
class Marker:
    """A documented critical point."""

    x: float
    y: float
    value: float
    kind: str  # "global" | "local" | "saddle" | "maximum"


KIND_NAMES = {"global": "global minimum", "local": "local minimum", "saddle": "saddle point", "maximum": "maximum"}
KIND_SHORT = {"global": "global min", "local": "local min", "saddle": "saddle", "maximum": "max"}


def frame_steps(steps: int, frames: int) -> np.ndarray:
    """The step shown by each animation frame: 0 .. steps in at most `frames` frames, evenly spread."""
    n = min(steps, frames - 1) + 1
    return np.unique(np.round(np.linspace(0, steps, n)).astype(int))


def b64(a, dtype: str = "f4") -> dict:
    """A typed-array spec {dtype, bdata} (how Plotly 7 sends NumPy arrays), built directly: cheap to validate."""
    arr = np.ascontiguousarray(a, dtype=np.dtype(dtype).newbyteorder("<")).ravel()
    return {"dtype": dtype, "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}
