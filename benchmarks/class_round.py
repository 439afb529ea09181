"""A class round's compute: 300 submissions (η, β) of the heavy ball on the ill-conditioned quadratic, 500 steps shown
(raced to the horizon, 1,000), ranked (``scenes.class_round.standings``: one vectorised run padded to 1,024), against
the same 300 runs one at a time through the engine's single run (``scenes.compute``, as a student's preview does),
measured in the same process, warm.

Goal (issue 16): 300 submissions × 500 steps well under a second. Run from the project root:
``.venv/bin/python benchmarks/class_round.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from benchmarks.basin_speed import best_of  # noqa: E402
from charts.classroom import student_scene  # noqa: E402
from links import classroom as cl  # noqa: E402
from scenes import class_round as cr  # noqa: E402
from scenes import compute  # noqa: E402

N = 300


def main() -> None:
    setup = cl.complete(cl.Setup())
    rng = np.random.default_rng(0)
    (lo, hi), (blo, bhi) = (a[1:] for a in setup.allowed)
    values = np.c_[np.exp(rng.uniform(np.log(lo), np.log(hi), N)), rng.uniform(blo, bhi, N)]
    names = setup.names
    state = {"k": 0}

    def ranked():  # a new submission set each time: the standings' own cache must not answer
        state["k"] += 1
        return cr.standings(setup.scene, setup.goal, names, values * (1 + 1e-7 * state["k"]))

    def one_by_one():
        return [compute(student_scene(setup, dict(zip(names, v, strict=True)))) for v in values[:30]]

    ranked(), one_by_one()  # compile
    times, outs = best_of({"standings": ranked, "single": one_by_one}, repeats=3)
    single = times["single"] / 30 * N
    counts = outs["standings"].counts()
    print(f"{N} submissions x {setup.scene.steps} steps (padded to {cr.BATCHES[-1]} runs), heavy ball, quadratic")
    print(f"  standings, one vectorised run: {times['standings'] * 1e3:7.1f} ms   (goal: well under 1 s)")
    print(f"  one at a time (30 timed, x10):  {single * 1e3:7.1f} ms   ratio {single / times['standings']:.0f}x")
    print(f"  fates: {counts}")


if __name__ == "__main__":
    main()
