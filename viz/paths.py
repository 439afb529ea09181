"""What the figure builders draw, as plain NumPy values (viz never imports jax or the compute layer)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np

# Coordinates and losses nearer 0 than this are float32 noise (underflow reaches ~1e−45): sent as 0, so a hover never
# reads "(−6.55e−44, −6.91e−44)". The same floor as scenes.text.NOISE_FLOOR (viz imports nothing of the project).
NOISE_FLOOR = 1e-12


def denoised(a: np.ndarray) -> np.ndarray:
    """``a`` with every value nearer 0 than NOISE_FLOOR set to 0 (its dtype kept)."""
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.floating):
        return a
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(a) < NOISE_FLOOR, np.zeros((), a.dtype), a)


@dataclass(frozen=True)
class Path:
    """One optimizer's run, in its optimizer's colour and marker (the registry row's, given by the caller). Its
    positions and losses come denoised: float32 underflow near 0 reads as 0."""

    color: str  # "#0072B2": the line, the racer's head and the end of its loss curve
    symbol: str  # Plotly marker symbol ("circle") of the head and the loss curve's end
    label: str  # legend text: "Adam · η 0.05"
    xy: np.ndarray  # (steps + 1, 2)
    loss: np.ndarray  # (steps + 1,)
    diverged_at: int | None = None
    lr: np.ndarray | None = None  # (steps,) the learning rate of each update when it follows a schedule
    dash: str = "solid"  # Plotly's line dash: racers of one optimizer keep its colour and differ by dash

    def __post_init__(self):
        object.__setattr__(self, "xy", denoised(self.xy))
        object.__setattr__(self, "loss", denoised(self.loss))


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

    def __post_init__(self):  # a point refined numerically sits at 1e−17 where it means 0: hovered as 0
        for name in ("x", "y", "value"):
            v = float(getattr(self, name))
            object.__setattr__(self, name, 0.0 if abs(v) < NOISE_FLOOR else v)


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
