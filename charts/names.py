"""What the export calls a chart: the name its figure keeps (given where charts/ composes it, viz.layout.keep_name:
"race on the map", "basin map, Adam (lr 0.05)", "L2 regularisation off, loss curves"), after its section in the
export panel ("Regimes: race, η too small"), and a file name made of it ("race-eta-too-small"). The panel
(views/export_panel.py) and the export command (lab/render.py) both name charts here, so a chart is called the same in
both."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from viz.layout import name_of

ASCII = {"η": "eta", "β": "beta", "λ": "lambda", "ε": "eps", "σ": "sigma", "·": " ", "×": "x", "−": "-"}


def slug(text: str) -> str:
    """A name as a file name: lower-case ASCII words joined by dashes, Greek letters spelled, a decimal point kept
    ("Regimes: race, η too small" -> "regimes-race-eta-too-small", "fit, constant 0.1" -> "fit-constant-0.1")."""
    t = "".join(ASCII.get(c, c) for c in text)
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower()
    t = re.sub(r"(?<![0-9])\.|\.(?![0-9])|'", lambda m: "" if m[0] == "'" else " ", t)  # "path's" -> "paths"
    return re.sub(r"[^a-z0-9.]+", "-", t).strip("-")


def words(key: str) -> str:
    """A figure's key in words, for a figure that keeps no name: "saddle.stable" -> "saddle stable"."""
    return re.sub(r"[._-]+", " ", key).strip()


def names(figures: dict, section: str | None = None) -> dict[str, str]:
    """key -> the chart's name: the name its figure keeps (else its key in words), after the section if given. Never
    two alike: a name several charts share gets each one's key in words in brackets, then a number."""
    base = {key: name_of(f) or words(key) for key, f in figures.items()}
    shared = Counter(base.values())
    named = {key: f"{n} ({words(key)})" if shared[n] > 1 else n for key, n in base.items()}
    out, seen = {}, Counter()
    for key, n in named.items():
        seen[n] += 1
        n = n if seen[n] == 1 else f"{n} {seen[n]}"
        out[key] = f"{section}: {n}" if section else n[:1].upper() + n[1:]
    return out
