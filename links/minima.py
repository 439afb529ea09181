"""The Minima & saddles page's state: its section, a Scene, and each section's own settings: the basin maps' grid of
starts (Basins), annealed or constant noise (Escape), which saddle and how far off its stable direction (Saddles).

Link: the Scene's parameters as scenes/url.py writes them against the section's default Scene (``opt`` only when
Basins maps other optimizers than gd, momentum and Adam: Escape and Saddles race fixed rules), ``section``, and
``grid`` (Basins), ``anneal`` (Escape), ``saddle`` and ``eps`` (Saddles), each omitted at its default. Values are
held to what the page's controls can show (their ranges, the sliders' values, the section's rules), so a link never
puts a widget into a value it does not offer; what had to change is told in a notice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from links import read_section, section_param
from links.controls import Control, hold, hyper_widgets, saddle_label, scene_widgets, start_widgets, surface_widgets
from links.params import Param, choice, flag, integer, read_params, write_flag, write_params
from links.scene import decode as decode_scene
from links.scene import encode as encode_scene
from links.scene import fmt
from links.slider_values import nearest, options
from optim import OPTIMIZERS
from scenes import basins as bs
from scenes import escape as esc
from scenes.scene import CUSTOM, DEFAULT_OPTIMIZERS, RunSpec, Scene
from scenes.text import plural
from surfaces import SURFACES

SECTIONS = ("Basins", "Escape", "Saddles")
SHORT: dict[str, str] = {}
MAX_MAPS = 3  # basin maps side by side
MAX_SADDLES = 8  # the Saddles section's catalogue: surfaces with 1 to 8 saddles (a formula may have more)
EPS = tuple(options(1e-9, 1e-1, True, 1e-6))  # the perturbation slider's values
EPS_DEFAULT = 1e-6
ESCAPE_SURFACES = tuple(k for k, s in SURFACES.items() if any(p.kind == "local" for p in s.minima))
SADDLE_SURFACES = tuple(k for k, s in SURFACES.items() if 1 <= len(s.saddles) <= MAX_SADDLES)
ESCAPE_HYPERS = ("learning_rate", "gamma")  # the Escape section's SGD sliders (the noise level is swept)
PREFIX = "minima."  # the page's widget keys
RUN_PREFIX = {"Basins": PREFIX, "Escape": f"{PREFIX}e.", "Saddles": f"{PREFIX}s."}  # + "<optimizer>.<hyper>"
SADDLE_RACERS = ("gd", "momentum")  # tuned on the page; Newton joins them at its defaults (scenes/saddles.py)


def default_scene(section: str) -> Scene:
    """What the section shows before anything is moved."""
    if section == "Escape":
        return Scene(surface=esc.DEFAULT_SURFACE, runs=(RunSpec.default("sgd"),), steps=esc.DEFAULT_STEPS, seed=0)
    if section == "Saddles":
        return Scene(surface="saddle", runs=tuple(RunSpec.default(k) for k in SADDLE_RACERS), steps=1000)
    return Scene(surface="himmelblau", runs=tuple(RunSpec.default(k) for k in DEFAULT_OPTIMIZERS), steps=500)


def surfaces(section: str) -> tuple[str, ...]:
    """The catalogue surfaces the section's picker offers (each also offers a formula)."""
    return {"Escape": ESCAPE_SURFACES, "Saddles": SADDLE_SURFACES}.get(section, tuple(SURFACES))


def tunable(section: str, optimizer: str) -> tuple[str, ...]:
    """The hyperparameters the section has sliders for (the others stay at the registry's defaults)."""
    if section == "Escape":
        return ESCAPE_HYPERS
    return tuple(h.name for h in OPTIMIZERS[optimizer].hypers if h.slider)


