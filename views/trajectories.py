"""Trajectories: optimizers race from one start on a chosen surface; contour animation, 3D view, loss curves."""

from __future__ import annotations

import streamlit as st

from charts import scene as fig
from charts import trajectories as race_charts
from links import trajectories as tp
from links.controls import by_field
from links.slider_values import options
from optim import OPTIMIZERS
from scenes import Result, RunSpec, Scene
from scenes import learning_rate as lab
from scenes.text import num
from surfaces import SURFACES
from views import address_bar, lesson, screen
from views.animation_keys import animation_keys
from views.common import COLUMNS, cached_compute, caption, chart, chart_config, map_fit, outcomes
from views.live_drag import live_drag
from views.page_run import page_run
from views.plot import clicked
from views.widgets import (
    hyper_sliders,
    number_control,
    racers_control,
    schedule_picker,
    start_picker,
    surface_control,
)
from viz import THEMES

VIEWS = tp.VIEWS
INSIDE = (
    "Inside each step, at the step shown: red, the gradient step −η∇f; purple, from its tip, what the rule adds "
    "(momentum carried from past steps, or noise); green, the step taken (the two add up to it). AdaGrad, RMSProp and "
    "Adam rescale each coordinate: the step ends on the dotted ellipse, wide along a coordinate whose gradients have "
    "been small. A racer's arrows are magnified together, its longest to one length: the path shows how far it went."
)


def _start_from_click() -> None:
    """A click on the contour selects the nearest point of its invisible grid: start the race there."""
    xkey, ykey, step, domain = st.session_state["click"]
    points = clicked("contour")
    grid = [p for p in points if p.get("curve_number") == 0]
    if grid:
        (x0, x1), (y0, y1) = domain
        snap = lambda v, lo, hi: round(float(min(max(round(v / step) * step, lo), hi)), 9)
        st.session_state[xkey] = snap(grid[0]["x"], x0, x1)
        st.session_state[ykey] = snap(grid[0]["y"], y0, y1)


def _settle_rates() -> None:
    """A surface chosen from the menu: a racer whose learning rate could not settle in the surface's steepest global
    minimum (at or above its rule's stability limit there, GD's 2/L) starts instead at the slider's largest stop below
    half that limit, and the page says so (at 0.015 gradient descent scribbled over Rastrigin, whose 2/L is 0.005)."""
    name = st.session_state.get(by_field(tp.CONTROLS)["surface"].widget)
    if name not in SURFACES:
        return
    surface, told, top = SURFACES[name], [], None
    for k in st.session_state.get(by_field(tp.CONTROLS)["runs"].widget) or ():
        rule, key = OPTIMIZERS[k], f"{k}.learning_rate"
        h = rule.hyper("learning_rate")
        if h is None or not isinstance(st.session_state.get(key), float):
            continue
        hyper = {n: float(st.session_state.get(f"{k}.{n}", v)) for n, v in rule.defaults().items()}
        got = lab.settling_limit(surface, k, hyper)
        stops = [v for v in options(h.lo, h.hi, h.log, h.default) if got and v <= got[0] / 2]
        if got is None or hyper["learning_rate"] < got[0] or not stops:
            continue
        st.session_state[key], top = stops[-1], got[1]
        told.append(f"{rule.title} η {num(hyper['learning_rate'])} → {num(stops[-1])} (it settles below {num(got[0])})")
    if told:
        st.session_state["trajectories.settled"] = (
            f"{surface.title} curves steeply at its minimum (L = {num(top)}), so the learning rates start lower: "
            + "; ".join(told)
            + "."
        )


def _make_fair() -> None:
    """The fair race's button: each racer's learning-rate slider set to the best of its own sweep (scenes/fair.py)."""
    scene = st.session_state.get("trajectories.scene")
    if scene is None:
        return
    with st.spinner("Sweeping each racer's learning rate…"):
        race = race_charts.fair_race(scene)
    for r, p in zip(scene.runs, race.picks, strict=True):
        if p.best is not None:
            st.session_state[f"{r.optimizer}.learning_rate"] = p.best
    st.session_state["trajectories.fair"] = race


