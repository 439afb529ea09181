"""The Networks page's state: its section, the trained network's settings (a NetScene; the 2-parameter race's on See it
whole) and each section's own controls; what those controls offer, the link, and the section's figures.

Link (each section's defaults omitted)::

    /networks?section=train&data=circles&noise=0.3&widths=32,32&act=relu&opt=sgd&sgd.learning_rate=0.1&l2=0.001

- See it whole: ``opt`` (of gd, momentum, adam; comma-separated) and ``<opt>.<hyper>``, ``scale`` (the random start's
  std), ``seed`` (its seed), ``steps``.
- Backprop: ``net`` (tanh: w₂·tanh(w₁x); xor: the 2-2-1 network), ``gd.learning_rate``, ``step`` (the step whose
  pass is written out), ``point`` (the training point whose graph is drawn) and, for xor, ``seed``.
- Train, Train vs test, Init · BN · dropout: the data (``data noise n data_seed``), the network (``widths act init
  init_scale init_seed``) and the training (``opt``, ``<opt>.<hyper>``, ``steps``); Train also the minibatch size
  (``batch``, 0: the whole training set), the regularisation (``l2 l1 bn dropout aug strength``) and ``step``, the
  step whose fit is shown (omitted: the last).
- Train vs test: ``compare=l2|aug`` and what the second run switches on: ``l2``, or ``aug`` and ``strength``.
- Init · BN · dropout: ``compare=init|bn|dropout`` and, for dropout, ``dropout`` (the rate switched on).
- Minibatch: ``batch`` (B), ``gd.learning_rate`` (η), ``epochs``, ``seed`` (the shuffles') and ``step`` (the step whose
  batch's loss is drawn).
- Ridge & lasso: ``lam`` (λ), ``rho`` (the two features' correlation) and ``seed`` (the data's).
- Depth: ``depth`` (hidden layers), ``act`` (tanh or relu), ``bn`` (batch norm, 1 or 0) and ``seed``.
- Sharpness: the data and the network, ``gd.learning_rate`` (gradient descent's η) and ``steps``.

A value must be one the page's controls offer (a slider's stops, a box's entries): anything else falls back to the
section's default with a notice, so a link never puts a control into a value it cannot hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from links import network_lessons as nl
from links import read_section, section_param
from links.controls import hyper_widgets
from links.network_options import (  # noqa: F401  (the page and the tests read the option lists here too)
    AUG_TITLES,
    BACKPROP_LRS,
    BATCH_SIZES,
    DROPOUTS,
    INIT_SCALES,
    INIT_TITLES,
    MAX_LAYERS,
    MAX_WIDTH,
    NET_OPTIMIZERS,
    NOISES,
    PENALTIES,
    POINTS,
    SCALED_INITS,
    SEEDS,
    SHARP_LRS,
    SHARP_STEPS,
    STEPS,
    STRENGTHS,
    SYMMETRIC_INITS,
    WHOLE_OPTIMIZERS,
    WHOLE_SCALES,
    WHOLE_STEPS,
    SettingError,
    _offered,
    grid,
    labelled,
    on_grid,
    parse_widths,
    recorded_steps,
    stepped,
    within_budget,
)
from links.params import (
    Param,
    choice,
    control_values,
    flag,
    integer,
    unknown_params,
    write_flag,
    write_params,
)
from links.scene import decode_run, fmt, refused, run_query
from links.slider_values import options
from optim import OPTIMIZERS
from scenes import backprop as bp
from scenes import depth as dp
from scenes import minibatch as mb
from scenes import shrinkage as sh
from scenes.networks import NET_STEPS, SECTION_DEFAULTS, NetScene
from scenes.scene import RunSpec
from scenes.text import cut, plural
from surfaces.datasets import AUGMENTATIONS, DATASETS
from surfaces.networks import ACTIVATIONS, INITS

SECTIONS = (
    "See it whole",
    "Backprop",
    "Minibatch",
    "Train",
    "Train vs test",
    "Ridge & lasso",
    "Init · BN · dropout",
    "Depth",
    "Sharpness",
)
SHORT = {"See it whole": "Whole", "Train vs test": "Test", "Ridge & lasso": "Lasso", "Init · BN · dropout": "Init·BN"}
WHOLE, BACKPROP, MINIBATCH, TRAIN, TEST, SHRINK, VARIANTS, DEPTH, SHARPNESS = SECTIONS
DEFAULTS = {TRAIN: "train", TEST: "test", VARIANTS: "variants", SHARPNESS: "sharpness"}  # net.SECTION_DEFAULTS' keys

PREFIX = {
    WHOLE: "networks.w.",
    BACKPROP: "networks.b.",
    TRAIN: "networks.t.",
    TEST: "networks.v.",
    VARIANTS: "networks.i.",
    DEPTH: "networks.d.",
    SHRINK: "networks.r.",
    MINIBATCH: "networks.m.",
    SHARPNESS: "networks.s.",
}  # each section's controls are its own: "networks.t.noise"
LESSONS = {BACKPROP: nl.BACKPROP, MINIBATCH: nl.MINIBATCH, SHRINK: nl.SHRINK, DEPTH: nl.DEPTH}  # their own scenes

COMPARE = {
    TEST: {"l2": "L2 regularisation", "aug": "Augmentation"},
    VARIANTS: {"init": "Initialisation", "bn": "Batch norm", "dropout": "Dropout"},
}
ON_AUGMENTATIONS = ("jitter", "mixup", "flip")  # what Train vs test can switch on
ON_L2, ON_DROPOUT = 1e-3, 0.2


# -- the link's tables ------------------------------------------------------------------------------------------------
DATA = (
    Param("dataset", "data", "the data set", choice(tuple(DATASETS))),
    Param("noise", "noise", "the noise's std", grid(NOISES), fmt),
    Param("n", "n", "the points, train and test together", grid(POINTS)),
    Param("data_seed", "data_seed", "the data's seed", integer(*SEEDS)),
)
MODEL = (
    Param(
        "widths",
        "widths",
        "the hidden widths, comma-separated (empty: a linear model)",
        parse_widths,
        lambda w: ",".join(map(str, w)),
        shown=lambda w: ", ".join(map(str, w)),  # the text box's way
    ),
    Param("activation", "act", "the activation", choice(tuple(ACTIVATIONS)), widget="activation"),
    Param("init", "init", "the initialisation", choice(INITS)),
    Param("init_seed", "init_seed", "the initialisation's seed", integer(*SEEDS)),
)
SCALE = (Param("init_scale", "init_scale", "the constant, or the normal's std", grid(INIT_SCALES), fmt),)
NET_STEPS_PARAM = (Param("steps", "steps", "the training steps", stepped(*STEPS)),)
REGULARISATION = (
    Param("l2", "l2", "L2's λ", grid(PENALTIES), fmt),
    Param("l1", "l1", "L1's λ", grid(PENALTIES), fmt),
    Param("batchnorm", "bn", "batch normalisation, 1 or 0", flag, write_flag),
    Param("dropout", "dropout", "the dropout rate", grid(DROPOUTS), fmt),
    Param("augmentation", "aug", "the augmentation", choice(AUGMENTATIONS)),
)
BATCH = (Param("batch", "batch", "the minibatch size (0: the whole training set)", grid(BATCH_SIZES)),)
SHARP = (
    Param("lr", "gd.learning_rate", "gradient descent's η", grid(SHARP_LRS), fmt, widget="lr"),
    Param("steps", "steps", "the training steps", stepped(*SHARP_STEPS)),
)
WHOLE_PARAMS = (
    Param("scale", "scale", "the random start's std", grid(WHOLE_SCALES), fmt),
    Param("seed", "seed", "the random start's seed", integer(*SEEDS)),
    Param("steps", "steps", "the steps", stepped(*WHOLE_STEPS)),
)
STEP = (Param("step", "step", "the step whose fit is shown", integer(0, NET_STEPS[1])),)
RANGE = (Param("range_test", "range", "the learning-rate range test, 1 or 0", flag, write_flag, widget="range"),)


def strength_param(kind: str, widget: str = "aug_strength.") -> tuple[Param, ...]:
    """The augmentation's strength: Train's slider is ``aug_strength.<kind>``, Train vs test's ``s.<kind>``."""
    return (Param("strength", "strength", f"{kind}'s strength", grid(STRENGTHS[kind]), fmt, widget=widget + kind),)


