"""Widget helpers shared by the pages: each draws one control and returns a plain value."""

from __future__ import annotations

import streamlit as st

from links.controls import FORMULA_BOUNDS, Control, start_keys
from links.scene import DEFAULT_DOMAIN, EXAMPLE_FORMULA
from links.slider_values import nearest, options
from optim import OPTIMIZERS
from optim.schedules import KINDS, TITLES, Schedule
from scenes.scene import CUSTOM
from scenes.text import NAMES, num, plain, point
from surfaces import SURFACES, from_formula
from views.common import caption


def choice_slider(
    label: str, opts: list, default, key: str, log: bool = False, help: str | None = None, format_func=num
):
    """A select-slider over `opts`; a remembered value that is no longer offered snaps to the nearest one."""
    if st.session_state.get(key) not in opts:  # first visit, or a value from elsewhere: snap to the grid
        v = nearest(opts, st.session_state.get(key, default), log)
        st.session_state[key] = next(o for o in opts if o == v)  # the option itself: its text is how it is stored
    return st.select_slider(label, options=opts, key=key, format_func=format_func, help=help)


def value_slider(label: str, lo: float, hi: float, log: bool, default: float, key: str, help: str | None = None):
    """A select-slider over nice values (log-spaced for learning rates); arrow keys step through them."""
    return choice_slider(label, options(lo, hi, log, default), default, key, log, help)


def param_slider(p, prefix: str) -> float:
    """A slider for a registry parameter (an optimizer's Hyper or a surface's SurfaceParam): symbol, name, range."""
    name = getattr(p, "title", "") or NAMES.get(p.name, p.name.replace("_", " "))
    return value_slider(
        f"${p.label}$ {name}",
        p.lo,
        p.hi,
        p.log,
        p.default,
        key=f"{prefix}.{p.name}",
        help=getattr(p, "help", "") or None,
    )


def hyper_sliders(optimizer, prefix: str) -> dict[str, float]:
    """One slider per tunable hyperparameter of a registry optimizer; the others keep their defaults."""
    return {h.name: param_slider(h, prefix) for h in optimizer.hypers if h.slider}


# -- a row of a page's table of controls (links/controls.py's Control) ----------------------------------------------
def number_control(c: Control) -> int:
    """A steps slider or a seed box, as its row says."""
    if c.input == "box":
        return int(st.number_input(c.label, c.lo, c.hi, c.default, key=c.widget, help=c.help))
    return int(st.slider(c.label, c.lo, c.hi, c.default, step=c.by, key=c.widget, help=c.help))


def racers_control(c: Control) -> list[str]:
    """The optimizers box: several of the row's options (``multi``) or one (``select``); registry keys."""
    title = lambda k: OPTIMIZERS[k].title  # noqa: E731
    if c.input == "multi":
        return st.multiselect(
            c.label,
            list(c.options),
            default=list(c.default),
            key=c.widget,
            max_selections=c.most,
            format_func=title,
            help=c.help,
        )
    return [st.selectbox(c.label, c.options, key=c.widget, format_func=title, help=c.help)]


def surface_control(c: Control, prefix: str, on_change=None):
    """The surface picker of a row (its options name ``custom`` when it offers a formula); see surface_picker.
    ``on_change``: called when the surface is chosen in the menu (before the page's rerun)."""
    keys = tuple(k for k in c.options if k != CUSTOM)
    return surface_picker(keys, c.widget, c.default, prefix, custom=CUSTOM in c.options, on_change=on_change)


# -- the surface -------------------------------------------------------------------------------------------------------
CUSTOM_LABEL = "✎ Your own formula…"
EXAMPLE = EXAMPLE_FORMULA


def surface_picker(keys: tuple[str, ...], key: str, default: str, prefix: str, custom: bool = True, on_change=None):
    """The surface select box (the catalogue and, if `custom`, "your own formula"), its parameter sliders, its lesson.

    Returns (name, params, surface, formula): params as sorted items for a Scene, formula (text, domain) for CUSTOM.
    A link sets it through the page's widget_values (links/controls.py's surface_widgets)."""
    names = [*keys, CUSTOM] if custom else list(keys)
    name = st.selectbox(
        "Surface",
        names,
        index=names.index(default),
        key=key,
        format_func=lambda k: CUSTOM_LABEL if k == CUSTOM else SURFACES[k].title,
        on_change=on_change,
    )
    if name == CUSTOM:
        formula, surface = formula_input(prefix)
        caption(surface.lesson)
        return CUSTOM, (), surface, formula
    params = {p.name: param_slider(p, prefix=f"{prefix}{name}") for p in SURFACES[name].params}
    surface = SURFACES[name].with_params(**params)
    caption(surface.lesson)
    return name, tuple(sorted(params.items())), surface, None


