"""What the Networks page's controls offer (a slider's stops, a box's entries) and the readers that accept only
those from a link: the option lists the page draws and scenes/pages/networks.py's codec checks against."""

from __future__ import annotations

import math
from dataclasses import replace

from links.params import Param, choice, integer
from links.scene import fmt
from optim import OPTIMIZERS
from scenes.networks import MAX_RECORDS, NET_STEPS, NetScene, max_steps, over_budget
from scenes.text import plural

# -- what the controls offer -----------------------------------------------------------------------------------------
NOISES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
POINTS = (100, 200, 400, 800)
SEEDS = (0, 10_000)
PENALTIES = (0.0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.5)
BATCH_SIZES = (0, 1, 8, 32, 128)  # Train's minibatch sizes; 0: the whole training set
INIT_SCALES = (0.0, 0.01, 0.1, 0.3, 1.0, 3.0)
SCALED_INITS = ("constant", "normal")  # the initialisations with a scale control
SYMMETRIC_INITS = ("zeros", "constant")
INIT_TITLES = {
    "zeros": "Zeros",
    "constant": "Constant (every weight the same)",
    "normal": "Normal (chosen std)",
    "xavier": "Xavier / Glorot",
    "he": "He",
}
AUG_TITLES = {
    "none": "None",
    "jitter": "Jitter (input noise copies)",
    "flip": "Mirror x₁ → −x₁",
    "mixup": "Mixup (Zhang et al. 2018)",
}
STRENGTHS = {"jitter": (0.02, 0.05, 0.1, 0.2), "flip": (0.25, 0.5, 1.0), "mixup": (0.1, 0.2, 0.4, 1.0)}
NET_OPTIMIZERS = tuple(k for k, o in OPTIMIZERS.items() if o.scales_to_networks)  # not Newton: P×P Hessians
STEPS = (50, NET_STEPS[1], 50)  # the steps slider: from, to, by
MAX_LAYERS, MAX_WIDTH = 4, 256
SHARP_LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)  # the Sharpness section's η (gradient descent)
SHARP_STEPS = (200, NET_STEPS[1], 100)
WHOLE_OPTIMIZERS = ("gd", "momentum", "adam")
BACKPROP_LRS = (0.01, 0.03, 0.1, 0.3, 1.0)  # the Backprop section's η (gradient descent)
WHOLE_SCALES = (0.001, 0.01, 0.1, 0.5)
WHOLE_STEPS = (50, 2000, 50)


class SettingError(ValueError):
    """A setting the network cannot be built with; its message is for the page."""


def parse_widths(text: str) -> tuple[int, ...]:
    """ "16, 16" -> (16, 16); "" -> () (a linear model). A zero, a negative or a word is told plainly."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        widths = tuple(int(p) for p in parts)
    except ValueError:
        raise SettingError(f"hidden widths are whole numbers separated by commas, like 16, 16; got {text!r}") from None
    if any(w < 1 for w in widths):
        raise SettingError(f"a layer needs at least one neuron: {text!r} has a width below 1")
    if len(widths) > MAX_LAYERS or any(w > MAX_WIDTH for w in widths):
        raise SettingError(
            f"at most {MAX_LAYERS} hidden layers of at most {MAX_WIDTH} neurons each (the page trains in seconds)"
        )
    return widths


def recorded_steps(steps: int) -> list[int]:
    """The steps a training run of ``steps`` records (net.train: every ⌈steps/200⌉, the last always)."""
    every = max(1, math.ceil(steps / MAX_RECORDS))
    return sorted({*range(0, steps + 1, every), steps})


# -- readers of a link's values: only what a control offers -----------------------------------------------------------
def _offered(values, v: float) -> str:
    if len(values) <= 12:
        return ", ".join(fmt(o) for o in values)
    if not math.isfinite(v):  # not a number at all: the slider's ends
        return f"{fmt(values[0])}, {fmt(values[1])}, … {fmt(values[-1])}"
    below, above = [o for o in values if o < v][-1:], [o for o in values if o > v][:1]
    return f"…, {', '.join(fmt(o) for o in below + above)}, … ({fmt(values[0])} to {fmt(values[-1])})"


def on_grid(values, v: float):
    """The offered value equal to ``v`` (the option itself: an int stays an int), or None."""
    return next((o for o in values if math.isclose(v, o, rel_tol=1e-9, abs_tol=1e-15)), None)


def grid(values):
    """A reader that accepts one of a slider's stops."""

    def read(text: str):
        try:
            v = float(text)
        except ValueError:
            v = math.nan
        if (o := on_grid(values, v)) is None:
            raise ValueError(f"must be one of the slider's values: {_offered(values, v)}")
        return o

    return read


def stepped(lo: int, hi: int, by: int):
    """A reader of a whole number a slider from ``lo`` to ``hi`` by ``by`` can hold."""

    def read(text: str) -> int:
        why = f"must be one of {lo}, {lo + by}, … {hi} (the slider's values)"
        try:
            v = integer(lo, hi)(text)
        except ValueError:
            raise ValueError(why) from None
        if (v - lo) % by:
            raise ValueError(why)
        return v

    return read


def labelled(labels: dict[str, str]) -> Param:
    """``compare``: a radio's label by its short name in the link."""
    short = {v: k for k, v in labels.items()}
    return Param(
        "compare",
        "compare",
        f"the comparison: {', '.join(labels)}",
        lambda t: labels[choice(tuple(labels))(t)],
        short.get,
    )


def within_budget(v: dict, default: NetScene, grid: tuple[int, int, int], notices: list[str]) -> None:
    """A run the link asks for that is more work than the page does (scenes.networks.WORK_BUDGET): the most steps
    the budget allows on the steps slider's ``grid`` (from, to, by), or, when not even its fewest fit, the default
    widths (and then steps); told with the limit."""
    lo, _, by = grid
    asked = replace(default, **{k: v[k] for k in ("widths", "n", "steps")})
    if (why := over_budget(asked, by)) is None:
        return
    if (most := max_steps(asked.widths, asked.n, by)) >= lo:
        v["steps"] = most
        notices.append(f"{why}; using {plural(most, 'step')}")
        return
    v["widths"] = default.widths
    v["steps"] = min(v["steps"], max(lo, max_steps(default.widths, asked.n, by)))
    notices.append(f"{why}; using the default widths {', '.join(map(str, default.widths))}")