# -- the state --------------------------------------------------------------------------------------------------------
def _default_runs() -> tuple[RunSpec, ...]:
    return tuple(RunSpec.default(k) for k in WHOLE_OPTIMIZERS)


@dataclass(frozen=True)
class Whole:
    """See it whole: the racers on the 2-parameter network, the small random start's std and seed, the steps."""

    runs: tuple[RunSpec, ...] = field(default_factory=_default_runs)
    scale: float = 0.01
    seed: int = 1
    steps: int = 800


@dataclass(frozen=True)
class State:
    section: str = WHOLE
    scene: NetScene | None = None  # the trained network (None on See it whole)
    whole: Whole | None = field(default_factory=Whole)  # See it whole only
    backprop: bp.BackpropScene | None = None  # Backprop only
    depth: dp.DepthScene | None = None  # Depth only
    shrink: sh.ShrinkScene | None = None  # Ridge & lasso only
    minibatch: mb.MinibatchScene | None = None  # Minibatch only
    step: int | None = None  # Train: the step whose fit is shown (None: the last the run reached)
    range_test: bool = False  # Train: the learning-rate range test shown
    compare: str | None = None  # Train vs test, Init · BN · dropout: the radio's label
    change: tuple[tuple[str, object], ...] = ()  # the NetScene fields the compared run switches on (its l2, aug…)


