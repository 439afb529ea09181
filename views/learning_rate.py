"""Learning rate & momentum: the sweep with its thresholds, the regimes side by side, the (lr, β) phase diagram, and
momentum's rates on quadratics."""

from __future__ import annotations

import numpy as np
import streamlit as st

from charts import learning_rate as labfig
from charts import scene as scene_charts
from links import learning_rate as lp
from links.controls import by_field
from links.learning_rate import SECTIONS, SHORT
from links.scene import refused
from links.slider_values import log_grid, nearest
from optim import OPTIMIZERS
from scenes import RunSpec, Scene, momentum
from scenes import learning_rate as lab
from scenes.text import num, plural
from views import address_bar
from views.common import (
    Frame,
    cached_compute,
    cached_phase,
    caption,
    chart,
    chart_config,
    fitted,
    map_fit,
    map_size,
    outcomes,
    page_frame,
    pairs,
)
from views.live_drag import live_drag
from views.page_run import page_run
from views.plot import clicked
from views.widgets import (
    choice_slider,
    number_control,
    param_slider,
    racers_control,
    schedule_picker,
    start_picker,
    surface_control,
)
from viz import THEMES

CHART_CONFIG = chart_config("learning-rate-lab")


@st.cache_data(max_entries=64, show_spinner=False)
def cached_sweep(scene: Scene) -> lab.Sweep:
    return lab.sweep(scene)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_race(scene: Scene) -> momentum.MomentumRace:
    return momentum.momentum_race(scene)


WORK = labfig.Work(cached_compute, cached_sweep, cached_phase, cached_race)  # the charts' results, from the caches


def controls(section: str) -> Scene:
    """The control column, read into a Scene with one run (its learning rate is what the sections vary); a link sets
    it on the first visit."""
    if (q := address_bar.entry()) is not None:
        state, notices = lp.decode({**q, "section": section})  # page_frame has read and told the section
        st.session_state.update(lp.widget_values(state))
        if section == "Phase diagram" and state.lr is not None:  # the linked cell, animated until a control moves
            st.session_state["learning_rate.phase_pick"] = ("link", state.lr, state.beta)
        address_bar.notice(notices)
    row = by_field(lp.controls(section))
    key, params, surface, formula = surface_control(row["surface"], prefix=lp.PREFIX)
    opt, hyper, schedule = "gd", {}, None
    if "runs" in row:  # Momentum races its own three rules
        (opt,) = racers_control(row["runs"])
        swept = lp.swept(section, opt)
        hyper = {
            h.name: param_slider(h, prefix=f"{lp.PREFIX}{opt}")
            for h in OPTIMIZERS[opt].hypers
            if h.slider and h.name not in swept
        }
    sx, sy, _ = start_picker(surface, prefix=lp.PREFIX)
    steps = number_control(row["steps"])
    if section in ("Sweep", "Regimes"):
        with st.expander("Learning-rate schedule"):
            schedule = schedule_picker(f"{lp.PREFIX}{opt}", steps)
    seed = number_control(row["seed"]) if OPTIMIZERS[opt].stochastic else 0
    spec = RunSpec(opt, tuple(sorted(hyper.items())), schedule)
    scene = Scene(
        surface=key, surface_params=params, runs=(spec,), start=(sx, sy), steps=int(steps), seed=seed, formula=formula
    )
    address_bar.add(lp.encode(lp.State(section, scene)))
    return scene


def _pick_from_sweep() -> None:
    """A click on the sweep picks that learning rate (the nearest option of the slider)."""
    key, opts = st.session_state["learning_rate.pick"]
    points = clicked("learning_rate.sweep_chart")
    xs = [p["x"] for p in points if p.get("x") is not None]
    if xs:
        a = np.log(np.asarray(opts))
        st.session_state[key] = opts[int(np.argmin(np.abs(a - np.log(float(xs[0])))))]


def _fit(part: float, *, reserve: int = 190) -> dict:
    """A race map's sizes (views.common.map_size) in a column taking ``part`` of the chart column (beside the sweep,
    the phase diagram), under the slider or heading above it (``reserve``)."""
    return map_size(*fitted(part=part, reserve=reserve))


