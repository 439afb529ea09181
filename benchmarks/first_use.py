"""How long does a class wait the first time a control is used on a running server? A section's state one move away
from its defaults (charts.scene.control_moves: another surface, the steps a notch up, another rule or a schedule;
a network's steps, points or activation) is drawn in a fresh process, as a server's first use of it draws it:

- **primed**: the programs loaded from the persistent cache `python -m lab warm` primed (what `make run` serves);
- **compiled**: the same programs compiled, with an empty cache (what a move the warm-up does not cover costs).

Each figure set is timed inside its own process (the imports and the section's defaults drawn first, not counted).
Prints seconds per move and the ratio compiled / primed. This is a measurement, not a test.

    .venv/bin/python benchmarks/first_use.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (page, section's link, the move: a link parameter added to it)
MOVES = [
    ("trajectories", {"view": "both"}, {"surface": "booth"}),
    ("trajectories", {"view": "both"}, {"steps": "510"}),
    ("trajectories", {"view": "both"}, {"gd.schedule": "step"}),
    ("learning_rate", {}, {"surface": "booth"}),
    ("learning_rate", {"section": "phase"}, {"opt": "adam"}),
    ("minima", {}, {"surface": "booth"}),
    ("minima", {}, {"grid": "300"}),
    ("minima", {"section": "escape"}, {"steps": "1050"}),
    ("networks", {"section": "train"}, {"steps": "550"}),
    ("networks", {"section": "train"}, {"n": "200"}),
    ("networks", {"section": "test"}, {"act": "relu"}),
    ("networks", {"section": "sharpness"}, {"steps": "2100"}),
]

CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from lab import warmup
warmup.use_compilation_cache()
import jax
if {cache!r}:
    jax.config.update("jax_compilation_cache_dir", {cache!r})
from lab.pages import PAGES
from viz import THEMES
page = PAGES[{page!r}]
base, move = {base!r}, {move!r}
page.charts.figures(page.link.decode(base)[0], THEMES["normal"])  # the section at its defaults, as a class found it
state, notices = page.link.decode(base | move)
assert not notices, notices
t = time.perf_counter()
page.charts.figures(state, THEMES["normal"])
print(json.dumps(time.perf_counter() - t))
"""


def timed(page: str, base: dict, move: dict, cache: str | None) -> float:
    code = CHILD.format(root=str(ROOT), cache=cache or "", page=page, base=base, move=move)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=None)
    return float(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    from lab import warmup

    if not warmup.primed():
        sys.exit("The compile cache is not primed: run `.venv/bin/python -m lab warm` first.")
    print("First use of a control on a running server: the move's figures in a fresh process, s")
    print(f"{'page, section: move':<52} {'primed':>7} {'compiled':>9} {'x':>6}")
    for page, base, move in MOVES:
        primed = timed(page, base, move, None)
        with tempfile.TemporaryDirectory() as empty:
            compiled = timed(page, base, move, empty)
        name = f"{page} {base.get('section', base.get('view', ''))}: {json.dumps(move)}"
        print(f"{name:<52} {primed:7.2f} {compiled:9.2f} {compiled / primed:6.1f}", flush=True)


if __name__ == "__main__":
    main()