def default_state(section: str) -> State:
    return decode({"section": section})[0]


# -- link -> state ----------------------------------------------------------------------------------------------------
_values, _read, _refuse = nl.values_of, nl.read_used, nl.refuse


def read_run(key: str, q, notices: list[str], used: set[str]) -> RunSpec:
    """One optimizer's hyperparameters (``<opt>.<hyper>``, links.scene's decode_run), each one of its slider's stops;
    no schedule and no hyperparameter without a slider (the page has no control for them)."""
    spec = OPTIMIZERS[key]
    mine = {k: v for k, v in q.items() if k.startswith(f"{key}.")}
    used.update(mine)
    sliders = {h.name: h for h in spec.hypers if h.slider}
    for k in list(mine):
        name = k[len(key) + 1 :]
        if name not in sliders:
            why = (
                "this page trains at a constant learning rate"
                if name == "schedule"
                else f"{spec.title} has no {name} control here"
                if name in spec.defaults()
                else f"{spec.title} has no hyperparameter {name}"
            )
            notices.append(f"{k}={cut(mine.pop(k))!r} in the link: {why}")
    hyper = decode_run(key, mine, notices).hyper_dict()
    for name, h in sliders.items():
        stops = options(h.lo, h.hi, h.log, h.default)
        if (o := on_grid(stops, hyper[name])) is None:
            notices.append(
                f"{key}.{name}={mine[f'{key}.{name}']!r} in the link: the slider offers "
                f"{_offered(stops, hyper[name])}; using {fmt(h.default)}"
            )
        hyper[name] = h.default if o is None else o
    return RunSpec(key, tuple(sorted((k, float(v)) for k, v in hyper.items())))


def _read_whole(q, notices: list[str], used: set[str]) -> Whole:
    d = Whole()
    keys = [r.optimizer for r in d.runs]
    used.add("opt")
    if "opt" in q:
        given = [k for k in q["opt"].split(",") if k]
        if all(k in WHOLE_OPTIMIZERS for k in given) and len(set(given)) == len(given):
            keys = given
        else:
            why = f"must be some of {', '.join(WHOLE_OPTIMIZERS)}, each once"
            notices.append(refused("opt", q["opt"], why, ",".join(keys)))
    runs = tuple(read_run(k, q, notices, used) for k in keys)
    return Whole(runs, **_read(q, WHOLE_PARAMS, _values(d, WHOLE_PARAMS), notices, used))


