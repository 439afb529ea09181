"""How long does the page take to answer a learning-rate slider move, once warm?

Drives the Trajectories page through Streamlit's AppTest (the server side of a rerun: widgets -> Scene -> compute ->
figures -> JSON), timing reruns after a new learning rate against a baseline measured in the same run: a rerun where
nothing changed (everything cached). The browser's own drawing comes on top (see the real-browser test).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LLL_WARMUP", "0")

from streamlit.testing.v1 import AppTest  # noqa: E402

from optim import OPTIMIZERS  # noqa: E402
from scenes.controls import options  # noqa: E402


def timed(at: AppTest) -> float:
    t = time.perf_counter()
    at.run()
    assert not at.exception, at.exception
    return time.perf_counter() - t


def main(repeats: int = 12) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    h = OPTIMIZERS["gd"].hyper("learning_rate")
    lrs = [v for v in options(h.lo, h.hi, h.log, h.default) if 1e-3 <= v <= 0.05][:repeats]
    slider = lambda: at.select_slider(key="gd.learning_rate")
    for lr in lrs[:3]:  # compile every step bucket and warm the caches
        slider().set_value(lr)
        timed(at)
    unchanged = [timed(at) for _ in range(repeats)]
    moved = []
    for lr in lrs:
        slider().set_value(lr)
        moved.append(timed(at))
    base, move = statistics.median(unchanged), statistics.median(moved)
    print(f"rerun with nothing changed: median {base * 1000:.0f} ms over {repeats}")
    print(f"rerun after a new learning rate: median {move * 1000:.0f} ms, worst {max(moved) * 1000:.0f} ms "
          f"over {len(moved)} values")
    print(f"slider move / unchanged rerun = {move / base:.2f}")


if __name__ == "__main__":
    main()
