"""The Class round page's state: who is looking (the teacher's screen, a student, or a lecturer setting a round up)
and the round a teacher sets up: a frozen scene with one rule, the hyperparameters students set and their ranges, and
the goal.

Link:
- setting up (no ``room``): the Scene's parameters (one optimizer), ``allow`` (the hyperparameters students set,
  comma-separated: ``learning_rate`` and, where the rule has one, its momentum), ``range.<name>=lo,hi`` (omitted at
  the defaults: the phase diagram's axes) and ``goal`` (``fastest`` or ``lowest``);
- the teacher's screen: ``room`` (the join code) and ``key`` (the teacher's secret: whoever has it runs the round);
- a student: ``room`` and ``me`` (the student's own id, made on the first visit: a phone that reloads is the same
  student).

The round stored for a room (``spec``) is a plain dict: the scene's link, ``allowed`` ({name: [lo, hi]}), ``goal``
and ``cap``; ``setup_of(spec)`` reads it back.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field, replace

from links.scene import decode as decode_scene
from links.scene import encode as encode_scene
from links.scene import fmt
from optim import OPTIMIZERS
from optim import analysis as an
from scenes import RunSpec, Scene
from scenes import class_round as cr
from scenes.text import cut, plural, point

SECTIONS = ("Round",)
SHORT: dict[str, str] = {}
PREFIX = "classroom."
CAP = 1000  # students a round takes (the store refuses the next one, in plain words)
CODE = re.compile(r"[A-Z0-9]{4,8}")
TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")
BOUNDS = {"learning_rate": (1e-6, 100.0)}  # what a range may span; a momentum-like one: 0 to 0.9999
OWN = ("allow", "goal", "room", "key", "me")  # the page's own parameters besides the scene's and the ranges


def default_scene() -> Scene:
    """The round a bare link sets up: the heavy ball on the ill-conditioned quadratic, 500 steps (where the class can
    map the edge of stability: η < 2(1+β)/L)."""
    return Scene(surface="quadratic", runs=(RunSpec.default("momentum"),), steps=500)


@dataclass(frozen=True)
class Setup:
    """A round: the scene (one rule; its hyperparameters the students do not set stay as here), what students set
    and within what ranges, and the goal."""

    scene: Scene = field(default_factory=default_scene)
    allowed: tuple[tuple[str, float, float], ...] = ()  # (name, lo, hi); () before ``complete``
    goal: str = "fastest"

    @property
    def rule(self) -> str:
        return self.scene.runs[0].optimizer

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a[0] for a in self.allowed)

    @property
    def text(self) -> str:
        """The round's task in one sentence, as the projector and the students read it."""
        sc = self.scene
        names = " and ".join(hyper_title(self.rule, n) for n in self.names)
        return (
            f"{OPTIMIZERS[self.rule].title} on {sc.surface_obj.title}, from {point(*sc.start_point)}, "
            f"{plural(sc.steps, 'step')}. Set the {names}. Goal: {cr.GOALS[self.goal]}."
        )

    def spec(self) -> dict:
        """The round as the store keeps it."""
        return {
            "link": encode_scene(self.scene, default_scene()),
            "allowed": {n: [lo, hi] for n, lo, hi in self.allowed},
            "goal": self.goal,
            "cap": CAP,
        }


def hyper_title(rule: str, name: str) -> str:
    """ "learning rate η", "momentum β", "first-moment decay β₁"."""
    h = OPTIMIZERS[rule].hyper(name)
    return f"{h.title} {SHORT_NAMES.get(name, name)}"


SHORT_NAMES = {"learning_rate": "η", "momentum": "β", "b1": "β₁"}


def complete(setup: Setup) -> Setup:
    """``setup`` with every missing piece at its default: the settable hyperparameters at the phase diagram's ranges
    (each within its slider's), the goal the scene allows."""
    ranges = cr.default_ranges(setup.scene)
    allowed = setup.allowed or tuple((n, *ranges[n]) for n in cr.settable(setup.rule))
    return replace(setup, allowed=allowed, goal=cr.goal_for(setup.scene, setup.goal))


@dataclass(frozen=True)
class State:
    section: str = SECTIONS[0]
    setup: Setup = field(default_factory=lambda: complete(Setup()))
    room: str | None = None  # the join code
    key: str | None = None  # the teacher's secret
    me: str | None = None  # a student's id

    @property
    def scene(self) -> Scene:
        return self.setup.scene

    @property
    def role(self) -> str:
        """ "setup", "teacher" (a room and a key: the store says whether the key is the room's) or "student"."""
        return "setup" if self.room is None else "teacher" if self.key else "student"


def one_rule(scene: Scene, notices: list[str]) -> Scene:
    """The scene with one racer a round can race: the first with a momentum (the phase diagram has two axes), else
    the first a round can race, else the heavy ball; a refused racer is told."""
    rules = cr.round_rules()
    runs = [r for r in scene.runs if r.optimizer in rules]
    pick = next((r for r in runs if r.optimizer in an.MOMENTUM_HYPER), runs[0] if runs else None)
    if pick is None:
        names = ", ".join(OPTIMIZERS[r.optimizer].title for r in scene.runs)
        notices.append(f"a class round races a rule without noise or Hessian ({names} is not one); using momentum")
        pick = RunSpec.default("momentum")
    return replace(scene, runs=(replace(pick, schedule=None) if pick.schedule else pick,))