def sweep_section(scene: Scene, theme, frame: Frame) -> None:
    with st.spinner("Sweeping 200 learning rates…", show_time=True):
        sw = cached_sweep(scene)
    regimes = dict(lab.regime_rates(sw))
    opts = sorted(set(log_grid(float(sw.lrs[0]), float(sw.lrs[-1]))) | {float(f"{v:.3g}") for v in regimes.values()})
    key = lp.lr_key(scene)
    st.session_state["learning_rate.pick"] = (key, opts)
    left, right = st.columns([1.15, 1], gap="medium")
    with right:
        default = lp.picked_lr(sw, None)
        linked = st.session_state.get(key)
        if address_bar.entry() is not None and isinstance(linked, float) and linked not in opts:  # told, not snapped
            why = f"must be one of the sweep's rates, from {num(opts[0])} to {num(opts[-1])}"
            address_bar.notice([refused("lr", linked, why, num(nearest(opts, linked, True)))])
        lr = choice_slider("Learning rate to animate (or click the sweep)", opts, default, key, log=True)
        address_bar.add(lp.encode(lp.State("Sweep", scene, lr=None if lr == default else lr)))
        with st.spinner("Computing the run…"):
            figs = labfig.sweep_figures(scene, lr, theme, WORK, fit=_fit(1 / 2.15, reserve=300))
        chart(figs["race"], config=CHART_CONFIG, theme=None, key="learning_rate.sweep_run")
        run = cached_compute(lab.with_lr(scene, lr))
        rule = run.scene.runs[0].optimizer  # its η (the sweep's stops) and its momentum slider (β, β₁)
        rungs = [
            (0, n, key if n == "learning_rate" else f"{lp.PREFIX}{rule}.{n}", first, values)
            for _, n, first, values in scene_charts.rungs(run.scene, opts)
        ]
        live_drag(run, figs["race"], "learning_rate.sweep_run", rungs)
        outcomes(run, header=False)
        chart(figs["loss"], config=CHART_CONFIG, theme=None, key="learning_rate.sweep_loss")
    with left:
        chart(
            figs["sweep"],
            config=CHART_CONFIG,
            theme=None,
            key="learning_rate.sweep_chart",
            on_select=_pick_from_sweep,
            selection_mode="points",
        )
        lines = []
        if sw.curvature:
            lines.append(f"Hessian {sw.curvature.text()} (computed with JAX at the minimum the best run heads for).")
        for t in sw.thresholds:
            lines.append(f"**${t.latex}$ = {num(t.value)}**: {t.meaning}.")
        if sw.curvature is not None and sw.limit is not None:
            lines.append(lab.rate_text(sw, lr))
        if sw.note:
            lines.append(sw.note)
        st.markdown("  \n".join(lines))


def regimes_section(scene: Scene, theme, frame: Frame) -> None:
    with st.spinner("Sweeping, then running the four regimes…", show_time=True):
        sw = cached_sweep(scene)
        regimes = labfig.regime_runs(scene, WORK)
        figs = labfig.regimes_figures(scene, theme, WORK)
    if sw.note:
        caption(sw.note)
    cols = pairs("regimes", len(regimes))
    for col, (name, lr, result), figure in zip(cols, regimes, figs.values(), strict=True):
        with col:
            st.markdown(f"**{name.capitalize()}**  \n{sw.relative(lr)}")
            chart(figure, config=CHART_CONFIG, theme=None, key=f"learning_rate.regime.{name}")
            told = result.runs[0].outcome
            caption(told.text[:1].upper() + told.text[1:], told.detail or "")
    if sw.limit is not None:
        t = sw.thresholds[0]
        st.markdown(
            f"The rule's stability limit here is ${t.latex}$ = {num(t.value)} "
            f"({num(t.value / sw.two_over_l, 3)} × 2/L); {sw.curvature.text()}."
        )


def _pick_from_phase() -> None:
    points = clicked("learning_rate.phase_chart")
    cells = [p for p in points if p.get("curve_number") == 0]
    if cells:
        st.session_state["learning_rate.phase_pick"] = (
            st.session_state["learning_rate.phase_token"],
            10 ** float(cells[0]["x"]),
            float(cells[0]["y"]),
        )