def controls() -> Scene | None:
    """The control column: every widget, read into a Scene; a link sets them on the first visit."""
    if (q := address_bar.entry()) is not None:
        linked, notices = tp.decode(q)
        st.session_state.update(tp.widget_values(linked))
        address_bar.notice(notices)
    row = by_field(tp.CONTROLS)
    key, params, surface, formula = surface_control(row["surface"], prefix="", on_change=_settle_rates)
    chosen = racers_control(row["runs"])
    if chosen:
        st.button(
            "⚖ Fair race: each at its best η",
            key="fair",
            on_click=_make_fair,
            help="Sweep each racer's learning rate over its slider's stops (same start, steps and other settings) "
            "and race each at the rate that reaches the global minimum in the fewest steps.",
        )
        st.toggle(
            "Inside each step",
            key="internals",
            help="On the animated map, at the step shown: each racer's gradient step −η∇f, what its rule adds "
            "(momentum carried, or noise), the step it takes, and for AdaGrad, RMSProp and Adam the per-coordinate "
            "rescaling as an ellipse.",
        )

    # the steps slider is drawn below, but schedules span the run: its value as of this rerun (widgets update first)
    race_steps = int(st.session_state.get(row["steps"].widget, row["steps"].default))
    runs = []
    for k in chosen:
        with st.expander(OPTIMIZERS[k].title, expanded=len(chosen) <= 3):
            hyper = tuple(sorted(hyper_sliders(OPTIMIZERS[k], prefix=k).items()))
            runs.append(RunSpec(k, hyper, schedule_picker(k, race_steps)))
    sx, sy, (xkey, ykey, step) = start_picker(surface, prefix="")
    steps = number_control(row["steps"])
    seed = number_control(row["seed"]) if any(OPTIMIZERS[k].stochastic for k in chosen) else 0
    st.session_state["click"] = (xkey, ykey, step, surface.domain)
    if not runs:
        return None
    scene = st.session_state["trajectories.scene"] = Scene(
        surface=key,
        surface_params=params,
        runs=tuple(runs),
        start=(float(sx), float(sy)),
        steps=int(steps),
        seed=seed,
        formula=formula,
    )
    return scene


def fair_section(scene: Scene, theme) -> None:
    """The fair race's notice and its sweeps, while the race is the one the button made."""
    race = st.session_state.get("trajectories.fair")
    if race is None or race.fair != scene:
        return
    st.info(race.text, icon=":material/balance:")
    chart(race_charts.fair_figure(race, theme), config=chart_config("fair-race-sweeps"), theme=None, key="fair_sweeps")


def rules(result: Result) -> None:
    st.markdown("**Update rules**")
    for r in result.runs:
        spec = r.spec.spec
        st.markdown(
            f'<span style="color:{spec.color}">●</span> **{spec.title}** — {spec.summary}', unsafe_allow_html=True
        )
        st.latex(spec.latex)
        if spec.note:  # optax's variant, which the path follows, where it differs from the textbook rule above
            caption(spec.note)
        if r.spec.schedule is not None and r.spec.schedule.kind != "constant":
            st.markdown(f"with a learning-rate schedule, {r.spec.schedule.text}:")
            st.latex(r.spec.schedule.latex)


