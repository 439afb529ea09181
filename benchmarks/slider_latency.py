"""How long do the pages take to answer a slider move, once warm?

Drives the Trajectories page and the Learning rate page through Streamlit's AppTest (the server side of a rerun:
widgets -> Scene -> compute -> figures -> JSON), timing reruns after a slider move against a baseline measured in the
same run: a rerun where nothing changed (everything cached). The browser's own drawing comes on top (see the
real-browser test).
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

from links.slider_values import options  # noqa: E402
from optim import OPTIMIZERS  # noqa: E402


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
    print(
        f"rerun after a new learning rate: median {move * 1000:.0f} ms, worst {max(moved) * 1000:.0f} ms "
        f"over {len(moved)} values"
    )
    print(f"slider move / unchanged rerun = {move / base:.2f}")
    lab(at, repeats)


def lab(at: AppTest, repeats: int) -> None:
    """The Learning rate page: a new β (a new 200-rate sweep) and, in the Momentum section, a new κ (a new race:
    κ is data, so neither compiles)."""
    at.switch_page("views/learning_rate.py").run()
    at.selectbox(key="learning_rate.optimizer.sweep").set_value("momentum").run()
    betas = [b for b in options(0.0, 0.999, False, 0.9) if 0.3 <= b <= 0.99][:repeats]
    for b in betas[:2]:
        at.select_slider(key="learning_rate.momentum.momentum").set_value(b)
        timed(at)
    unchanged = [timed(at) for _ in range(repeats)]
    moved = []
    for b in betas:
        at.select_slider(key="learning_rate.momentum.momentum").set_value(b)
        moved.append(timed(at))
    base = statistics.median(unchanged)
    print(
        f"Learning rate page, sweep: unchanged rerun {base * 1000:.0f} ms; new β (200 runs swept again) median "
        f"{statistics.median(moved) * 1000:.0f} ms, worst {max(moved) * 1000:.0f} ms over {len(moved)} values "
        f"= {statistics.median(moved) / base:.2f} x unchanged"
    )
    at.segmented_control(key="learning_rate.section").set_value("Momentum").run()
    kappas = [k for k in options(1, 1000, True, 100) if k >= 2][:repeats]
    timed(at)
    moved = []
    for k in kappas:
        at.select_slider(key="learning_rate.narrow_valley.kappa").set_value(k)
        moved.append(timed(at))
    print(
        f"Learning rate page, momentum: new κ median {statistics.median(moved) * 1000:.0f} ms, worst "
        f"{max(moved) * 1000:.0f} ms over {len(moved)} values"
    )


if __name__ == "__main__":
    main()
