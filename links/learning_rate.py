"""The Learning rate & momentum page's state: its section, a Scene with the one rule whose learning rate it varies,
and the learning rate animated (the sweep's pick) or the (η, β) cell animated (the phase diagram's pick).

Link: the Scene's parameters (``opt`` omitted when it is the section's default rule), ``section``, and ``lr``
(Sweep) or ``lr`` and ``beta`` (Phase diagram), omitted while the page animates its own choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from links import read_section, section_param
from links.controls import Control, hold, run_widgets, scene_widgets, start_widgets, surface_widgets
from links.params import Param, number, read_params, write_params
from links.scene import decode as decode_scene
from links.scene import encode as encode_scene
from links.scene import fmt
from optim import OPTIMIZERS
from optim import analysis as an
from scenes import RunSpec, Scene
from scenes import learning_rate as lab
from scenes.scene import CUSTOM
from surfaces import SURFACES

SECTIONS = ("Sweep", "Regimes", "Phase diagram", "Momentum")
SHORT = {"Phase diagram": "Phase"}  # four labels fit a phone's width
QUADRATICS = ("quadratic", "narrow_valley")  # the Momentum section's rates are theory on these only
PHASE_RULES = tuple(an.MOMENTUM_HYPER)  # the phase diagram needs a momentum-like hyperparameter
PREFIX = "learning_rate."  # the page's widget keys


def default_scene(section: str) -> Scene:
    """What the page shows before anything is moved: GD (heavy ball for the phase diagram), 500 steps."""
    surface = "narrow_valley" if section == "Momentum" else "quadratic"
    rule = PHASE_RULES[0] if section == "Phase diagram" else "gd"
    return Scene(surface=surface, runs=(RunSpec.default(rule),), steps=500)


def optimizers(section: str) -> tuple[str, ...]:
    """The rules the section's optimizer box offers (none to choose on Momentum: it races its own three)."""
    return PHASE_RULES if section == "Phase diagram" else ("gd",) if section == "Momentum" else tuple(OPTIMIZERS)


def surfaces(section: str) -> tuple[str, ...]:
    return QUADRATICS if section == "Momentum" else tuple(SURFACES)


def controls(section: str) -> tuple[Control, ...]:
    """The section's controls of its Scene, one row each (the rule's sliders, start and schedule follow the rule)."""
    default = default_scene(section)
    momentum = section == "Momentum"  # the rates are theory on the quadratics only: no formula, no rule to choose
    surface = Control(
        "surface",
        f"{PREFIX}msurface" if momentum else f"{PREFIX}surface",  # Momentum's box offers the quadratics only
        "Surface",
        default.surface,
        options=surfaces(section) + (() if momentum else (CUSTOM,)),
    )
    rule = Control(
        "runs",
        # the Sweep and Regimes share one box; the phase diagram's offers the momentum rules only
        f"{PREFIX}optimizer.{'phase' if section == 'Phase diagram' else 'sweep'}",
        "Optimizer",
        (default.runs[0].optimizer,),
        options=optimizers(section),
        input="select",
        help="The rule whose learning rate is swept; its other hyperparameters stay as set below.",
    )
    steps = Control("steps", f"{PREFIX}steps", "Steps (the budget of every run)", 500, lo=100, hi=2000, by=50)
    seed = Control("seed", f"{PREFIX}seed", "Noise seed", 0, lo=0, hi=1_000_000, input="box")
    return (surface, steps, seed) if momentum else (surface, rule, steps, seed)


@dataclass(frozen=True)
class State:
    section: str = SECTIONS[0]
    scene: Scene = field(default_factory=lambda: default_scene(SECTIONS[0]))
    lr: float | None = None  # Sweep: the learning rate animated; Phase diagram: with beta, the cell animated
    beta: float | None = None


PICKS = (
    Param("lr", "lr", "the learning rate animated (Sweep, Phase diagram)", number(1e-9, 1e6), fmt),
    Param("beta", "beta", "the momentum animated (Phase diagram)", number(0.0, 0.9999), fmt),
)


