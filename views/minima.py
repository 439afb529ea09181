"""Minima & saddles: basins of attraction per optimizer (click a start to race from it), and how runs stall at or
escape from a saddle. The whole state is in the link (scenes/pages/minima.py): read into the widgets on the first
run, written back at the end of every run."""

from __future__ import annotations

import functools
import html

import streamlit as st

from charts import minima as mf
from charts import scene as fig
from links import minima as mp
from links.controls import by_field, saddle_label
from links.minima import SECTIONS
from links.scene import surface_query
from optim import OPTIMIZERS
from scenes import RunSpec, Scene
from scenes import basins as bs
from scenes import escape as esc
from scenes import saddles as sd
from scenes.text import num, plain, plural, point
from views import address_bar
from views.common import (
    Frame,
    cached_compute,
    caption,
    chart,
    chart_config,
    fitted,
    headings,
    map_fit,
    named,
    outcomes,
    page_frame,
    pairs,
)
from views.page_run import page_run
from views.plot import clicked
from views.widgets import (
    choice_slider,
    hyper_sliders,
    number_control,
    param_slider,
    racers_control,
    start_picker,
    surface_control,
)
from viz import THEMES

CHART_CONFIG = chart_config("minima-and-saddles")
# small multiples (basin maps, the escape panels) show no toolbar: it would cover a third of their right edge; the
# Export has their files, a double click resets a view
SMALL_CONFIG = {**CHART_CONFIG, "displayModeBar": False}
ROWS = {section: by_field(mp.controls(section)) for section in SECTIONS}  # each section's controls of its Scene


@st.cache_data(max_entries=128, show_spinner=False)
def cached_chunk(scene: Scene, n: int, i: int) -> tuple:
    return bs.basin_chunk(scene, n, i)


@st.cache_data(max_entries=128, show_spinner=False)
def cached_map(scene: Scene, n: int) -> bs.BasinMap:
    """A map labelled once: a slider's move changes one optimizer's map, the others come from here as they were."""
    return bs.assemble(scene, n, [cached_chunk(scene, n, i) for i in range(bs.chunks(n))])


def basin_maps(scenes: list[Scene], n: int) -> list[bs.BasinMap]:
    """One map per scene; a grid of several chunks shows a progress bar (each chunk is cached on its own)."""
    total = len(scenes) * bs.chunks(n)
    bar = st.progress(0.0, text=f"Running {n}×{n} starts per optimizer…") if total > len(scenes) else None
    maps, done = [], 0
    for sc in scenes:
        for i in range(bs.chunks(n) if bar is not None else 0):  # computed here for the progress, cached
            cached_chunk(sc, n, i)
            done += 1
            bar.progress(
                done / total,
                text=f"Running {n}×{n} starts per optimizer: {done} of {total} blocks of {bs.CHUNK:,} starts",
            )
        maps.append(cached_map(sc, n))
    if bar is not None:
        bar.empty()
    return maps


@st.cache_data(max_entries=32, show_spinner=False)
def cached_noise(scene: Scene, annealed: bool) -> esc.NoiseSweep:
    return esc.noise_sweep(scene, annealed=annealed)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_beta(scene: Scene) -> esc.BetaSweep:
    return esc.beta_sweep(scene)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_restarts(scene: Scene) -> esc.Restarts:
    return esc.restarts(scene)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_saddle(scene: Scene, saddle: int, eps: float) -> sd.SaddleStudy:
    return sd.saddle_study(scene, saddle, eps)


def from_link() -> None:
    """On the session's first run on this page: the link's state into the widgets, what it could not use told."""
    if (q := address_bar.entry()) is not None:
        state, notices = mp.decode(q)
        st.session_state.update(mp.widget_values(state))
        address_bar.notice([n for n in notices if not n.startswith("section=")])  # page_frame tells a wrong section