def draw() -> None:
    """One run of the page (views/page_run.py runs it as a fragment)."""
    theme = THEMES["presenter" if st.session_state.get("presenter") else "normal"]
    scr = screen.current()
    if lesson.showing():  # a slideshow: the chart at the page's full width, the controls kept but not shown
        head = stuck = rest = st.container()
        left = st.container(key="controls")
    elif scr.narrow:  # a phone: the map, then the controls scrolling under it while it stays in view, then the rest
        head, stuck = st.container(), st.container(key="sticky-chart")
        left, rest = st.container(), st.container()
    else:  # the chart column comes first so that a narrow window shows the race first; the controls are read first
        right, left = st.columns(COLUMNS, gap="medium")
        head, stuck = left.container(), right  # the title and the view switch top the controls: the map starts higher
        rest = right
    with left:
        scene = controls()
    with head:
        if scene is None:
            st.info("Choose at least one optimizer to start the race.")
            st.stop()
        with st.spinner("Computing the race…"):
            result = cached_compute(scene)
        st.markdown("#### Trajectories")
        view = (
            st.segmented_control(
                "View",
                list(VIEWS.values()),
                default=None
                if "view" in st.session_state
                else VIEWS["contour"],  # a link's view: set, not a default too
                key="view",
                label_visibility="collapsed",
            )
            or VIEWS["contour"]
        )
        shown = next(k for k, label in VIEWS.items() if label == view)  # "contour", "3d" or "both"
        inside = bool(st.session_state.get("internals"))
        address_bar.add(tp.encode(tp.State(scene, shown, inside)))
    beside = shown == "both" and not scr.narrow
    # the map in view below the top bar and its legend (views.common.fitted adds presenter's and a slideshow's room);
    # 146 px, not 150: plotly.js widens the map's margins by ~3 px for its legend and its step slider
    fit = map_fit(result, 2 if beside else 1, reserve=146, heading=122)  # a slideshow: title and view switch above it
    frames = fit.setdefault("frames", 61)  # a phone's map shows the whole race: no room for the replay's controls
    with stuck:
        if beside:  # two maps of one race, the 3D one following the map's step
            flat, solid = st.columns(2, gap="small")
        else:  # one chart (a phone's 3D chart of the side-by-side view goes below the controls: one stays in view)
            flat, solid = st.container(), (rest if shown == "both" else st.container())
        if shown != "3d":
            with flat:
                contour = fig.contour(result, theme, internals=inside, **fit)
                chart(
                    contour,
                    config=chart_config("loss-landscape"),
                    theme=None,
                    key="contour",
                    on_select=_start_from_click,
                    selection_mode="points",
                )
                rungs = [
                    (i, name, f"{scene.runs[i].optimizer}.{name}", first, values)
                    for i, name, first, values in fig.rungs(scene)
                ]
                live_drag(result, contour, "contour", rungs)
        if shown != "contour":
            with solid:
                height = contour.layout.height if shown == "both" else fit["side"] + 120  # beside the map: as tall
                figure = fig.surface3d(
                    result, theme, height=height, frames=frames, controls=shown == "3d", recipe_only=fit["recipe_only"]
                )
                chart(figure, config=chart_config("loss-landscape"), theme=None, key="chart3d")
        if frames:  # the keyboard plays the animated chart; beside the map, the 3D chart follows its steps
            lead = "chart3d" if shown == "3d" else "contour"
            animation_keys(lead, slides=lesson.showing(), follow="chart3d" if shown == "both" else None)
    with rest, st.container():  # one slot whatever it holds: the charts below keep their place (a chart that moved
        if shown != "3d":  # would be drawn anew: switching to 3D redrew the unchanged loss chart, 0.7 s in)
            replay = "." if scr.narrow else "; ▶ Play (or space) replays it, Slow or Fast at another pace, ← → step."
            caption("Click the map to start the race there" + replay)
            if inside:
                caption(INSIDE if fit["frames"] else "The phone's map shows the race whole: open the page on a wider "
                        "screen to step through each racer's internals.")  # fmt: skip
        if said := st.session_state.pop("trajectories.settled", None):  # the surface just chosen lowered a rate
            st.info(said, icon=":material/speed:")
    with rest:
        outcomes(result)
        fair_section(scene, theme)
        st.latex(r"f(x, y) = " + result.surface.latex)
        c1, c2 = st.columns([1.3, 1], gap="large")
        with c1:
            chart(fig.loss(result, theme, distance=True), config=chart_config("loss-landscape"), theme=None, key="loss")
        with c2:
            rules(result)


page_run("trajectories", draw)
