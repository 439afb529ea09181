"""Minima & saddles: basins of attraction per optimizer (click a start to race from it), and how runs stall at or
escape from a saddle."""

from __future__ import annotations

import functools
import html
from dataclasses import replace

import streamlit as st

from optim import OPTIMIZERS
from scenes import RunSpec, Scene, landscape
from scenes import basins as bs
from scenes import escape as esc
from scenes import figures as fig
from scenes import saddles as sd
from scenes.controls import options
from scenes.figures import markers
from scenes.text import num, point
from surfaces import SURFACES
from views.common import cached_compute, chart, chart_config, outcomes, page_frame
from views.widgets import choice_slider, hyper_sliders, param_slider, start_picker, surface_picker
from viz import THEMES
from viz.basins import basin_figure
from viz.escape import restarts_figure, share_figure
from viz.rates import RateCurve, rates_figure

CHART_CONFIG = chart_config("minima-and-saddles")
SECTIONS = ("Basins", "Escape", "Saddles")
MAX_MAPS = 3


@st.cache_data(max_entries=128, show_spinner=False)
def cached_chunk(scene: Scene, n: int, i: int) -> tuple:
    return bs.basin_chunk(scene, n, i)


def basin_maps(scenes: list[Scene], n: int) -> list[bs.BasinMap]:
    """One map per scene; a grid of several chunks shows a progress bar (each chunk is cached on its own)."""
    total = len(scenes) * bs.chunks(n)
    bar = st.progress(0.0, text=f"Running {n}×{n} starts per optimizer…") if total > len(scenes) else None
    maps, done = [], 0
    for sc in scenes:
        parts = []
        for i in range(bs.chunks(n)):
            parts.append(cached_chunk(sc, n, i))
            done += 1
            if bar is not None:
                bar.progress(done / total, text=f"Running {n}×{n} starts per optimizer: {done} of {total} blocks of "
                             f"{bs.CHUNK:,} starts")
        maps.append(bs.assemble(sc, n, parts))
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


def _start_from_map(key: str) -> None:
    """A click on a basin map: start the race below from that pixel (the start sliders' nearest values)."""
    xkey, ykey, step = st.session_state["min.click"]
    points = [p for p in st.session_state[key].selection.points if p.get("curve_number") == 0]
    if points:
        st.session_state[xkey] = round(round(points[0]["x"] / step) * step, 9)
        st.session_state[ykey] = round(round(points[0]["y"] / step) * step, 9)


def basins_section(charts, side, theme) -> None:
    with side:
        name, params, surface, formula = surface_picker(tuple(SURFACES), "min.surface", "himmelblau", "min.")
        chosen = st.multiselect("Optimizers", list(OPTIMIZERS), default=["gd", "momentum", "adam"],
                                key="min.optimizers", max_selections=MAX_MAPS,
                                format_func=lambda k: OPTIMIZERS[k].title, help="One basin map each, side by side.")
        runs = []
        for k in chosen:
            with st.expander(OPTIMIZERS[k].title, expanded=len(chosen) <= 2):
                runs.append(RunSpec(k, tuple(sorted(hyper_sliders(OPTIMIZERS[k], prefix=f"min.{k}").items()))))
        x, y, click = start_picker(surface, prefix="min.")
        steps = st.slider("Steps", 100, 2000, 500, step=50, key="min.steps")
        grid = bs.default_grid(name)
        n = choice_slider("Grid of starts", list(bs.GRIDS), grid, f"min.grid.{grid}", format_func=lambda v: f"{v}×{v}",
                          help="Starts per side of each map. Above 200×200 the map is computed in blocks, with a "
                          "progress bar.")
        st.session_state["min.click"] = click
    with charts:
        if not runs:
            st.info("Choose at least one optimizer.")
            return
        base = Scene(surface=name, surface_params=params, runs=tuple(runs), start=(x, y), steps=steps, formula=formula)
        with st.spinner(f"Running {n}×{n} starts per optimizer…", show_time=True):
            maps = basin_maps([Scene(surface=name, surface_params=params, runs=(r,), steps=steps, formula=formula)
                               for r in runs], n)
            result = cached_compute(base)
        cols = st.columns(len(maps), gap="small")
        for i, (col, bm, r) in enumerate(zip(cols, maps, result.runs, strict=True)):
            with col:
                share = f"{100 * bm.share_global:.1f}%" if surface.minima else "—"
                # one height for every heading, so the maps side by side stay aligned when a label wraps
                st.markdown(f'<div style="min-height:4.8em"><b>{html.escape(r.label)}</b><br>reaches a global '
                            f"minimum from <b>{share}</b> of the starts</div>", unsafe_allow_html=True)
                f = basin_figure(bm.xs, bm.ys, bm.labels, markers(bm), bs.legend_names(bm), theme, picked=(x, y),
                                 landscape=landscape(surface, n).color)
                f.update_layout(height=int(theme.height * 0.75))
                chart(f, config=CHART_CONFIG, theme=None, key=f"min.map{i}", selection_mode="points",
                                on_select=functools.partial(_start_from_map, f"min.map{i}"))
        st.caption("Each pixel is a start, coloured by the minimum its run reached after the steps chosen. Click a "
                   "pixel to race the optimizers from there.")
        chart(fig.contour(result, theme), config=CHART_CONFIG, theme=None, key="min.race")
        outcomes(result)