def runspec(k: str, prefix: str) -> RunSpec:
    """A racer from its hyperparameter sliders (the others at the registry's defaults, as a link reads them)."""
    return RunSpec(k, tuple(sorted({**OPTIMIZERS[k].defaults(), **hyper_sliders(OPTIMIZERS[k], prefix)}.items())))


def _start_from_map(key: str) -> None:
    """A click on a basin map: start the race below from that pixel (the start sliders' nearest values)."""
    xkey, ykey, step = st.session_state["minima.click"]
    points = [p for p in clicked(key) if p.get("curve_number") == 0]
    if points:
        st.session_state[xkey] = round(round(points[0]["x"] / step) * step, 9)
        st.session_state[ykey] = round(round(points[0]["y"] / step) * step, 9)


def basins_controls() -> tuple[Scene | None, int, dict[str, str]]:
    """The Basins controls, read into a Scene (None while no optimizer is chosen), the grid of starts, and the
    surface's part of the link."""
    row = ROWS["Basins"]
    name, params, surface, formula = surface_control(row["surface"], mp.PREFIX)
    chosen = racers_control(row["runs"])
    runs = []
    for k in chosen:
        with st.expander(OPTIMIZERS[k].title, expanded=len(chosen) <= 2):
            runs.append(runspec(k, prefix=f"{mp.RUN_PREFIX['Basins']}{k}"))
    x, y, click = start_picker(surface, prefix=mp.PREFIX)
    steps = number_control(row["steps"])
    grid = bs.default_grid(name)
    n = int(
        choice_slider(
            "Grid of starts",
            list(bs.GRIDS),
            grid,
            mp.grid_key(name),
            format_func=lambda v: f"{v}×{v}",
            help="Starts per side of each map. Above 200×200 the map is computed in blocks, with a progress bar.",
        )
    )
    st.session_state["minima.click"] = click
    scene = (
        Scene(surface=name, surface_params=params, runs=tuple(runs), start=(x, y), steps=steps, formula=formula)
        if runs
        else None
    )
    return scene, n, surface_query(name, params, formula)


def basin_charts(scene: Scene, n: int, theme, main) -> None:
    """One basin map per optimizer side by side (a click races from that start), then the race itself."""
    with st.spinner(f"Running {n}×{n} starts per optimizer…", show_time=True):
        maps = basin_maps(mf.map_scenes(scene), n)
        result = cached_compute(scene)
    cols = st.columns(len(maps), gap="small")  # on a phone one below the other: a map with its legend needs the width
    # under the bar, the section switch and the maps' headings; small multiples: no toolbar (SMALL_CONFIG)
    side, width = fitted(len(maps), reserve=240, toolbar=False)
    # one height for every heading, so the maps side by side stay aligned when a label wraps
    headings(
        cols,
        [r.label for r in result.runs],
        [f"reaches a global minimum from <b>{html.escape(mf.share_text(bm))}</b> of the starts" for bm in maps],
        width=width,
    )
    for i, (col, bm) in enumerate(zip(cols, maps, strict=True)):
        with col:
            chart(  # built again only when its own map, the start or the screen changed (chart's memo)
                functools.partial(mf.map_figure, bm, theme, scene.start_point, side=side, width=width),
                memo=(bm.scene, n, theme, scene.start_point, side, width),
                config=SMALL_CONFIG,
                theme=None,
                key=f"minima.map{i}",
                selection_mode="points",
                on_select=functools.partial(_start_from_map, f"minima.map{i}"),
            )
    caption(
        "Each pixel is a start, coloured by the minimum its run reached after the steps chosen. Click a "
        "pixel to race the optimizers from there."
    )
    with main:  # on a phone, the race stays in view above the controls (views.common.Frame)
        chart(fig.contour(result, theme, **map_fit(result)), config=CHART_CONFIG, theme=None, key="minima.race")
    outcomes(result)


