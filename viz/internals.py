"""An optimizer's internals drawn on the race's map at each frame's step: arrows for the gradient step, what the rule
adds to it (drawn from the gradient step's tip, so the two add up to the step) and the step taken, and the
rescaling rules' ellipse. Each kind is one trace holding every racer's; a frame sets its points (viz/frames.py's
extras), the same number of points each frame, NaN between shapes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from viz.theme import Theme

ARROW = 7  # points an arrow takes: tail, tip, gap, one barb, tip, the other barb, gap
RING = 33  # points an ellipse takes: 32 around it and a gap
BARB = 0.3  # an arrowhead's length: this fraction of the arrow, at most HEAD of the map's span
HEAD = 0.025
SPREAD = np.deg2rad(25)


@dataclass(frozen=True)
class Kind:
    key: str
    name: str  # the legend's entry
    color: str
    width: float
    dash: str = "solid"


KINDS = (  # colours apart from the racers' (Okabe & Ito's, Tol's)
    Kind("gradient", "−η∇f", "#E31A1C", 2.5),
    Kind("carry", "what the rule adds", "#6A3D9A", 2.5),
    Kind("step", "step taken", "#1A9850", 3.5),
    Kind("scale", "coordinate scale", "#525252", 1.5, "dot"),
)
SEEN = 0.12  # a racer's longest arrow at a step is drawn this fraction of the map's span long


@dataclass(frozen=True)
class RacerInternals:
    """One racer's internals at steps 0..n, each (n + 1, 2) (viz never sees scenes' types: plain arrays)."""

    xy: np.ndarray  # its path
    gradient: np.ndarray
    step: np.ndarray
    carry: np.ndarray | None
    carry_name: str
    axes: np.ndarray | None


def arrows(tails: np.ndarray, vectors: np.ndarray, span: float) -> np.ndarray:
    """(M, ARROW, 2): an arrow from each tail along each vector, its head's barbs BARB of its length (at most HEAD
    of ``span``); NaN rows for a NaN or zero vector."""
    tails, vectors = np.asarray(tails, np.float64), np.asarray(vectors, np.float64)
    tips = tails + vectors
    length = np.linalg.norm(vectors, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        back = -vectors / length * np.minimum(BARB * length, HEAD * span)
    c, s = np.cos(SPREAD), np.sin(SPREAD)
    left = np.stack([c * back[:, 0] - s * back[:, 1], s * back[:, 0] + c * back[:, 1]], axis=-1)
    right = np.stack([c * back[:, 0] + s * back[:, 1], -s * back[:, 0] + c * back[:, 1]], axis=-1)
    gap = np.full_like(tails, np.nan)
    out = np.stack([tails, tips, gap, tips + left, tips, tips + right, gap], axis=1)
    out[~(length[:, 0] > 0)] = np.nan
    return out


def ellipses(centres: np.ndarray, axes: np.ndarray) -> np.ndarray:
    """(M, RING, 2): an axis-aligned ellipse round each centre with each pair of semi-axes; NaN where they are."""
    t = np.linspace(0, 2 * np.pi, RING - 1)
    ring = np.stack([np.cos(t), np.sin(t)], axis=-1)  # (RING - 1, 2)
    out = np.asarray(centres, np.float64)[:, None, :] + np.asarray(axes, np.float64)[:, None, :] * ring[None]
    return np.concatenate([out, np.full((len(out), 1, 2), np.nan)], axis=1)


def shapes(racers: list[RacerInternals], steps: np.ndarray, span: float) -> dict[str, np.ndarray]:
    """Each kind drawn by some racer: its points at each of ``steps``, (F, points, 2), every racer's in turn.

    A step is often a dot on the map (η = 0.015), and its size is the path's to tell: a racer's vectors at a step are
    drawn magnified together, its longest arrow SEEN of the map's ``span`` long, so that their directions and their
    sizes relative to each other (gradient step + what the rule adds = step taken) are what they show."""
    out: dict[str, np.ndarray] = {}
    scale = []
    for r in racers:
        vectors = [r.gradient[steps], r.step[steps]] + (
            [r.gradient[steps] + r.carry[steps]] if r.carry is not None else []
        )
        longest = np.fmax.reduce(np.stack([np.linalg.norm(v, axis=-1) for v in vectors]), axis=0)  # NaN: none
        with np.errstate(invalid="ignore", divide="ignore"):
            scale.append(np.where(longest > 0, SEEN * span / longest, np.nan)[:, None])
    for kind in KINDS:
        parts = []
        for r, k in zip(racers, scale, strict=True):
            at = r.xy[steps]
            if kind.key == "gradient":
                parts.append(arrows(at, k * r.gradient[steps], span))
            elif kind.key == "step":
                parts.append(arrows(at, k * r.step[steps], span))
            elif kind.key == "carry" and r.carry is not None:
                parts.append(arrows(at + k * r.gradient[steps], k * r.carry[steps], span))
            elif kind.key == "scale" and r.axes is not None:
                parts.append(ellipses(at, k * r.axes[steps]))
        if parts:
            out[kind.key] = np.concatenate(parts, axis=1).astype(np.float32)
    return out


def traces(drawn: dict[str, np.ndarray], racers: list[RacerInternals], theme: Theme) -> list[dict]:
    """One line trace a kind drawn, holding its last frame (the figure's opening step is the race's end); the
    carry's legend entry says what it carries ("momentum carried", "gradient noise")."""
    carried = sorted({r.carry_name for r in racers if r.carry is not None})
    out = []
    for kind in KINDS:
        if kind.key not in drawn:
            continue
        last = drawn[kind.key][-1]
        name = " · ".join(carried) if kind.key == "carry" else kind.name
        out.append(
            dict(
                type="scatter",
                mode="lines",
                name=name,
                x=_listed(last[:, 0]),
                y=_listed(last[:, 1]),
                line=dict(color=kind.color, width=kind.width * theme.line_width / 3, dash=kind.dash),
                hoverinfo="skip",
            )
        )
    return out


def _listed(v: np.ndarray) -> list:
    return [None if np.isnan(a) else float(a) for a in v]
