"""Which control shows which part of a page's state: pure functions from a state to ``{widget key: value}``.

A page's ``widget_values(state)`` (links/<page>.py) is built from these and from its tables of settings; the view puts
it into ``st.session_state`` before drawing its controls (a link or a preset opens the page at its state), and the
tests read the same map to check what each control shows. Widget keys are ``<page>.<control>`` (the Trajectories
page, the default one, keeps bare keys: ``steps``, ``optimizers``), so ``hide=steps`` in a class link names a control
the same way on every page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from links.scene import refused
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


# -- the controls of a page's Scene: one row each (TF Playground's state.ts) -------------------------------------------
@dataclass(frozen=True)
class Control:
    """One control that shows a field of a page's Scene: its widget key, the field (``surface``, ``runs``, ``steps``,
    ``seed``), its label, its default, and what it offers (``options`` for a choice, at most ``most`` of them for a
    multiple choice; ``lo`` to ``hi`` by ``by`` for a number). The view draws the control from its row
    (views/widgets.py), the link decoder holds a linked value to what the row offers (:func:`hold`), and
    ``widget_values`` and the tests' key maps read ``widget``. The link key is the Scene table's (links/scene.py)."""

    field: str
    widget: str
    label: str
    default: object
    options: tuple = ()
    most: int = 1
    lo: int = 0
    hi: int = 0
    by: int = 1
    input: str = "slider"  # a number's control: "slider" or "box"; a racer's: "multi" (several) or "select" (one)
    help: str | None = None

    @property
    def key(self) -> str:
        return LINK_KEYS[self.field]

    def refuses(self, value) -> str | None:
        """Why the control cannot show ``value`` (plain words), or None when it can."""
        if self.field == "surface":
            return None if value in self.options else f"must be one of {', '.join(self.options)}"
        if self.field == "runs":
            ok = set(value) <= set(self.options) and 1 <= len(value) <= self.most
            return None if ok else f"must be 1 to {self.most} of {', '.join(self.options)}"
        if not (self.lo <= value <= self.hi and (value - self.lo) % self.by == 0):
            if self.by > 1:
                return f"must be one of {self.lo:,}, {self.lo + self.by:,}, … {self.hi:,} here"
            return f"must be a whole number from {self.lo:,} to {self.hi:,} here"
        return None

    def shown(self, scene) -> object:
        """The value the control holds for ``scene``."""
        if self.field == "runs":
            keys = [r.optimizer for r in scene.runs]
            return keys if self.input == "multi" else keys[0]
        return getattr(scene, self.field)


LINK_KEYS = {"surface": "surface", "runs": "opt", "steps": "steps", "seed": "seed"}  # links/scene.py's keys


def hold(scene, controls, default, notices: list[str], where: str = "this page"):
    """``scene`` (decoded from a link) with its steps and seed held to what the rows' controls offer: a value no
    control can show falls back to ``default``'s, with a notice. (Surfaces and racers are checked as they are read:
    their notices say more.)"""
    rows = by_field(controls)
    for name in ("steps", "seed"):
        value = getattr(scene, name)
        if value == getattr(default, name):
            continue
        c = rows.get(name)
        why = f"{where} has no {name}" if c is None else c.refuses(value)
        if why:
            notices.append(refused(LINK_KEYS[name], value, why, getattr(default, name)))
            scene = replace(scene, **{name: getattr(default, name)})
    return scene


def by_field(controls) -> dict[str, Control]:
    """A table's rows by the Scene field they set."""
    return {c.field: c for c in controls}


def scene_widgets(scene, controls) -> dict[str, object]:
    """``{widget key: value}`` of the rows' controls for ``scene`` (the surface's own sliders aside)."""
    return {c.widget: c.shown(scene) for c in controls}