def _read_network(section: str, q, notices: list[str], used: set[str]) -> State:
    default = SECTION_DEFAULTS[DEFAULTS[section]]
    v = _read(q, DATA + MODEL, _values(default, DATA + MODEL), notices, used)
    if v["init"] in SCALED_INITS:
        v |= _read(q, SCALE, _values(default, SCALE), notices, used)
    else:
        _refuse(q, ["init_scale"], "only the constant and normal initialisations have a scale", notices, used)
    if section == SHARPNESS:
        sharp = _read(
            q, SHARP, {"lr": dict(default.optimizer.hyper)["learning_rate"], "steps": default.steps}, notices, used
        )
        v |= {"steps": sharp["steps"], "optimizer": RunSpec("gd", (("learning_rate", sharp["lr"]),))}
        within_budget(v, default, SHARP_STEPS, notices)
        return State(section, replace(default, **v), None)
    key = _read(
        q,
        (Param("opt", "opt", "the optimizer", choice(NET_OPTIMIZERS)),),
        {"opt": default.optimizer.optimizer},
        notices,
        used,
    )["opt"]
    v |= _read(q, NET_STEPS_PARAM, _values(default, NET_STEPS_PARAM), notices, used)
    within_budget(v, default, STEPS, notices)
    v["optimizer"] = read_run(key, q, notices, used)
    state = State(section, None, None)
    if section == TRAIN:
        v |= _read(q, BATCH + REGULARISATION, _values(default, BATCH + REGULARISATION), notices, used)
        if v["augmentation"] != "none":
            v |= _read(
                q, strength_param(v["augmentation"]), {"strength": STRENGTHS[v["augmentation"]][1]}, notices, used
            )
        else:
            _refuse(q, ["strength"], "no augmentation, no strength (give aug too)", notices, used)
        step = _read(q, STEP, {"step": None}, notices, used)["step"]
        if step is not None and step not in recorded_steps(v["steps"]):
            every = recorded_steps(v["steps"])[1]
            notices.append(
                f"step={step} in the link: a run of {plural(v['steps'], 'step')} records every "
                f"{plural(every, 'step') if every > 1 else 'step'}; using its last step"
            )
            step = None
        state = replace(state, step=None if step == v["steps"] else step)
        state = replace(state, range_test=_read(q, RANGE, {"range_test": False}, notices, used)["range_test"])
    else:
        labels = COMPARE[section]
        compare = _read(q, (labelled(labels),), {"compare": next(iter(labels.values()))}, notices, used)["compare"]
        state = replace(state, compare=compare, change=_read_change(compare, q, notices, used))
    return replace(state, scene=replace(default, **v))


def change_params(compare: str, kind: str | None = None) -> tuple[Param, ...]:
    """The link's parameters of what the compared run switches on (named as the NetScene's fields)."""
    if compare == "L2 regularisation":
        return (Param("l2", "l2", "L2's λ when on", grid(PENALTIES[1:]), fmt),)
    if compare == "Augmentation":
        return (
            Param("augmentation", "aug", "the augmentation when on", choice(ON_AUGMENTATIONS)),
            *(strength_param(kind, "s.") if kind else ()),
        )
    if compare == "Dropout":
        return (Param("dropout", "dropout", "the dropout rate when on", grid(DROPOUTS[1:]), fmt, widget="rate"),)
    return ()


def change_defaults(compare: str, kind: str | None = None) -> dict:
    """What the compared run switches on before anything is moved (the strength: the kind's second strongest)."""
    aug = {"augmentation": ON_AUGMENTATIONS[0], "strength": STRENGTHS[kind or ON_AUGMENTATIONS[0]][-2]}
    return {"L2 regularisation": {"l2": ON_L2}, "Augmentation": aug, "Dropout": {"dropout": ON_DROPOUT}}.get(
        compare, {}
    )


def _read_change(compare: str, q, notices: list[str], used: set[str]) -> tuple:
    """What the compared run switches on: L2's λ, an augmentation and its strength, or a dropout rate."""
    other = {"L2 regularisation": ("aug", "strength"), "Augmentation": ("l2",)}.get(compare, ("dropout",))
    _refuse(q, [] if compare == "Dropout" else other, f"it means nothing when comparing {compare}", notices, used)
    on = _read(q, change_params(compare), change_defaults(compare), notices, used)
    if compare == "Augmentation":
        kind = on["augmentation"]
        on |= _read(q, strength_param(kind), {"strength": STRENGTHS[kind][-2]}, notices, used)
    return tuple(on.items())


def decode(q: dict) -> tuple[State, list[str]]:
    """The State a link describes; never raises: what cannot be used falls back to the section's default, told."""
    notices: list[str] = []
    used = {"section"}
    section = read_section(q, SECTIONS, SHORT, notices)
    try:
        if section == WHOLE:
            state = State(section, whole=_read_whole(q, notices, used))
        elif section in LESSONS:
            lesson = LESSONS[section]
            state = State(section, whole=None, **{lesson.field: lesson.read(q, notices, used)})
        else:
            state = _read_network(section, q, notices, used)
    except Exception:  # a path the readers did not foresee: the section's defaults, said in words (not Python's)
        notices.append(f"the link's settings could not be used together; showing the {section} section's defaults")
        if section in LESSONS:
            return State(section, whole=None, **{LESSONS[section].field: LESSONS[section].default()}), notices
        return (State(section) if section == WHOLE else _read_network(section, {}, [], set())), notices
    return state, notices + unknown_params(q, used)


