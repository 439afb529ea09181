"""Numbers, counts and hyperparameters as a lecturer reads them: 0.05, 1e−4, (−4, 4), "1 step", "η 0.05, β 0.9".

One symbol, one meaning: η is only ever the learning rate; SGD's noise is its variance σ₀² (optax's ``eta``)."""

from __future__ import annotations

import math
import re

# Short names for labels and captions, the same symbols as the registry's LaTeX labels the sliders show.
SHORT = {
    "learning_rate": "η",
    "momentum": "β",
    "b1": "β₁",
    "b2": "β₂",
    "decay": "ρ",
    "eta": "σ₀²",  # SGD's noise variance at the first step (optax's name; the symbol is not η, the learning rate)
    "gamma": "γ",
    "weight_decay": "wd",
    "damping": "δ",  # λ is an eigenvalue (λmax, λ₋): Newton's damping is δ
}


# What a surface parameter's slider is called next to its symbol (an optimizer's Hyper carries its own title: one
# optax name means different things to different rules).
NAMES = {
    "kappa": "condition number",
    "theta": "angle (degrees)",
}


# Below this a printed value is float32 noise, not a number to read: shown as 0. float32 resolves ~1e−7 of a value of
# order 1, so a loss, an eigenvalue or a coordinate below 1e−12 is far past anything the arithmetic of a run resolves
# (float32 itself goes on to ~1e−45: "(−6.55e−44, −6.91e−44)" is underflow, not a position). Deliberately small
# values stay above it: the Saddles section's perturbation goes down to 1e−9.
NOISE_FLOOR = 1e-12


def num(v: float, digits: int = 3, floor: float = NOISE_FLOOR) -> str:
    """A number with `digits` significant digits, no trailing zeros, a true minus sign; 0 below ``floor``. A number
    of magnitude below 1 that would read as 1 gets the digits it needs not to: β = 0.9999 is "0.9999", not "1"
    (which would mean no damping at all)."""
    if v is None or not math.isfinite(v):
        return "—"
    if abs(v) < floor:
        return "0"
    text = _num(v, digits)
    while abs(v) < 1 and text.lstrip("−") == "1" and digits < 15:
        digits += 1
        text = _num(v, digits)
    return text


def _num(v: float, digits: int) -> str:
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
    """ "(3, 2)", "(0, 0)": each coordinate below the noise floor is 0."""
    return f"({num(x, digits)}, {num(y, digits)})"


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 step", "19 steps", "0 steps": the one way a count is printed (``many``: an irregular plural)."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def hyper_text(optimizer, values: dict[str, float], schedule=None) -> str:
    """ "η 0.05, β 0.9": the learning rate always, other slider hyperparameters when they matter to the rule, and a
    schedule's short name unless it is constant ("η 0.05, cosine")."""
    parts = []
    for h in optimizer.hypers:
        if not h.slider or h.name not in values:
            continue
        if h.name == "learning_rate" or h.name in ("momentum", "damping", "eta") or values[h.name] != h.default:
            parts.append(f"{SHORT.get(h.name, h.name)} {num(values[h.name])}")
    if schedule is not None and schedule.kind != "constant":
        parts.append(schedule.short)
    return ", ".join(parts)


def run_label(title: str, optimizer, values: dict[str, float], schedule=None) -> str:
    """ "Momentum (heavy ball) · η 0.002, β 0.9": a racer's name in legends and captions (a title may hold its own
    parentheses, so the values follow a dot, not another pair)."""
    return f"{title} · {hyper_text(optimizer, values, schedule)}"


ECHO = 60  # characters of a value someone typed or linked that a notice repeats: enough to recognise it


def cut(text: str, limit: int = ECHO) -> str:
    """``text`` at most ``limit`` characters: longer, its start and "…" (a 10 kB link value is not echoed whole)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# what can start Markdown inline in Streamlit: links and images ([ ] ( ) !), autolinks and HTML (< > :), emphasis and
# strikethrough (* _ ~), code (`), LaTeX ($), emoji, icons and colours (:), headings (#), tables (|), e-mail links
# (@), the backslash; and "www." (GFM links a bare www.example.org)
_MARKDOWN = re.compile(r"([\\`*_~\[\]()!<>$:#|@])")
_WWW = re.compile(r"(?i)\b(www)\.")


def plain(text: str) -> str:
    """``text`` to be shown as it is where Streamlit reads Markdown (a toast, an alert, a caption): each character
    that could start Markdown escaped with a backslash (CommonMark lets any punctuation be), so a value from a link
    or a formula never becomes a link, an image, emphasis, code or LaTeX ("x*y + y*x" stays itself, not in
    italics); quotes, commas and the like stay as they are."""
    return _WWW.sub(r"\1\\.", _MARKDOWN.sub(r"\\\1", text))
