"""How much memory does a class typing formulas leave on the server? Each distinct formula compiles its own programs
(~18 MB); surfaces.formula keeps those of at most KEEP new formulas, then lets them all go (forget_programs).

Computes N distinct formulas' races in this process, as the page does for each (surfaces.from_formula, then
scenes.compute), and prints the resident memory above the first formula's, every 10 formulas, and the time per
formula. This is a measurement, not a test.

    .venv/bin/python benchmarks/formula_memory.py [--formulas 100]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scenes import Scene, compute  # noqa: E402
from scenes.scene import CUSTOM  # noqa: E402
from surfaces import formula  # noqa: E402

DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))


def rss_mb() -> float:
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--formulas", type=int, default=100, help="distinct formulas (default 100)")
    n = ap.parse_args().formulas
    compute(Scene(surface=CUSTOM, formula=("x^2 + y^2", DOMAIN)))
    base, start = rss_mb(), time.perf_counter()
    print(f"Formulas kept in memory: {formula.KEEP}; resident memory after the first formula {base:.0f} MB")
    for i in range(n):
        text = f"x^2 + {1 + i / 7:.4f}*y^2 + 0.1*sin({1 + i % 5}*x)"
        compute(Scene(surface=CUSTOM, formula=(text, DOMAIN)))
        if (i + 1) % 10 == 0 or i + 1 == n:
            took = (time.perf_counter() - start) / (i + 1)
            print(f"{i + 1:5d} formulas: +{rss_mb() - base:6.0f} MB   {took:.2f} s a formula", flush=True)


if __name__ == "__main__":
    main()
