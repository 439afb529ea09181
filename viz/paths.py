"""What the figure builders draw, as plain NumPy values (viz never imports jax or the compute layer)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Path:
    """One optimizer's run: colour and marker come from its key."""

    key: str  # optimizer key ("adam"): colour and marker symbol
    label: str  # legend text: "Adam (lr 0.05)"
    xy: np.ndarray  # (steps + 1, 2)
    loss: np.ndarray  # (steps + 1,)
    diverged_at: int | None = None
    lr: np.ndarray | None = None  # (steps,) the learning rate of each update when it follows a schedule


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