# -- state -> controls -----------------------------------------------------------------------------------------------
def widget_values(state: State) -> dict[str, object]:
    """What each control of the state's section shows (the section switch aside), from the link's tables."""
    p = PREFIX[state.section]
    if state.section == WHOLE:
        w = state.whole
        out: dict[str, object] = {f"{p}optimizers": [r.optimizer for r in w.runs]}
        for r in w.runs:
            out |= hyper_widgets(r, f"{p}{r.optimizer}")
        return out | control_values(_values(w, WHOLE_PARAMS), WHOLE_PARAMS, p)
    if state.section in LESSONS:
        lesson = LESSONS[state.section]
        return control_values(_values(getattr(state, lesson.field), lesson.widgets), lesson.widgets, p)
    s = state.scene
    table = DATA + MODEL + (SCALE if s.init in SCALED_INITS else ())
    out = control_values(_values(s, table), table, p)
    if state.section == SHARPNESS:
        return out | control_values({"lr": s.optimizer.hyper_dict()["learning_rate"], "steps": s.steps}, SHARP, p)
    out[f"{p}opt"] = s.optimizer.optimizer
    out |= hyper_widgets(s.optimizer, p + s.optimizer.optimizer) | control_values(
        _values(s, NET_STEPS_PARAM), NET_STEPS_PARAM, p
    )
    if state.section == TRAIN:
        out |= control_values(_values(s, BATCH + REGULARISATION), BATCH + REGULARISATION, p)
        if s.augmentation != "none":
            out |= control_values({"strength": s.strength}, strength_param(s.augmentation), p)
        out |= control_values({"range_test": state.range_test}, RANGE, p)
        return out | ({f"{p}show": state.step} if state.step is not None else {})
    change = dict(state.change)
    out[f"{p}what"] = state.compare
    return out | control_values(change, change_params(state.compare, change.get("augmentation")), p)


# -- state -> link ----------------------------------------------------------------------------------------------------
def encode(state: State) -> dict[str, str]:
    """The link's parameters: what differs from the section's defaults."""
    q = section_param(state.section, SECTIONS, SHORT)
    d = default_state(state.section)
    if state.section == WHOLE:
        w = state.whole
        if [r.optimizer for r in w.runs] != [r.optimizer for r in d.whole.runs]:
            q["opt"] = ",".join(r.optimizer for r in w.runs)
        for r in w.runs:
            q |= run_query(r)
        return q | write_params(_values(w, WHOLE_PARAMS), WHOLE_PARAMS, _values(d.whole, WHOLE_PARAMS))
    if state.section in LESSONS:
        lesson = LESSONS[state.section]
        scene, default = getattr(state, lesson.field), getattr(d, lesson.field)
        table = lesson.link(scene)
        return q | write_params(_values(scene, table), table, _values(default, table))
    s, ds = state.scene, d.scene
    table = DATA + MODEL + (SCALE if s.init in SCALED_INITS else ())
    q |= write_params(_values(s, table), table, _values(ds, table))
    if state.section == SHARPNESS:
        lr = lambda x: dict(x.optimizer.hyper)["learning_rate"]  # noqa: E731
        return q | write_params({"lr": lr(s), "steps": s.steps}, SHARP, {"lr": lr(ds), "steps": ds.steps})
    if s.optimizer.optimizer != ds.optimizer.optimizer:
        q["opt"] = s.optimizer.optimizer
    q |= run_query(s.optimizer) | write_params({"steps": s.steps}, NET_STEPS_PARAM, {"steps": ds.steps})
    if state.section == TRAIN:
        table = BATCH + REGULARISATION
        q |= write_params(_values(s, table), table, _values(ds, table))
        if s.augmentation != "none":
            table = strength_param(s.augmentation)
            q |= write_params(_values(s, table), table, {"strength": STRENGTHS[s.augmentation][1]})
        q |= write_params({"range_test": state.range_test}, RANGE, {"range_test": False})
        return q | write_params({"step": state.step}, STEP, {"step": None})
    compare = labelled(COMPARE[state.section])
    q |= write_params({"compare": state.compare}, (compare,), {"compare": d.compare})
    change = dict(state.change)
    kind = change.get("augmentation")
    return q | write_params(change, change_params(state.compare, kind), change_defaults(state.compare, kind))


# -- state -> figures -------------------------------------------------------------------------------------------------