def escape_section(charts, side, theme) -> None:
    with side:
        keys = tuple(k for k, s in SURFACES.items() if any(p.kind == "local" for p in s.minima))
        name, params, surface, formula = surface_picker(keys, "min.escape_surface", esc.DEFAULT_SURFACE, "min.")
        local = esc.local_start(surface)
        if local is None:
            st.warning(f"{surface.title} has no local minimum to escape from: choose another surface.")
            return
        with st.expander(OPTIMIZERS["sgd"].title, expanded=True):
            hyper = {h.name: h for h in OPTIMIZERS["sgd"].hypers}
            lr = param_slider(hyper["learning_rate"], prefix="min.e.sgd")
            gamma = param_slider(hyper["gamma"], prefix="min.e.sgd")
        annealed = st.toggle("Anneal the noise", True, key="min.annealed",
                             help="Noise variance σ₀²/(1+t)^γ (on) or σ₀² at every step (off).")
        steps = st.slider("Steps", 100, 2000, esc.DEFAULT_STEPS, step=50, key="min.escape_steps")
        seed = int(st.number_input("Seed", 0, 1_000_000, 0, key="min.escape_seed", help="Same seed, same runs."))
    with charts:
        hyper = {**OPTIMIZERS["sgd"].defaults(), "learning_rate": lr, "gamma": gamma}
        sgd = RunSpec("sgd", tuple(sorted(hyper.items())))
        scene = Scene(surface=name, surface_params=params, runs=(sgd,), start=local, steps=steps, seed=seed,
                      formula=formula)
        st.markdown(f"From {point(*local)}, inside the basin of a local minimum: who gets out to a global minimum?")
        with st.spinner("Running the seeded runs (noise levels × seeds, β × jittered starts, restarts)…",
                        show_time=True):
            noise = cached_noise(scene, annealed)  # the SGD knobs and the toggle change this one only
            beta = cached_beta(replace(scene, runs=(RunSpec.default("momentum"),)))
            rs = cached_restarts(replace(scene, runs=(RunSpec.default("gd"),), start=None))
            race = cached_compute(esc.examples(scene))
        chart(fig.contour(race, theme), config=CHART_CONFIG, theme=None, key="min.escape_race")
        outcomes(race)
        left, mid, right = st.columns(3, gap="small")
        with left:
            st.markdown(f"**Against the noise** ({'annealed' if annealed else 'constant'}), {len(noise.noise)} levels "
                        "× 64 seeds")
            chart(share_figure(noise.noise, noise.share, noise.share_local, noise.diverged, theme,
                                         x_title="noise variance σ₀²", log_x=True, steps=noise.steps),
                            config=CHART_CONFIG, theme=None, key="min.escape_noise")
        with mid:
            st.markdown(f"**Against momentum β**, heavy ball from starts jittered by {beta.jitter:.0%} of the span")
            chart(share_figure(beta.betas, beta.share, beta.share_local, beta.diverged, theme,
                                         x_title="momentum β", log_x=False, steps=beta.steps),
                            config=CHART_CONFIG, theme=None, key="min.escape_beta")
        with right:
            st.markdown(f"**Random restarts**: gradient descent from uniform random starts, {rs.trials} trials")
            chart(restarts_figure(rs.k, rs.measured, rs.theory, rs.p, theme), config=CHART_CONFIG,
                            theme=None, key="min.escape_restarts")
        st.caption("Too little noise and the run settles back into the local minimum; enough and it hops the ridge; "
                   "too much and it wanders off or diverges. Momentum carries a run over a low ridge only when it "
                   "arrives with speed. k restarts succeed with probability 1 − (1 − p)^k, p being the share of the "
                   "domain in the global minima's basins.")