def basins_section(frame: Frame, theme) -> None:
    charts, side = frame.charts, frame.side
    with side:
        scene, n, surface_link = basins_controls()
    if scene is None:
        address_bar.add(surface_link)
        with charts:
            st.info("Choose at least one optimizer.")
        return
    address_bar.add(mp.encode(mp.State("Basins", scene, grid=n)))
    with charts:
        if why := bs.over_budget(scene, n):  # the limit told, nothing computed (scenes.basins.WORK_BUDGET)
            st.error(plain(why[0].upper() + why[1:] + "."))
            return
        basin_charts(scene, n, theme, frame.main)


def escape_section(frame: Frame, theme) -> None:
    charts, side = frame.charts, frame.side
    with side:
        row = ROWS["Escape"]
        name, params, surface, formula = surface_control(row["surface"], mp.PREFIX)
        if esc.local_start(surface) is None:
            address_bar.add(surface_query(name, params, formula))
            st.warning(f"{named(surface)} has no local minimum to escape from: choose another surface.")
            return
        with st.expander(OPTIMIZERS["sgd"].title, expanded=True):
            hyper = {h.name: h for h in OPTIMIZERS["sgd"].hypers}
            tuned = {k: param_slider(hyper[k], prefix=f"{mp.RUN_PREFIX['Escape']}sgd") for k in mp.ESCAPE_HYPERS}
        annealed = st.toggle(
            "Anneal the noise",
            True,
            key=mp.extra_key("Escape", "annealed"),
            help="Noise variance σ₀²/(1+t)^γ (on) or σ₀² at every step (off).",
        )
        steps = number_control(row["steps"])
        seed = number_control(row["seed"])
    sgd = RunSpec("sgd", tuple(sorted({**OPTIMIZERS["sgd"].defaults(), **tuned}.items())))
    scene = Scene(surface=name, surface_params=params, runs=(sgd,), steps=steps, seed=seed, formula=formula)
    address_bar.add(mp.encode(mp.State("Escape", scene, annealed=bool(annealed))))
    sc = mf.escape_scenes(scene)
    with charts:
        st.markdown(
            f"From {point(*sc.base.start)}, inside the basin of a local minimum: who gets out to a global minimum?"
        )
        with st.spinner(
            "Running the seeded runs (noise levels × seeds, β × jittered starts, restarts)…", show_time=True
        ):
            noise = cached_noise(sc.base, annealed)  # the SGD knobs and the toggle change this one only
            beta = cached_beta(sc.beta)
            rs = cached_restarts(sc.restarts)
            race = cached_compute(sc.race)
        with frame.main:  # on a phone, the race stays in view above the controls (views.common.Frame)
            chart(
                fig.contour(race, theme, **map_fit(race, reserve=190)),  # the question above it
                config=CHART_CONFIG,
                theme=None,
                key="minima.escape_race",
            )
        outcomes(race)
        left, mid, right = st.columns(3, gap="small")
        with left:
            st.markdown(
                f"**Against the noise** ({'annealed' if annealed else 'constant'}), "
                f"{plural(len(noise.noise), 'level')} × 64 seeds"
            )
            chart(mf.noise_figure(noise, theme), config=SMALL_CONFIG, theme=None, key="minima.escape_noise")
        with mid:
            st.markdown(f"**Against momentum β**, heavy ball from starts jittered by {beta.jitter:.0%} of the span")
            chart(mf.beta_figure(beta, theme), config=SMALL_CONFIG, theme=None, key="minima.escape_beta")
        with right:
            trials = plural(rs.trials, "trial")
            st.markdown(f"**Random restarts**: gradient descent from uniform random starts, {trials}")
            chart(mf.restarts_figure(rs, theme), config=SMALL_CONFIG, theme=None, key="minima.escape_restarts")
        caption(
            "Too little noise and the run settles back into the local minimum; enough and it hops the ridge; "
            "too much and it wanders off or diverges. Momentum carries a run over a low ridge only when it "
            "arrives with speed. k restarts succeed with probability 1 − (1 − p)^k, p being the share of the "
            "domain in the global minima's basins."
        )


