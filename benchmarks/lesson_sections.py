"""How long does a move take on the Networks page's newer lessons, warm (programs compiled, nothing cached)? Each
section's figures are built for a moved control, as the page builds them (charts.networks.figures, no Streamlit
cache), against the floor measured in the same run: a bare 200×200 contour figure serialised as a page sends it.

- Backprop: the step shown (w₂·tanh(w₁x): the engine's run and the pass; XOR: the NumPy run, cached per η);
- Depth: the number of layers (tanh, ReLU, ReLU with batch norm: four inits' forward and backward passes);
- Ridge & lasso: λ (the exact solutions, their paths and the picture);
- Sharpness: the steps (training, λmax along the path, the spectrum at four points by stochastic Lanczos quadrature);
- Minibatch on the line: the step whose batch is drawn;
- Train on minibatches of 32: the step shown (training, the landscapes, the shown step's batch loss on the PCA plane);
- Trajectories (charts.scene, not Networks): the race's map for a moved η with and without the optimizers' internals,
  and the fair race's sweeps for a moved start (every racer's 41 rates, the live drag's program).

Prints the median of 5 moves in ms and its ratio to the floor. This is a measurement, not a test.

    .venv/bin/python benchmarks/lesson_sections.py
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402

from charts import networks as nf  # noqa: E402
from links import networks as pg  # noqa: E402
from viz import THEMES  # noqa: E402

THEME = THEMES["normal"]


def floor() -> None:
    z = np.random.default_rng(0).normal(size=(200, 200)).astype(np.float32)
    go.Figure(go.Contour(z=z)).to_json()


def section(link: dict, moves: list[dict]) -> list:
    base = pg.decode(link)[0]
    return [pg.decode({**link, **m})[0] for m in moves] or [base]


def draw(state) -> None:
    for f in nf.figures(state, THEME).values():
        f.to_json()


def timed(fn, *args, repeat: int = 5) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args)
        out.append(time.perf_counter() - t)
    return statistics.median(out)


CASES = {
    "Backprop, tanh: the step": ({"section": "backprop"}, [{"step": str(k)} for k in (11, 30, 55, 80, 99)]),
    "Backprop, XOR: the step": (
        {"section": "backprop", "net": "xor"},
        [{"step": str(k)} for k in (11, 60, 120, 200, 299)],
    ),
    "Depth, tanh: the layers": ({"section": "depth"}, [{"depth": str(d)} for d in (5, 8, 12, 16, 20)]),
    "Depth, ReLU + BN: the layers": (
        {"section": "depth", "act": "relu", "bn": "1"},
        [{"depth": str(d)} for d in (5, 8, 12, 16, 20)],
    ),
    "Ridge & lasso: λ": ({"section": "lasso"}, [{"lam": v} for v in ("0.01", "0.03", "0.1", "0.5", "1")]),
    "Sharpness (with the spectrum): the steps": (
        {"section": "sharpness"},
        [{"steps": str(s)} for s in (1900, 1800, 1700, 1600, 1500)],
    ),
    "Minibatch, line: the step drawn": (
        {"section": "minibatch", "model": "linear", "batch": "1"},
        [{"step": str(k)} for k in (10, 60, 120, 250, 399)],
    ),
    "Train, B 32: the step shown": (
        {"section": "train", "batch": "32"},
        [{"step": str(k)} for k in (30, 99, 201, 300, 402)],
    ),
}


def trajectories() -> dict:
    """The race's map at a moved η with and without the internals, and the fair race's sweeps from a moved start."""
    from dataclasses import replace as swap

    from charts import scene as fig
    from charts.trajectories import fair_race
    from scenes import RunSpec, Scene, compute

    def at(lr: float) -> Scene:
        base = Scene()
        return swap(base, runs=(*base.runs[:2], RunSpec("adam", (("learning_rate", lr),))))

    def draw_map(lr: float, inside: bool) -> None:
        fig.contour(compute(at(lr)), THEME, internals=inside, recipe_only=True).to_json()

    rates, starts = (0.02, 0.03, 0.04, 0.05, 0.06), ((-1.7, 1.2), (-1.6, 1.1), (-1.5, 1.0), (-1.4, 0.9), (-1.3, 0.8))
    out = {}
    for name, inside in (("Trajectories: the map, Adam's η moved", False), ("… with the internals", True)):
        fig.contour(compute(at(0.01)), THEME, internals=inside, recipe_only=True)  # compile
        out[name] = [lambda lr=lr, i=inside: draw_map(lr, i) for lr in rates]
    fair_race(Scene(start=(-1.8, 1.0)))
    out["Trajectories: the fair race's sweeps, a moved start"] = [lambda s=s: fair_race(Scene(start=s)) for s in starts]
    return out


def main() -> None:
    timed(floor)
    base = timed(floor)
    print(f"floor (a 200×200 contour serialised): {base * 1e3:.0f} ms")
    for name, (link, moves) in CASES.items():
        states = section(link, moves)
        draw(replace(states[0]))  # compile, and the imports
        times = []
        for s in states:
            t = time.perf_counter()
            draw(s)
            times.append(time.perf_counter() - t)
        report(name, times, base)
    for name, moves in trajectories().items():
        times = []
        for move in moves:
            t = time.perf_counter()
            move()
            times.append(time.perf_counter() - t)
        report(name, times, base)


def report(name: str, times: list[float], base: float) -> None:
    med = statistics.median(times)
    print(f"{name:45s} {med * 1e3:7.0f} ms  {med / base:6.1f}× floor  (worst {max(times) * 1e3:.0f} ms)")


if __name__ == "__main__":
    main()