def saddles_section(charts, side, theme) -> None:
    with side:
        keys = tuple(k for k, s in SURFACES.items() if s.saddles and len(s.saddles) <= 8)
        name, params, surface, formula = surface_picker(keys, "min.saddle_surface", "saddle", "min.")
        if not surface.saddles:
            st.warning(f"{surface.title} has no saddle point on its domain: choose another surface or formula.")
            return
        which = 0
        if len(surface.saddles) > 1:
            labels = [point(p.x, p.y) for p in surface.saddles]
            which = labels.index(st.selectbox("Saddle", labels, key=f"min.which.{name}"))
        eps = choice_slider("Perturbation ε", options(1e-9, 1e-1, True, 1e-6), 1e-6, "min.eps", log=True,
                            help="How far off the stable direction the perturbed runs start.")
        runs = []
        for k in ("gd", "momentum"):
            with st.expander(OPTIMIZERS[k].title):
                runs.append(RunSpec(k, tuple(sorted(hyper_sliders(OPTIMIZERS[k], prefix=f"min.s.{k}").items()))))
        runs = tuple(runs)
        steps = st.slider("Steps", 100, 2000, 1000, step=50, key="min.saddle_steps")
    with charts:
        scene = Scene(surface=name, surface_params=params, runs=runs, steps=steps, formula=formula)
        with st.spinner("Running GD, momentum and Newton near the saddle…"):
            study = cached_saddle(scene, which, eps)
        lam_minus, lam_plus = study.eigenvalues
        s = study.saddle
        st.markdown(f"Saddle at {point(s.x, s.y)}: Hessian eigenvalues λ₋ = **{num(lam_minus)}**, λ₊ = "
                    f"**{num(lam_plus)}**." + (" The Hessian is zero there (a degenerate saddle): no direction "
                                               "escapes geometrically, runs crawl." if study.degenerate else ""))
        left, right = st.columns(2, gap="small")
        for col, result, head in ((left, study.exact, "Started on the stable direction"),
                                  (right, study.perturbed, f"… and ε = {num(eps)} off it")):
            with col:
                st.markdown(f"**{head}**")
                chart(fig.contour(result, theme), config=CHART_CONFIG, theme=None,
                                key=f"min.saddle.{head[:3]}")
                outcomes(result, header=False)
        curves = []
        for r, off in zip(study.perturbed.runs, study.offsets(study.perturbed), strict=True):
            theory, measured = study.escape[r.spec.optimizer]
            text = f"1 − ηλ₋ = {num(theory, 4)}" if r.spec.optimizer == "gd" and theory else (
                f"{num(theory, 4)} per step" if theory else "")
            if measured is not None:
                text += f", measured {num(measured, 4)}"
            curves.append(RateCurve(r.spec.optimizer, r.label, off, theory, text))
        chart(rates_figure(tuple(curves), theme, y_title="distance along the unstable direction"),
                        config=CHART_CONFIG, theme=None, key="min.escape")
        st.caption("Near a saddle a GD step multiplies the offset along the unstable eigenvector by 1 − ηλ₋ > 1 "
                   "(on x² − y²: 1 + 2η), so the smallest perturbation grows geometrically; exactly on the stable "
                   "direction it never appears. Newton's step solves for the critical point, so it goes to the "
                   "saddle.")


theme = THEMES["presenter" if st.session_state.get("presenter") else "normal"]
charts, side, section = page_frame("Minima & saddles", SECTIONS, "min.section")
{"Basins": basins_section, "Escape": escape_section, "Saddles": saddles_section}[section](charts, side, theme)
