"""How big is the Trajectories figure the browser receives, and how long does it take to build?

Prints the JSON size of the contour animation, the 3D view and the loss chart for the default scene, for six
racers, and for six racers over 2,000 steps, next to a baseline measured in the same run: the same animation with
every frame carrying the whole path so far (the naive way). Goal: default figure <= 1.5 MiB.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import plotly.graph_objects as go  # noqa: E402

from charts import scene as fig  # noqa: E402
from scenes import RunSpec, Scene, compute  # noqa: E402
from viz import THEMES  # noqa: E402
from viz.paths import frame_steps  # noqa: E402

MiB = 1024 * 1024
SIX = ("gd", "sgd", "momentum", "nesterov", "rmsprop", "adam")


def naive_size(result, frames: int = 61) -> int:
    """The same animation where each frame resends every path up to its step (what baseframes avoid)."""
    shown = frame_steps(result.scene.steps, frames)
    out = [
        go.Frame(name=str(s), data=[go.Scatter(x=r.xy[: s + 1, 0], y=r.xy[: s + 1, 1]) for r in result.runs])
        for s in shown
    ]
    return len(go.Figure(frames=out).to_json())


def measure(name: str, scene: Scene) -> None:
    result = compute(scene)
    t = time.perf_counter()
    contour = fig.contour(result, THEMES["normal"])
    build = time.perf_counter() - t
    sizes = {
        "contour+animation": len(contour.to_json()),
        "3d": len(fig.surface3d(result, THEMES["normal"]).to_json()),
        "loss": len(fig.loss(result, THEMES["normal"]).to_json()),
    }
    naive = naive_size(result)
    print(
        f"{name}: "
        + ", ".join(f"{k} {v / MiB:.3f} MiB" for k, v in sizes.items())
        + f"; contour built in {build * 1000:.0f} ms; naive frames {naive / MiB:.3f} MiB "
        f"({naive / sizes['contour+animation']:.1f}x ours)"
    )


if __name__ == "__main__":
    fig.contour(compute(Scene(steps=20)), THEMES["normal"])  # warm up compile and imports
    measure("default scene (3 racers, 300 steps)", Scene())
    measure("6 racers, 300 steps", Scene(runs=tuple(RunSpec.default(k) for k in SIX)))
    measure("6 racers, 2000 steps", Scene(runs=tuple(RunSpec.default(k) for k in SIX), steps=2000))