def saddles_section(frame: Frame, theme) -> None:
    charts, side = frame.charts, frame.side
    with side:
        row = ROWS["Saddles"]
        name, params, surface, formula = surface_control(row["surface"], mp.PREFIX)
        if not surface.saddles:
            address_bar.add(surface_query(name, params, formula))
            st.warning(f"{named(surface)} has no saddle point on its domain: choose another surface or formula.")
            return
        which = 0
        if len(surface.saddles) > 1:
            labels = [saddle_label(p) for p in surface.saddles]
            which = labels.index(st.selectbox("Saddle", labels, key=mp.saddle_key(name)))
        eps = choice_slider(
            "Perturbation ε",
            list(mp.EPS),
            mp.EPS_DEFAULT,
            mp.extra_key("Saddles", "eps"),
            log=True,
            help="How far off the stable direction the perturbed runs start.",
        )
        runs = []
        for k in mp.SADDLE_RACERS:
            with st.expander(OPTIMIZERS[k].title):
                runs.append(runspec(k, prefix=f"{mp.RUN_PREFIX['Saddles']}{k}"))
        steps = number_control(row["steps"])
    scene = Scene(surface=name, surface_params=params, runs=tuple(runs), steps=steps, formula=formula)
    address_bar.add(mp.encode(mp.State("Saddles", scene, saddle=which, eps=float(eps))))
    with charts:
        with st.spinner("Running GD, momentum and Newton near the saddle…"):
            study = cached_saddle(mf.saddle_scene(scene), which, eps)
        lam_minus, lam_plus = study.eigenvalues
        s = study.saddle
        st.markdown(
            f"Saddle at {point(s.x, s.y)}: Hessian eigenvalues λ₋ = **{num(lam_minus)}**, λ₊ = "
            f"**{num(lam_plus)}**."
            + (
                " The Hessian is zero there (a degenerate saddle): no direction escapes geometrically, runs crawl."
                if study.degenerate
                else ""
            )
        )
        with frame.main:  # on a phone, the two panels stay in view above the controls, side by side
            panels = pairs("saddles", 2)
        runs = ((study.exact, "Started on the stable direction"), (study.perturbed, f"… and ε = {num(eps)} off it"))
        keys = ("minima.saddle.stable", "minima.saddle.perturbed")
        fit = map_fit(study.exact, 2, reserve=230, paired=True)  # under the eigenvalues and the panels' headings
        headings(panels, [head for _, head in runs])
        for col, (result, _), key in zip(panels, runs, keys, strict=True):
            with col:
                chart(fig.contour(result, theme, **fit), config=CHART_CONFIG, theme=None, key=key)
        for col, (result, _) in zip(st.columns(2, gap="small"), runs, strict=True):  # under each panel's map
            with col:  # (a phone: under the controls)
                outcomes(result, header=False)
        chart(mf.escape_rates_figure(study, theme), config=CHART_CONFIG, theme=None, key="minima.escape")
        if told := sd.stable_start_text(study, surface):
            caption(told)
        caption(
            "Near a saddle each GD step multiplies the offset along the unstable eigenvector by 1 − ηλ₋ > 1 "
            "(1 + 2η on x² − y²): the smallest perturbation grows geometrically. A start exactly on the stable "
            "manifold has none to grow. Newton's step solves for the critical point, so it goes to the saddle."
        )


def draw() -> None:
    """One run of the page (views/page_run.py runs it as a fragment)."""
    theme = THEMES["presenter" if st.session_state.get("presenter") else "normal"]
    from_link()  # before any widget is drawn
    frame = page_frame("Minima & saddles", SECTIONS, "minima.section", sticky=SECTIONS)
    {"Basins": basins_section, "Escape": escape_section, "Saddles": saddles_section}[frame.section](frame, theme)


page_run("minima", draw)
