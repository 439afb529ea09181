"""A Scene in a link's query parameters and back, by one schema table (as TF Playground's state.ts keeps its URL).

``encode(scene)`` gives the parameters that differ from the defaults (strings, in the table's order); ``decode``
reads them back and never raises: a parameter that is unknown, malformed or out of range falls back to its default
and adds a notice that says which and why, so an old or mistyped link still opens a page.

    ?surface=custom&f=sin(x)*cos(y)&domain=-4,4,-4,4&opt=gd,adam&adam.learning_rate=0.1&start=1,2&steps=500

Per racer: ``<optimizer>.<hyperparameter>=<value>`` (optax's names) and ``<optimizer>.schedule=<kind>[,name=value…]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace

from optim import OPTIMIZERS
from optim.schedules import KINDS, Schedule
from scenes.scene import CUSTOM, MAX_RUNS, STEP_RANGE, RunSpec, Scene
from scenes.text import ECHO, cut
from surfaces import SURFACES, from_formula

Query = dict[str, str]
Domain = tuple[tuple[float, float], tuple[float, float]]
DEFAULT_DOMAIN: Domain = ((-4.0, 4.0), (-4.0, 4.0))
EXAMPLE_FORMULA = "sin(x)*cos(y) + 0.1*(x^2 + y^2)"  # what the formula box offers first (and a link without f)


def fmt(v: float) -> str:
    """A number as short as it is exact to six digits: 0.05, 1e-05, 300."""
    return f"{float(v):.6g}"


# A reader's ValueError says, in plain words, what the control accepts ("must be a whole number from 10 to 2000"),
# never Python's own text ("invalid literal for int() with base 10"); :func:`refused` makes it the notice.
def refused(key: str, text: object, why: str, using: object = None) -> str:
    """The notice for a link's value that cannot be used: "steps='abc' in the link: steps must be a whole number
    from 10 to 2000; using 300". ``why`` says what is accepted (a "must …" is said of ``key``), ``using`` what is
    used instead (None: nothing to say). Plain text: whoever shows it escapes it (scenes.text.plain)."""
    said = f"{key} {why}" if why.startswith("must") else why
    shown = repr(cut(text)) if isinstance(text, str) else repr(text)  # a long value: its start (scenes.text.ECHO)
    return f"{key}={shown} in the link: {said}" + ("" if using is None else f"; using {using}")


def _number(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise ValueError("must be a number") from None
    if not math.isfinite(v):
        raise ValueError("must be a finite number")
    return v


def _numbers(text: str, n: int) -> tuple[float, ...]:
    parts = text.split(",")
    try:
        if len(parts) != n:
            raise ValueError
        return tuple(_number(p) for p in parts)
    except ValueError:
        raise ValueError(f"must be {n} finite numbers separated by commas") from None


def read_bounded(text: str, lo: float, hi: float) -> float:
    """A number within a slider's range [lo, hi] (a registry Hyper's or SurfaceParam's)."""
    why = f"must be a number from {fmt(lo)} to {fmt(hi)}"
    try:
        v = _number(text)
    except ValueError:
        raise ValueError(why) from None
    if not lo <= v <= hi:
        raise ValueError(why)
    return v


def whole(text: str) -> int:
    """A whole number written as one ("300", " 300 ", "+3"), else a ValueError in plain words ("2.5" is not one)."""
    try:
        return int(text)
    except (ValueError, TypeError):
        raise ValueError("must be a whole number") from None


def read_integer(text: str, lo: int, hi: int) -> int:
    why = f"must be a whole number from {lo} to {hi}"
    try:
        v = whole(text)
    except ValueError:
        raise ValueError(why) from None
    if not lo <= v <= hi:
        raise ValueError(why)
    return v


# -- the surface: its key, its family's parameters, or a formula and its domain ------------------------------------
def surface_query(name: str, params, formula) -> Query:
    """The surface's parameters: ``surface``, ``s.<param>`` (κ, θ) unless default, or ``f`` and ``domain``."""
    if name == CUSTOM:
        text, ((x0, x1), (y0, y1)) = formula
        return {"surface": CUSTOM, "f": text, "domain": ",".join(fmt(v) for v in (x0, x1, y0, y1))}
    q = {"surface": name}
    defaults = {p.name: p.default for p in SURFACES[name].params}
    q.update({f"s.{k}": fmt(v) for k, v in params if k in defaults and float(v) != float(defaults[k])})
    return q