def decode(q: dict) -> tuple[State, list[str]]:
    notices: list[str] = []
    section = read_section(q, SECTIONS, SHORT, notices)
    default = default_scene(section)
    scene, more = decode_scene(q, default, known=tuple(p.key for p in PICKS), surfaces=surfaces(section))
    notices += more
    rule = scene.runs[0].optimizer
    if len(scene.runs) != 1 or rule not in optimizers(section):
        notices.append(
            f"opt={q.get('opt')!r} in the link: the {section} section varies one rule of "
            f"{', '.join(optimizers(section))}; using {default.runs[0].optimizer}"
        )
        scene = replace(scene, runs=default.runs)
    scene = hold(scene, controls(section), default, notices)
    if section not in ("Sweep", "Regimes") and scene.runs[0].schedule is not None:
        scene = replace(scene, runs=(replace(scene.runs[0], schedule=None),))
    picks = (
        read_params(q, PICKS, {"lr": None, "beta": None}, notices)
        if section in ("Sweep", "Phase diagram")
        else {"lr": None, "beta": None}
    )
    if section == "Sweep":
        picks["beta"] = None
    elif (picks["lr"] is None) != (picks["beta"] is None):
        notices.append("the phase diagram's cell needs both lr and beta in the link; using the diagram's own pick")
        picks = {"lr": None, "beta": None}
    return State(section, scene, **picks), notices


def encode(state: State) -> dict[str, str]:
    default = default_scene(state.section)
    q = encode_scene(state.scene, default)
    if q.get("opt") == default.runs[0].optimizer:
        del q["opt"]
    return (
        q
        | section_param(state.section, SECTIONS, SHORT)
        | write_params({"lr": state.lr, "beta": state.beta}, PICKS, {"lr": None, "beta": None})
    )


def swept(section: str, optimizer: str) -> set[str]:
    """The hyperparameters the section varies itself (no slider for them)."""
    return {"learning_rate"} | ({an.MOMENTUM_HYPER[optimizer]} if section == "Phase diagram" else set())


def lr_key(scene: Scene) -> str:
    """The Sweep's "learning rate to animate" slider: one per surface and rule (its stops are that sweep's)."""
    return f"{PREFIX}lr.{scene.surface}.{scene.runs[0].optimizer}"


def widget_values(state: State) -> dict[str, object]:
    """What each control shows for ``state`` (the section switch aside)."""
    scene, run = state.scene, state.scene.runs[0]
    rows = [c for c in controls(state.section) if c.field != "seed" or run.spec.stochastic]
    out = surface_widgets(scene.surface, scene.surface_params, scene.formula, rows[0].widget, PREFIX)
    out |= scene_widgets(scene, rows)
    if state.section != "Momentum":  # Momentum races its own three rules: no optimizer box, no sliders
        shown = [h.name for h in run.spec.hypers if h.slider and h.name not in swept(state.section, run.optimizer)]
        rw = run_widgets(run, f"{PREFIX}{run.optimizer}", names=shown)
        out |= rw if state.section in ("Sweep", "Regimes") else {k: v for k, v in rw.items() if ".schedule." not in k}
    out |= start_widgets(scene.surface_obj, scene.start, PREFIX)
    if state.section == "Sweep" and state.lr is not None:
        out[lr_key(scene)] = state.lr
    return out


def picked_lr(sw: lab.Sweep, lr: float | None) -> float:
    """The learning rate the Sweep animates: the link's, or "about right" (the middle of the sweep if none)."""
    if lr is not None:
        return float(lr)
    return float(f"{dict(lab.regime_rates(sw)).get('about right', sw.lrs[len(sw.lrs) // 2]):.3g}")


def picked_cell(ph: lab.Phase, lr: float | None, beta: float | None) -> tuple[float, float]:
    """The (η, β) the phase diagram animates: the clicked or linked cell, else the theory's optimum, else the fastest
    cell on the grid, else the middle learning rate at β = 0.9."""
    if lr is not None and beta is not None:
        return float(lr), float(beta)
    if ph.optimum:
        return ph.optimum["learning_rate"], ph.optimum["momentum"]
    if best := ph.best():
        return float(ph.lrs[best[1]]), float(ph.betas[best[0]])
    return float(ph.lrs[len(ph.lrs) // 2]), 0.9
