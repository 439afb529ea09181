"""Which control shows which part of a page's state: pure functions from a state to ``{widget key: value}``.

A page's ``widget_values(state)`` (links/<page>.py) is built from these and from its tables of settings; the view puts
it into ``st.session_state`` before drawing its controls (a link or a preset opens the page at its state), and the
tests read the same map to check what each control shows. Widget keys are ``<page>.<control>`` (the Trajectories
page, the default one, keeps bare keys: ``steps``, ``optimizers``), so ``hide=steps`` in a class link names a control
the same way on every page.
"""

from __future__ import annotations

from scenes.scene import CUSTOM, RunSpec
from scenes.text import point

FORMULA_BOUNDS = ("x min", "x max", "y min", "y max")  # the formula's domain boxes, in the order of a domain
SCHEDULE_FIELDS = ("decay_rate", "transition_steps", "alpha", "warmup_steps")  # the schedule picker's sliders


def surface_widgets(name: str, params, formula, key: str, prefix: str) -> dict[str, object]:
    """The surface picker (``key``), its family's sliders (``<prefix><surface>.<param>``) and, for a formula, its box
    and domain (``<prefix>formula``, ``<prefix>formula.x min`` …)."""
    out: dict[str, object] = {key: name}
    out |= {f"{prefix}{name}.{k}": float(v) for k, v in params}
    if formula is not None:
        text, ((x0, x1), (y0, y1)) = formula
        out[f"{prefix}formula"] = text
        out |= {f"{prefix}formula.{b}": float(v) for b, v in zip(FORMULA_BOUNDS, (x0, x1, y0, y1), strict=True)}
    return out


def run_widgets(run: RunSpec, prefix: str, *, names=None) -> dict[str, object]:
    """A racer's hyperparameter sliders (``<prefix>.<hyper>``, those with a slider, or ``names``) and its schedule
    picker (``<prefix>.schedule.kind`` and the kind's sliders)."""
    hyper = run.hyper_dict()
    shown = [h.name for h in run.spec.hypers if h.slider] if names is None else list(names)
    out: dict[str, object] = {f"{prefix}.{name}": hyper[name] for name in shown}
    s = run.schedule
    out[f"{prefix}.schedule.kind"] = "constant" if s is None else s.kind
    if s is not None:
        out |= {f"{prefix}.schedule.{name}": getattr(s, name) for name in SCHEDULE_FIELDS}
    return out


def hyper_widgets(run: RunSpec, prefix: str, names=None) -> dict[str, object]:
    """Only the hyperparameter sliders of a racer (pages that train at a constant learning rate)."""
    return {k: v for k, v in run_widgets(run, prefix, names=names).items() if ".schedule." not in k}


def start_keys(surface, prefix: str) -> tuple[str, str, str]:
    """The start sliders' keys: one pair per surface (a custom one per formula and domain), and that slot's name."""
    slot = surface.key if surface.key != CUSTOM else f"{CUSTOM}.{hash((surface.title, surface.domain)) & 0xFFFFFFFF:x}"
    return f"{prefix}start.{slot}.x", f"{prefix}start.{slot}.y", slot


def start_widgets(surface, start, prefix: str) -> dict[str, object]:
    """The start sliders at ``start`` (None: the surface's default start)."""
    xkey, ykey, _ = start_keys(surface, prefix)
    x, y = (float(v) for v in (start or surface.default_start))
    return {xkey: x, ykey: y}


def saddle_label(p) -> str:
    """A saddle as the Saddles section's box lists it."""
    return point(p.x, p.y)