def decode_surface(q: Query, default: str, notices: list[str], allowed=None):
    """(name, params, formula) from ``q``; anything wrong falls back to ``default`` with a notice."""
    name = q.get("surface", default)
    allowed = tuple(SURFACES) if allowed is None else tuple(allowed)
    if name == CUSTOM:
        domain = DEFAULT_DOMAIN
        if "domain" in q:
            try:
                x0, x1, y0, y1 = _numbers(q["domain"], 4)
                domain = ((x0, x1), (y0, y1))
            except ValueError as e:
                notices.append(refused("domain", q["domain"], str(e), "(−4, 4) × (−4, 4)"))
        text = q.get("f", EXAMPLE_FORMULA)
        try:
            from_formula(text, domain)  # parses, checks the domain and finds the critical points (cached)
            return CUSTOM, (), (text, domain)
        except ValueError as e:
            notices.append(f"the formula in the link cannot be used: {cut(str(e), 4 * ECHO)}; using {default}")
            name = default
    if name not in allowed:
        notices.append(refused("surface", name, f"must be one of {', '.join(allowed)}", default))
        name = default
    params = []
    for p in SURFACES[name].params:
        text = q.get(f"s.{p.name}")
        if text is None:
            continue
        try:
            params.append((p.name, read_bounded(text, p.lo, p.hi)))
        except ValueError as e:
            notices.append(refused(f"s.{p.name}", text, str(e), fmt(p.default)))
    return name, tuple(sorted(params)), None


# -- one racer ---------------------------------------------------------------------------------------------------------
def schedule_text(s: Schedule) -> str:
    """``cosine,decay_steps=300,alpha=0.01``: the kind and the fields that differ from the defaults."""
    base = Schedule()
    extra = [
        f"{f.name}={fmt(getattr(s, f.name))}"
        for f in fields(Schedule)
        if f.name != "kind" and getattr(s, f.name) != getattr(base, f.name)
    ]
    return ",".join([s.kind, *extra])


def parse_schedule(text: str) -> Schedule | None:
    kind, *rest = text.split(",")
    if kind not in KINDS:
        raise ValueError(f"must start with one of {', '.join(KINDS)}")
    if kind == "constant":
        return None
    ints = {f.name for f in fields(Schedule) if f.type == "int"}
    names = [f.name for f in fields(Schedule) if f.name != "kind"]
    values = {}
    for item in rest:
        k, sep, v = item.partition("=")
        if not sep or k not in names:
            raise ValueError(f"has no field {k!r}: a schedule's fields are {', '.join(names)}")
        try:
            values[k] = whole(v) if k in ints else _number(v)
        except ValueError as e:
            raise ValueError(f"{k} {e}") from None
    return Schedule(kind, **values)  # its ValueError is in words: "cosine decay needs 0 <= alpha <= 1, got 1.5"


def run_query(r: RunSpec, base: RunSpec | None = None) -> Query:
    """The racer's hyperparameters that differ from ``base``'s (the page's default racer of that optimizer; None:
    the registry's defaults), and its schedule."""
    spec, q = r.spec, {}
    given, usual = r.hyper_dict(), (base or RunSpec(r.optimizer)).hyper_dict()
    for h in spec.hypers:
        if float(given[h.name]) != float(usual[h.name]):
            q[f"{spec.key}.{h.name}"] = fmt(given[h.name])
    if r.schedule is not None and r.schedule.kind != "constant":
        q[f"{spec.key}.schedule"] = schedule_text(r.schedule)
    return q


def decode_run(key: str, q: Query, notices: list[str], base: RunSpec | None = None) -> RunSpec:
    """A racer from the link's ``<key>.<hyper>`` values over ``base``'s (None: the registry's defaults)."""
    spec = OPTIMIZERS[key]
    hyper = (base or RunSpec(key)).hyper_dict()
    for h in spec.hypers:
        text = q.get(f"{key}.{h.name}")
        if text is None:
            continue
        try:
            hyper[h.name] = read_bounded(text, h.lo, h.hi)
        except ValueError as e:
            notices.append(refused(f"{key}.{h.name}", text, str(e), fmt(hyper[h.name])))
    schedule = None
    if f"{key}.schedule" in q:
        try:
            schedule = parse_schedule(q[f"{key}.schedule"])
        except ValueError as e:
            notices.append(refused(f"{key}.schedule", q[f"{key}.schedule"], str(e), "a constant rate"))
    return RunSpec(key, tuple(sorted(hyper.items())), schedule)


