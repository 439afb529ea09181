"""A racer's path at the values of one hyperparameter (its learning rate, its momentum) around its slider's value, in
one vectorised run: what the page shows while the slider is dragged (the browser switches among them without asking
the server; the release computes the exact run as always)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np

from optim import run
from optim.spec import Trajectory
from scenes.compute import step_bucket
from scenes.scene import RunSpec, Scene

HALF = 12  # stops each side of the slider's value (±1.2 decades): 25 paths, one program per rule, surface, step bucket
POINTS = 100  # at most this many points per path: a preview under the thumb, drawn exactly on release
HEAD = 20  # the first steps kept one by one


@dataclass(frozen=True)
class Ladder:
    first: int  # the slider index of the first path
    values: np.ndarray  # (K,) the hyperparameter's values
    xy: np.ndarray  # (K, POINTS, 2) float32, frozen at the last good point after a divergence


def window(stops: int, at: int, half: int = HALF) -> tuple[int, int]:
    """[first, first + K) around index ``at``, K = 2·half + 1 (or every stop when there are fewer), inside the range."""
    k = min(2 * half + 1, stops)
    first = min(max(at - half, 0), stops - k)
    return first, k


def kept(steps: int) -> np.ndarray:
    """The recorded steps a preview keeps: the first HEAD all (a large rate's first jumps are the picture), then every
    k-th with k odd (a zigzag of period 2 stays a zigzag: an even stride would alias it into a smooth curve), and the
    last; at most POINTS."""
    head = min(HEAD, steps)
    k = max(1, -(-(steps - head) // (POINTS - head - 1)))
    k += 1 - k % 2
    return np.unique(np.r_[np.arange(head), np.arange(head, steps + 1, k), steps])


def ladder(scene: Scene, racer: int, values: tuple[float, ...], first: int, hyper: str = "learning_rate") -> Ladder:
    """Racer ``racer`` of ``scene`` run at each of ``values`` of its hyperparameter ``hyper`` (the slider's stops from
    index ``first``), its other settings (hyperparameters, schedule, seed) as they are."""
    tr = swept(scene, racer, values, hyper, step_bucket(scene.steps))
    xy = np.asarray(tr.xy)[: len(values), kept(scene.steps)].astype(np.float32)
    return Ladder(first, np.asarray(values, np.float32), xy)


def swept(scene: Scene, racer: int, values, hyper: str, steps: int) -> Trajectory:
    """Racer ``racer`` of ``scene`` run for ``steps`` steps at each of ``values`` (1 to 2·HALF + 1) of ``hyper``, its
    other settings as they are: a batch of 2·HALF + 1 runs, the last value repeating, cut to ``values``' count.

    Every hyperparameter goes in as an array of 2·HALF + 1 values, so all the sweeps of a rule on a surface (the
    live drag's learning rate and momentum ladders, the fair race's learning rates) are one compiled program per
    bucket of steps."""
    r: RunSpec = scene.runs[racer]
    size = 2 * HALF + 1
    if not 1 <= len(values) <= size:
        raise ValueError(f"a sweep has 1 to {size} values")
    padded = np.asarray([*values, *[values[-1]] * (size - len(values))], np.float32)
    every = {k: np.full(size, v, np.float32) for k, v in r.hyper_dict().items()} | {hyper: padded}
    tr = run(
        scene.surface_obj,
        r.optimizer,
        start=scene.start_point,
        steps=steps,
        seed=scene.seed,
        schedule=r.schedule,
        **every,
    )
    k = len(values)
    return tr._replace(xy=np.asarray(tr.xy)[:k], loss=np.asarray(tr.loss)[:k], diverged_at=tr.diverged_at[:k])


def quantized(lad: Ladder, domain) -> tuple[str, tuple[float, float, float, float]]:
    """The paths as little-endian uint16 (x, y) pairs over the domain enlarged by half each way (beyond: clipped), in
    base64, and that box (x0, x1, y0, y1): 2 bytes a coordinate, ~13 kB for 25 paths of 100 points."""
    (x0, x1), (y0, y1) = domain
    wx, wy = (x1 - x0) / 2, (y1 - y0) / 2
    box = (x0 - wx, x1 + wx, y0 - wy, y1 + wy)
    lo = np.array([box[0], box[2]], np.float64)
    span = np.array([box[1] - box[0], box[3] - box[2]], np.float64)
    q = np.clip(np.round((lad.xy - lo) / span * 65535), 0, 65535).astype("<u2")
    return base64.b64encode(q.tobytes()).decode("ascii"), tuple(float(v) for v in box)
