"""Trajectories: optimizers race from one start on a chosen surface; contour animation, 3D view, loss curves."""

from __future__ import annotations

import streamlit as st

from optim import OPTIMIZERS
from scenes import MAX_RUNS, STEP_RANGE, Result, RunSpec, Scene
from scenes import figures as fig
from scenes.pages import trajectories as tp
from scenes.scene import DEFAULT_OPTIMIZERS
from surfaces import SURFACES
from views import links
from views.common import cached_compute, chart, chart_config, outcomes
from views.widgets import (
    hyper_sliders,
    schedule_picker,
    set_run_widgets,
    set_start_widgets,
    set_surface_widgets,
    start_picker,
    surface_picker,
)
from viz import THEMES

CHART_CONFIG = chart_config("loss-landscape")
VIEWS = {"contour": "Contour · animation", "3d": "3D surface"}  # the link's view= values (tp.SECTIONS)


def _start_from_click() -> None:
    """A click on the contour selects the nearest point of its invisible grid: start the race there."""
    xkey, ykey, step, domain = st.session_state["click"]
    points = st.session_state["contour"].selection.points
    grid = [p for p in points if p.get("curve_number") == 0]
    if grid:
        (x0, x1), (y0, y1) = domain
        snap = lambda v, lo, hi: round(float(min(max(round(v / step) * step, lo), hi)), 9)
        st.session_state[xkey] = snap(grid[0]["x"], x0, x1)
        st.session_state[ykey] = snap(grid[0]["y"], y0, y1)


def set_widgets(scene: Scene) -> None:
    """Put a Scene (a link's) into this page's widgets, before they are drawn."""
    set_surface_widgets(scene.surface, scene.surface_params, scene.formula, key="surface", prefix="")
    st.session_state["optimizers"] = [r.optimizer for r in scene.runs]
    for r in scene.runs:
        set_run_widgets(r, prefix=r.optimizer)
    if scene.start is not None:
        set_start_widgets(scene.surface_obj, scene.start, prefix="")
    st.session_state["steps"], st.session_state["seed"] = scene.steps, scene.seed


def controls() -> Scene:
    """The control column: every widget, read into a Scene; a link sets them on the first visit."""
    if (q := links.entry()) is not None:
        linked, notices = tp.decode(q)
        set_widgets(linked.scene)
        st.session_state["view"] = VIEWS[linked.view]
        links.notice(notices)
    key, params, surface, formula = surface_picker(tuple(SURFACES), "surface", Scene.surface, prefix="", link=False)

    chosen = st.multiselect(
        "Optimizers",
        list(OPTIMIZERS),
        default=list(DEFAULT_OPTIMIZERS),
        key="optimizers",
        max_selections=MAX_RUNS,
        format_func=lambda k: OPTIMIZERS[k].title,
        help=f"Race up to {MAX_RUNS} optimizers from the same start.",
    )
    # the steps slider is drawn below, but schedules span the run: its value as of this rerun (widgets update first)
    race_steps = int(st.session_state.get("steps", Scene.steps))
    runs = []
    for k in chosen:
        with st.expander(OPTIMIZERS[k].title, expanded=len(chosen) <= 3):
            hyper = tuple(sorted(hyper_sliders(OPTIMIZERS[k], prefix=k).items()))
            runs.append(RunSpec(k, hyper, schedule_picker(k, race_steps)))

    sx, sy, (xkey, ykey, step) = start_picker(surface, prefix="")
    steps = st.slider("Steps", STEP_RANGE[0], STEP_RANGE[1], Scene.steps, step=10, key="steps")
    seed = 0
    if any(OPTIMIZERS[k].stochastic for k in chosen):
        seed = int(st.number_input("Noise seed", 0, 1_000_000, 0, key="seed", help="Same seed, same noisy path."))
    st.session_state["click"] = (xkey, ykey, step, surface.domain)
    if not runs:
        return None
    scene = Scene(
        surface=key,
        surface_params=params,
        runs=tuple(runs),
        start=(float(sx), float(sy)),
        steps=int(steps),
        seed=seed,
        formula=formula,
    )
    return scene


def rules(result: Result) -> None:
    st.markdown("**Update rules**")
    for r in result.runs:
        spec = r.spec.spec
        st.markdown(
            f'<span style="color:{spec.color}">●</span> **{spec.title}** — {spec.summary}', unsafe_allow_html=True
        )
        st.latex(spec.latex)
        if r.spec.schedule is not None and r.spec.schedule.kind != "constant":
            st.markdown(f"with a learning-rate schedule, {r.spec.schedule.text}:")
            st.latex(r.spec.schedule.latex)


theme = THEMES["presenter" if st.session_state.get("presenter") else "normal"]
# The chart column comes first so that a phone shows the race before the controls; the controls are read first.
right, left = st.columns([2.9, 1], gap="medium")
with left:
    scene = controls()
with right:
    if scene is None:
        st.info("Choose at least one optimizer to start the race.")
        st.stop()
    with st.spinner("Computing the race…"):
        result = cached_compute(scene)
    title, switch = st.columns([1, 1], vertical_alignment="center")
    title.markdown("#### Trajectories")
    view = (
        switch.segmented_control(
            "View", list(VIEWS.values()), default=VIEWS["contour"], key="view", label_visibility="collapsed"
        )
        or VIEWS["contour"]
    )
    links.add(tp.encode(tp.State(scene, "3d" if view == VIEWS["3d"] else "contour")))
    if view == "3D surface":
        chart(fig.surface3d(result, theme), config=CHART_CONFIG, theme=None, key="chart3d")
    else:
        chart(
            fig.contour(result, theme),
            config=CHART_CONFIG,
            theme=None,
            key="contour",
            on_select=_start_from_click,
            selection_mode="points",
        )
        st.caption("Click the map to start the race there; ▶ Play replays it step by step.")
    outcomes(result)
    st.latex(r"f(x, y) = " + result.surface.latex)
    c1, c2 = st.columns([1.3, 1], gap="large")
    with c1:
        chart(fig.loss(result, theme), config=CHART_CONFIG, theme=None, key="loss")
    with c2:
        rules(result)