# -- the schema table: one row per Scene field ------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One query parameter: how a Scene writes it (None: the default, omitted) and how it is read into Scene kwargs."""

    key: str
    doc: str
    write: Callable[[Scene, Scene], str | None]  # (scene, the page's default scene)
    read: Callable[[str], dict]
    using: Callable[[Scene], str]  # what a refused value falls back to, in words (the page's default scene)


def _read_runs(text: str) -> dict:
    keys = [k for k in text.split(",") if k]
    unknown = [k for k in keys if k not in OPTIMIZERS]
    if unknown or not 1 <= len(keys) <= MAX_RUNS or len(set(keys)) != len(keys):
        raise ValueError(f"must be 1 to {MAX_RUNS} different optimizers of {', '.join(OPTIMIZERS)}")
    return {"opt": tuple(keys)}


DEFAULT = Scene()
SCHEMA = (
    Field(
        "opt",
        "the racers' optimizers, comma-separated",
        lambda s, d: ",".join(r.optimizer for r in s.runs),
        _read_runs,
        lambda d: ",".join(r.optimizer for r in d.runs),
    ),
    Field(
        "start",
        "the start point x,y (omitted at the surface's default start)",
        lambda s, d: None if s.start_point == s.surface_obj.default_start else ",".join(fmt(v) for v in s.start),
        lambda t: {"start": _numbers(t, 2)},
        lambda d: "the surface's own start",
    ),
    Field(
        "steps",
        f"the number of steps, {STEP_RANGE[0]} to {STEP_RANGE[1]}",
        lambda s, d: None if s.steps == d.steps else str(s.steps),
        lambda t: {"steps": read_integer(t, *STEP_RANGE)},
        lambda d: str(d.steps),
    ),
    Field(
        "seed",
        "the noise seed of stochastic optimizers",
        lambda s, d: None if s.seed == d.seed else str(s.seed),
        lambda t: {"seed": read_integer(t, 0, 2**31 - 1)},
        lambda d: str(d.seed),
    ),
)
PAGE_PARAMS = ("view", "section", "theme", "hide")  # read by the pages and the app, not part of a Scene
KNOWN = {"surface", "f", "domain", *(f.key for f in SCHEMA), *PAGE_PARAMS}


def encode(scene: Scene, default: Scene = DEFAULT) -> Query:
    """The link's parameters for ``scene``: the surface's, the table's (the page's defaults omitted), then each
    racer's (its hyperparameters that differ from the page's default racer's, or the registry's)."""
    q = surface_query(scene.surface, scene.surface_params, scene.formula)
    for f in SCHEMA:
        v = f.write(scene, default)
        if v is not None:
            q[f.key] = v
    usual = {r.optimizer: r for r in default.runs}
    for r in scene.runs:
        q.update(run_query(r, usual.get(r.optimizer)))
    return q


def decode(q: Query, default: Scene = DEFAULT, known: tuple[str, ...] = (), surfaces=None) -> tuple[Scene, list[str]]:
    """The Scene a link describes, and a notice for each parameter that had to fall back to its default.

    ``known``: the page's own parameters besides the Scene's (not told as meaningless); ``surfaces``: the surface keys
    the page offers (None: all)."""
    notices: list[str] = []
    name, params, formula = decode_surface(q, default.surface, notices, surfaces)
    kw: dict = {}
    for f in SCHEMA:
        if f.key in q:
            try:
                kw.update(f.read(q[f.key]))
            except ValueError as e:
                notices.append(refused(f.key, q[f.key], str(e), f.using(default)))
    keys = kw.pop("opt", tuple(r.optimizer for r in default.runs))
    usual = {r.optimizer: r for r in default.runs}
    runs = tuple(decode_run(k, q, notices, usual.get(k)) for k in keys)
    for k in q:
        head = k.split(".")[0]
        if k not in KNOWN and k not in known and not k.startswith("s.") and head not in keys:
            notices.append(f"the link's {cut(k)!r} means nothing here and was ignored")
    surface = SURFACES[name] if name != CUSTOM else from_formula(*formula)
    if "start" in kw:
        (x0, x1), (y0, y1) = surface.domain
        x, y = kw["start"]
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            notices.append(
                f"start=({fmt(x)}, {fmt(y)}) in the link lies outside the surface's domain; "
                "using the surface's own start"
            )
            del kw["start"]
    scene = replace(default, surface=name, surface_params=params, formula=formula, runs=runs, **{"start": None, **kw})
    return scene, notices