def controls(section: str) -> tuple[Control, ...]:
    """The section's controls of its Scene, one row each (each section has its own surface box and steps slider)."""
    default = default_scene(section)
    own = {"Basins": "", "Escape": "escape_", "Saddles": "saddle_"}[section]
    rows = [
        Control("surface", f"{PREFIX}{own}surface", "Surface", default.surface, options=(*surfaces(section), CUSTOM)),
        Control("steps", f"{PREFIX}{own}steps", "Steps", default.steps, lo=100, hi=2000, by=50),
    ]
    if section == "Basins":
        rows.insert(
            1,
            Control(
                "runs",
                f"{PREFIX}optimizers",
                "Optimizers",
                tuple(r.optimizer for r in default.runs),
                options=tuple(OPTIMIZERS),
                most=MAX_MAPS,
                input="multi",
                help="One basin map each, side by side.",
            ),
        )
    if section == "Escape":
        rows.append(
            Control(
                "seed", f"{PREFIX}escape_seed", "Seed", 0, lo=0, hi=1_000_000, input="box", help="Same seed, same runs."
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class State:
    section: str = SECTIONS[0]
    scene: Scene = field(default_factory=lambda: default_scene(SECTIONS[0]))
    grid: int = bs.GRID  # Basins: starts per side of each map (bs.default_grid of the surface unless chosen)
    annealed: bool = True  # Escape: noise variance σ₀²/(1+t)^γ, or σ₀² at every step
    saddle: int = 0  # Saddles: which of the surface's saddles
    eps: float = EPS_DEFAULT  # Saddles: how far off the stable direction the perturbed runs start


def _eps(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    for o in EPS:
        if math.isclose(v, o, rel_tol=1e-6):
            return o
    raise ValueError(
        f"must be a value of the slider, {fmt(EPS[0])} to {fmt(EPS[-1])}: 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6 "
        "or 8 times a power of ten"
    )


EXTRAS = {
    "Basins": (Param("grid", "grid", "the basin maps' starts per side", choice(bs.GRIDS)),),
    "Escape": (
        Param(
            "annealed",
            "anneal",
            "annealed noise σ₀²/(1+t)^γ (1) or constant σ₀² (0)",
            flag,
            write_flag,
            widget="annealed",
        ),
    ),
    "Saddles": (
        Param("saddle", "saddle", "which saddle of the surface, from 0", integer(0, 10_000)),
        Param("eps", "eps", "how far off the stable direction the perturbed runs start", _eps, fmt),
    ),
}


def extra_key(section: str, name: str) -> str:
    """The widget key of a section's own setting (EXTRAS' row ``name``)."""
    return PREFIX + next(p.control for p in EXTRAS[section] if p.name == name)


def extra_defaults(section: str, surface: str) -> dict:
    return {
        "grid": bs.default_grid(surface) if section == "Basins" else bs.GRID,
        "annealed": True,
        "saddle": 0,
        "eps": EPS_DEFAULT,
    }


def _on_slider(what: str, v: float, p) -> float:
    """``v`` as the slider of a registry parameter ``p`` (a Hyper, a SurfaceParam) holds it: its nearest value."""
    snapped = nearest(options(p.lo, p.hi, p.log, p.default), v, p.log)
    if not math.isclose(snapped, v, rel_tol=1e-9):
        raise ValueError(f"{what}={fmt(v)} in the link is not a value of its slider; using {fmt(snapped)}")
    return snapped


def _fit_run(section: str, r: RunSpec, notices: list[str]) -> RunSpec:
    """A racer as the section's sliders can hold it: untuned hyperparameters at their defaults, no schedule."""
    hyper, given, shown = {}, r.hyper_dict(), tunable(section, r.optimizer)
    for h in r.spec.hypers:
        v = given[h.name]
        if h.name not in shown:
            if v != h.default:
                notices.append(
                    f"{r.optimizer}.{h.name}={fmt(v)} in the link: the {section} section has no control "
                    f"for it; using {fmt(h.default)}"
                )
            v = h.default
        else:
            try:
                v = _on_slider(f"{r.optimizer}.{h.name}", v, h)
            except ValueError as e:
                notices.append(str(e))
                v = nearest(options(h.lo, h.hi, h.log, h.default), v, h.log)
        hyper[h.name] = v
    if r.schedule is not None:
        notices.append(f"{r.optimizer}.schedule in the link: this page runs a constant learning rate")
    return RunSpec(r.optimizer, tuple(sorted(hyper.items())))


def _fit(section: str, scene: Scene, q: dict, notices: list[str]) -> Scene:
    """The decoded Scene held to what the section's controls offer; each change told."""
    default = default_scene(section)
    keys = tuple(r.optimizer for r in scene.runs)
    fixed = tuple(r.optimizer for r in default.runs)
    if section == "Basins" and len(keys) > MAX_MAPS:
        notices.append(
            f"opt={q.get('opt')!r} in the link: the Basins section maps at most {MAX_MAPS} optimizers; "
            f"using the first {MAX_MAPS}"
        )
        scene = replace(scene, runs=scene.runs[:MAX_MAPS])
    elif section != "Basins" and keys != fixed:
        notices.append(
            f"opt={q.get('opt')!r} in the link: the {section} section races "
            f"{', '.join(OPTIMIZERS[k].title for k in fixed)}"
        )
        given = {r.optimizer: r for r in scene.runs}  # a fixed rule the link named keeps its settings
        scene = replace(scene, runs=tuple(given.get(k, RunSpec.default(k)) for k in fixed))
    scene = replace(scene, runs=tuple(_fit_run(section, r, notices) for r in scene.runs))
    scene = hold(scene, controls(section), default, notices, where=f"the {section} section")
    if scene.start is not None and section != "Basins":
        notices.append(f"start in the link: the {section} section places its own start")
        scene = replace(scene, start=None)
    if scene.start is not None and tuple(scene.start) == tuple(scene.surface_obj.default_start):
        scene = replace(scene, start=None)  # the surface's own start: not in the link
    if scene.surface != CUSTOM:  # every parameter of the family, as its sliders hold them
        given, params = dict(scene.surface_params), {}
        for p in SURFACES[scene.surface].params:
            try:
                params[p.name] = _on_slider(f"s.{p.name}", given.get(p.name, p.default), p)
            except ValueError as e:
                notices.append(str(e))
                params[p.name] = nearest(options(p.lo, p.hi, p.log, p.default), given[p.name], p.log)
        scene = replace(scene, surface_params=tuple(sorted(params.items())))
    return scene


def decode(q: dict) -> tuple[State, list[str]]:
    notices: list[str] = []
    section = read_section(q, SECTIONS, SHORT, notices)
    table = EXTRAS[section]
    scene, more = decode_scene(q, default_scene(section), known=tuple(p.key for p in table), surfaces=surfaces(section))
    notices += more
    scene = _fit(section, scene, q, notices)
    values = read_params(q, table, extra_defaults(section, scene.surface), notices)
    if section == "Basins" and (why := bs.over_budget(scene, values["grid"])):
        values["grid"], scene = _within_budget(scene, values["grid"])
        notices.append(f"{why}; using {values['grid']}×{values['grid']} starts and {plural(scene.steps, 'step')}")
    if section == "Saddles" and values["saddle"]:
        surface = scene.surface_obj
        if values["saddle"] >= (n := len(surface.saddles)):
            notices.append(
                f"saddle={values['saddle']} in the link: {surface.title} has {plural(n, 'saddle point')}, "
                "counted from 0; using 0"
            )
            values["saddle"] = 0
    return State(section, scene, **values), notices


def _within_budget(scene: Scene, n: int) -> tuple[int, Scene]:
    """A basin link asking for more work than the page does (scenes.basins.WORK_BUDGET): the largest grid that fits,
    or, when none does, the smallest grid and the most steps the steps slider offers within the budget."""
    if (most := bs.largest_grid(scene)) is not None:
        return most, scene
    row = next(c for c in controls("Basins") if c.field == "steps")
    least = min(bs.GRIDS)
    steps = range(int(row.lo), int(row.hi) + 1, int(row.by))
    fits = [s for s in steps if bs.work(replace(scene, steps=s), least) <= bs.WORK_BUDGET]
    return least, replace(scene, steps=max(fits, default=int(row.lo)))


def encode(state: State) -> dict[str, str]:
    default = default_scene(state.section)
    q = encode_scene(state.scene, default)
    if q.get("opt") == ",".join(r.optimizer for r in default.runs):
        del q["opt"]
    values = {"grid": state.grid, "annealed": state.annealed, "saddle": state.saddle, "eps": state.eps}
    return (
        q
        | section_param(state.section, SECTIONS, SHORT)
        | write_params(values, EXTRAS[state.section], extra_defaults(state.section, state.scene.surface))
    )


def grid_key(surface: str) -> str:
    """The grid slider: one per default grid (a surface with a slow function starts coarser)."""
    return f"{PREFIX}grid.{bs.default_grid(surface)}"


def saddle_key(surface: str) -> str:
    return f"{PREFIX}which.{surface}"


def widget_values(state: State) -> dict[str, object]:
    """What each control of the state's section shows (the section switch aside)."""
    scene, section = state.scene, state.section
    rows = controls(section)
    out = surface_widgets(scene.surface, scene.surface_params, scene.formula, rows[0].widget, PREFIX)
    out |= scene_widgets(scene, rows)
    for r in scene.runs:
        out |= hyper_widgets(r, f"{RUN_PREFIX[section]}{r.optimizer}", tunable(section, r.optimizer))
    if section == "Basins":
        out |= start_widgets(scene.surface_obj, scene.start, PREFIX) | {grid_key(scene.surface): state.grid}
    elif section == "Escape":
        out[extra_key(section, "annealed")] = state.annealed
    else:
        saddles = scene.surface_obj.saddles
        if len(saddles) > 1:
            out[saddle_key(scene.surface)] = saddle_label(saddles[state.saddle])
        out[extra_key(section, "eps")] = state.eps
    return out