def formula_input(prefix: str):
    """A formula in x and y and its domain. A formula that does not parse, or is undefined on the domain, is told
    where, and the last good formula stays on the page (the example at first)."""
    text = st.text_input(
        "f(x, y) =",
        EXAMPLE,
        key=f"{prefix}formula",
        max_chars=300,
        help="Numbers, x, y, pi, e, + − * / ^ (or **), parentheses, and sin cos tan exp log sqrt "
        "abs tanh sinh cosh arctan min max.",
    )
    c = st.columns(4)
    bounds = [
        c[i].number_input(label, value=v, step=1.0, key=f"{prefix}formula.{label}", format="%g")
        for i, (label, v) in enumerate(zip(FORMULA_BOUNDS, (-4.0, 4.0, -4.0, 4.0), strict=True))
    ]
    domain = ((float(bounds[0]), float(bounds[1])), (float(bounds[2]), float(bounds[3])))
    good = f"{prefix}formula.good"
    try:
        with st.spinner("Reading the formula and finding its critical points…"):
            surface = from_formula(text, domain)
        st.session_state[good] = (text, domain)
        return (text, domain), surface
    except ValueError as e:  # FormulaError: the message says where
        last = st.session_state.get(good, (EXAMPLE, DEFAULT_DOMAIN))
        st.error(f"{plain(str(e))}. Still showing f = `{last[0]}`.")  # e may quote the formula: plain text
        return last, from_formula(*last)


# -- the start point -------------------------------------------------------------------------------------------------
def _set_start(xkey: str, ykey: str, pill_key: str, starts: dict) -> None:
    chosen = st.session_state.get(pill_key)
    if chosen in starts:
        st.session_state[xkey], st.session_state[ykey] = starts[chosen]
    st.session_state[pill_key] = None


def start_picker(surface, prefix: str) -> tuple[float, float, tuple[str, str, float]]:
    """x₀ and y₀ sliders over the surface's domain, and pills for its instructive starts (when it has several).

    Returns (x, y, (xkey, ykey, step)): the keys and the slider step let a click on a map set the start too."""
    (x0, x1), (y0, y1) = surface.domain
    default = surface.default_start
    xkey, ykey, slot = start_keys(surface, prefix)
    step = float(f"{surface.span / 200:.1g}")
    st.markdown("**Start point**")
    c1, c2 = st.columns(2)
    sx = c1.slider("x₀", float(x0), float(x1), float(default[0]), step=step, key=xkey, format="%.3g")
    sy = c2.slider("y₀", float(y0), float(y1), float(default[1]), step=step, key=ykey, format="%.3g")
    if len(surface.starts) > 1:
        starts = {point(*p): p for p in surface.starts}
        pill_key = f"{prefix}pills.{slot}"
        st.pills(
            "Instructive starts",
            list(starts),
            key=pill_key,
            label_visibility="collapsed",
            on_change=_set_start,
            args=(xkey, ykey, pill_key, starts),
        )
    return float(sx), float(sy), (xkey, ykey, step)


# -- learning-rate schedules -----------------------------------------------------------------------------------------
ROUND_STEPS = (
    1,
    2,
    5,
    10,
    15,
    20,
    25,
    30,
    40,
    50,
    60,
    75,
    100,
    125,
    150,
    200,
    250,
    300,
    400,
    500,
    600,
    750,
    1000,
    1250,
    1500,
    2000,
)
DECAY_RATES = [0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9]
FINAL_FACTORS = [0.0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.5]


def _steps_slider(label: str, most: int, default: float, key: str, help: str) -> int:
    opts = [s for s in ROUND_STEPS if s <= max(most, 1)]
    return int(choice_slider(label, opts, nearest(opts, default, log=True), key, log=True, help=help, format_func=str))


def schedule_picker(prefix: str, steps: int) -> Schedule | None:
    """A "Schedule" select box and the one or two sliders its kind needs; None for a constant learning rate.

    Keys are ``f"{prefix}.schedule.<name>"``. Defaults follow the run's ``steps``: step and exponential decay ×0.5
    every steps/4, cosine from the start over all the steps down to 0.01×, a warmup of steps/10.
    """
    key = f"{prefix}.schedule"
    kind = st.selectbox(
        "Schedule",
        KINDS,
        key=f"{key}.kind",
        format_func=TITLES.get,
        help="Multiplies the learning rate η at each update: η_t = η · m(t).",
    )
    if kind == "constant":
        return None
    if kind in ("step", "exponential"):
        rate = choice_slider(
            "Decay factor",
            DECAY_RATES,
            0.5,
            f"{key}.decay_rate",
            help="The learning rate is multiplied by this…",
            format_func=lambda v: f"×{num(v)}",
        )
        every = _steps_slider(
            "…every (steps)",
            steps,
            steps / 4,
            f"{key}.transition_steps",
            help="…every this many steps (smoothly for exponential decay).",
        )
        schedule = Schedule(kind, transition_steps=every, decay_rate=rate)
    else:
        warmup = 0
        if kind == "warmup_cosine":
            warmup = _steps_slider(
                "Warmup (steps)",
                steps // 2,
                steps / 10,
                f"{key}.warmup_steps",
                help="The learning rate rises linearly from 0 to η over these first steps.",
            )
        alpha = choice_slider(
            "Final factor",
            FINAL_FACTORS,
            0.01,
            f"{key}.alpha",
            help="The cosine ends at this fraction of η, at the last step.",
            format_func=lambda v: f"{num(v)}×",
        )
        schedule = Schedule(kind, decay_steps=max(steps, warmup + 1), alpha=alpha, warmup_steps=warmup)
    st.caption(f"Schedule: {schedule.text}.")
    return schedule