def phase_section(scene: Scene, theme, frame: Frame) -> None:
    with st.spinner(f"Running {lab.PHASE_LRS * lab.PHASE_BETAS} (η, β) pairs…", show_time=True):
        ph = cached_phase(scene)
    token = hash(scene)
    st.session_state["learning_rate.phase_token"] = token
    pick = st.session_state.get("learning_rate.phase_pick")
    best = ph.best()
    if pick and pick[0] == "link":  # a link's cell: kept until a control changes the diagram
        pick = st.session_state["learning_rate.phase_pick"] = (token, *pick[1:])
    lr, beta = lp.picked_cell(ph, *(pick[1:] if pick and pick[0] == token else (None, None)))
    if pick and pick[0] == token:
        address_bar.add(lp.encode(lp.State("Phase diagram", scene, lr=lr, beta=beta)))
    figs = labfig.phase_figures(scene, lr, beta, theme, WORK, fit=_fit(1 / 2.15, reserve=220))
    left, right = st.columns([1.15, 1], gap="medium")
    with left:
        chart(
            figs["phase"],
            config=CHART_CONFIG,
            theme=None,
            key="learning_rate.phase_chart",
            on_select=_pick_from_phase,
            selection_mode="points",
        )
        lines = []
        if ph.optimum:
            o = ph.optimum
            lines.append(
                f"On this quadratic the best constant setting is η* = {num(o['learning_rate'])}, "
                f"β* = {num(o['momentum'])}: the error shrinks by {num(o['rate'], 4)} per step."
            )
        elif not ph.quadratic:
            lines.append("This surface is not a quadratic: no closed-form boundary exists, the map is all measured.")
        if best:
            lines.append(
                f"Fastest on the grid: η = {num(float(ph.lrs[best[1]]))}, β = "
                f"{num(float(ph.betas[best[0]]))}, {plural(int(ph.reached[best]), 'step')}."
            )
        st.markdown("  \n".join(lines) or " ")
    with right:
        st.markdown("**The clicked cell, animated**")
        chart(figs["race"], config=CHART_CONFIG, theme=None, key="learning_rate.phase_run")
        outcomes(cached_compute(lab.with_lr_beta(ph, lr, beta)), header=False)


def momentum_section(scene: Scene, theme, frame: Frame) -> None:
    with st.spinner("Racing GD, heavy ball and Nesterov…"):
        race = cached_race(scene)
        # beside the rates (a phone: alone, above the controls), its legend's rows counted
        figs = labfig.momentum_figures(scene, theme, WORK, fit=map_fit(race.result, part=1.1 / 2.1, reserve=190))
    if frame.main is frame.charts:
        left, right = st.columns([1.1, 1], gap="medium")
    else:  # a phone: the race stays in view above the controls (views.common.Frame), the rates under them
        left, right = frame.main, st.container()
    with left:
        chart(figs["race"], config=CHART_CONFIG, theme=None, key="learning_rate.momentum_race")
    with right:
        chart(figs["rates"], config=CHART_CONFIG, theme=None, key="learning_rate.rates")
    rows = ["| rule | η | β | theory rate | measured rate |", "|---|---|---|---|---|"]
    for row in race.rows:
        measured = num(row.measured, 4) if row.measured is not None else "—"
        rows.append(
            f"| {OPTIMIZERS[row.optimizer].title} | {num(row.setting['learning_rate'])} | "
            f"{num(row.setting['momentum'])} | {momentum.RATE_TEXT[row.optimizer]} = {num(row.theory, 4)} | "
            f"{measured} |"
        )
    st.markdown("\n".join(rows))
    caption(
        f"Each rule at its best constant setting for this quadratic. Hessian {race.curvature.text()}. A rate "
        "is per step: the distance to the minimum shrinks by this factor each step (measured: the slope of "
        "log distance over the second half of the run)."
    )


def draw() -> None:
    """One run of the page (views/page_run.py runs it as a fragment)."""
    theme = THEMES["presenter" if st.session_state.get("presenter") else "normal"]
    frame = page_frame("Learning rate & momentum", SECTIONS, "learning_rate.section", SHORT, sticky=("Momentum",))
    with frame.side:
        scene = controls(frame.section)
    with frame.charts:
        {
            "Sweep": sweep_section,
            "Regimes": regimes_section,
            "Phase diagram": phase_section,
            "Momentum": momentum_section,
        }[frame.section](scene, theme, frame)


page_run("learning_rate", draw)
