"""Numbers and hyperparameters as a lecturer reads them: 0.05, 1e−4, (−4, 4), "lr 0.05, β 0.9"."""

from __future__ import annotations

import math

# Short names for captions; the sliders show the LaTeX labels of the registry.
SHORT = {
    "learning_rate": "lr",
    "momentum": "β",
    "b1": "β₁",
    "b2": "β₂",
    "decay": "ρ",
    "eta": "η",
    "gamma": "γ",
    "weight_decay": "wd",
    "damping": "λ",
}


# What a surface parameter's slider is called next to its symbol (an optimizer's Hyper carries its own title: one
# optax name means different things to different rules).
NAMES = {
    "kappa": "condition number",
    "theta": "angle (degrees)",
}


def num(v: float, digits: int = 3) -> str:
    """A number with `digits` significant digits, no trailing zeros, a true minus sign."""
    if v is None or not math.isfinite(v):
        return "—"
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1e5 or a < 1e-3:
        m, e = f"{v:.{digits - 1}e}".split("e")
        m = m.rstrip("0").rstrip(".")
        s = f"{m}e{int(e)}"
    else:
        s = f"{v:.{max(digits - 1 - math.floor(math.log10(a)), 0)}f}"
        if "." in s:
            s = s.rstrip("0").rstrip(".")
    return s.replace("-", "−")


def point(x: float, y: float, digits: int = 3) -> str:
    return f"({num(x, digits)}, {num(y, digits)})"


def hyper_text(optimizer, values: dict[str, float], schedule=None) -> str:
    """ "lr 0.05, β 0.9": the learning rate always, other slider hyperparameters when they matter to the rule, and a
    schedule's short name unless it is constant ("lr 0.05, cosine")."""
    parts = []
    for h in optimizer.hypers:
        if not h.slider or h.name not in values:
            continue
        if h.name == "learning_rate" or h.name in ("momentum", "damping", "eta") or values[h.name] != h.default:
            parts.append(f"{SHORT.get(h.name, h.name)} {num(values[h.name])}")
    if schedule is not None and schedule.kind != "constant":
        parts.append(schedule.short)
    return ", ".join(parts)