def _read_range(name: str, text: str, lo: float, hi: float) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError("must be two numbers, lo,hi")
    try:
        a, b = (float(p) for p in parts)
    except ValueError:
        raise ValueError("must be two numbers, lo,hi") from None
    if not (math.isfinite(a) and math.isfinite(b)) or not lo <= a < b <= hi:
        raise ValueError(f"must be lo < hi within {fmt(lo)} to {fmt(hi)}")
    return a, b


def read_setup(q: dict, notices: list[str]) -> Setup:
    """A round's setup from a link (or a stored round's link): never raises, a refused value is told."""
    ranges_known = tuple(f"range.{n}" for n in ("learning_rate", *an.MOMENTUM_HYPER.values()))
    scene, more = decode_scene(q, default_scene(), known=OWN + ranges_known)
    notices += more
    scene = one_rule(scene, notices)
    rule = scene.runs[0].optimizer
    settable = cr.settable(rule)
    allow = [a for a in q.get("allow", ",".join(settable)).split(",") if a]
    if "learning_rate" not in allow or any(a not in settable for a in allow) or len(set(allow)) != len(allow):
        notices.append(f"allow={cut(q.get('allow'))!r} in the link: students set {' and '.join(settable)} here")
        allow = list(settable)
    allow = [a for a in settable if a in allow]  # the learning rate first, as the figures read them
    defaults = cr.default_ranges(scene)
    allowed = []
    for name in allow:
        lo, hi = defaults[name]
        if f"range.{name}" in q:
            try:
                lo, hi = _read_range(name, q[f"range.{name}"], *BOUNDS.get(name, (0.0, 0.9999)))
            except ValueError as e:
                notices.append(f"range.{name}={cut(q[f'range.{name}'])!r} in the link {e}; using {fmt(lo)},{fmt(hi)}")
        allowed.append((name, float(lo), float(hi)))
    goal = q.get("goal", "fastest")
    if goal not in cr.GOALS:
        notices.append(f"goal={cut(goal)!r} in the link: use fastest or lowest")
        goal = "fastest"
    return complete(Setup(scene, tuple(allowed), goal))


def setup_of(spec: dict) -> Setup:
    """A stored round's setup (its link, read as a link: a spec from an older version still opens). Every student's
    run reads it: it is kept per spec."""
    return _setup_of(json.dumps(spec))


@functools.lru_cache(maxsize=256)
def _setup_of(text: str) -> Setup:
    spec = json.loads(text)
    q = dict(spec.get("link") or {})
    allowed = spec.get("allowed") or {}
    q["allow"] = ",".join(allowed)
    for name, (lo, hi) in allowed.items():
        q[f"range.{name}"] = f"{fmt(lo)},{fmt(hi)}"
    q["goal"] = str(spec.get("goal", "fastest"))
    return read_setup(q, [])


def setup_query(setup: Setup) -> dict[str, str]:
    """The setup's link parameters (defaults omitted)."""
    q = encode_scene(setup.scene, default_scene())
    if q.get("opt") == default_scene().runs[0].optimizer:
        del q["opt"]
    if setup.names != cr.settable(setup.rule):
        q["allow"] = ",".join(setup.names)
    defaults = cr.default_ranges(setup.scene)
    for name, lo, hi in setup.allowed:
        if (lo, hi) != defaults[name]:
            q[f"range.{name}"] = f"{fmt(lo)},{fmt(hi)}"
    if setup.goal != "fastest":
        q["goal"] = setup.goal
    return q


def decode(q: dict) -> tuple[State, list[str]]:
    notices: list[str] = []
    room = q.get("room")
    if room is not None and not CODE.fullmatch(room.upper()):
        notices.append(f"room={cut(room)!r} in the link is not a class code (like K7PQ2M)")
        room = None
    key, me = q.get("key"), q.get("me")
    if key is not None and not TOKEN.fullmatch(key):
        notices.append("the link's key is not a teacher's key")  # never echoed: it is a secret
        key = None
    if me is not None and not TOKEN.fullmatch(me):
        notices.append(f"me={cut(me)!r} in the link is not a student's id; a new one is made")
        me = None
    if room is not None:  # a room's round is the store's: the link's scene parameters are not read
        return State(room=room.upper(), key=key, me=None if key else me), notices
    return State(setup=read_setup(q, notices)), notices


def encode(state: State) -> dict[str, str]:
    if state.room is None:
        return setup_query(state.setup)
    out = {"room": state.room}
    if state.key:
        out["key"] = state.key
    elif state.me:
        out["me"] = state.me
    return out


def range_key(key: str, scene: Scene, rule: str, name: str) -> str:
    """The range control of ``name``: one per surface and rule (a new scene starts at its own default range)."""
    return f"{key}.range.{scene.surface}.{rule}.{name}"


def widget_values(state: State, key: str = f"{PREFIX}setup") -> dict[str, object]:
    """What the setup's controls (their keys under ``key``) show for ``state``; a room's page has none a link sets."""
    if state.room is not None:
        return {}
    s = state.setup
    return {
        f"{key}.surface": s.scene.surface,
        f"{key}.rule": s.rule,
        f"{key}.steps": s.scene.steps,
        f"{key}.both": len(s.allowed) > 1 or len(cr.settable(s.rule)) == 1,
        f"{key}.goal": s.goal,
    }  # the ranges' controls take the setup's ranges as their values (views.classroom.range_control)
