"""Minima & saddles: basins of attraction per optimizer (click a start to race from it), and how runs stall at or
escape from a saddle."""

from __future__ import annotations

import functools

import streamlit as st

from optim import OPTIMIZERS
from scenes import RunSpec, Scene
from scenes import basins as bs
from scenes import figures as fig
from scenes import saddles as sd
from scenes.controls import options
from scenes.figures import markers
from scenes.text import num, point
from surfaces import SURFACES
from views.common import cached_compute, chart_config, outcomes
from views.widgets import choice_slider, hyper_sliders, param_slider, start_picker
from viz import THEMES
from viz.basins import basin_figure
from viz.rates import RateCurve, rates_figure

CHART_CONFIG = chart_config("minima-and-saddles")
SECTIONS = ("Basins", "Saddles")
MAX_MAPS = 3


@st.cache_data(max_entries=64, show_spinner=False)
def cached_basins(scene: Scene) -> bs.BasinMap:
    return bs.basin_map(scene)


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


def surface_control(keys: tuple[str, ...], key: str, default: str):
    name = st.selectbox("Surface", keys, index=keys.index(default), key=key, format_func=lambda k: SURFACES[k].title)
    params = {p.name: param_slider(p, prefix=f"min.{name}") for p in SURFACES[name].params}
    surface = SURFACES[name].with_params(**params)
    st.caption(surface.lesson)
    return name, tuple(sorted(params.items())), surface


def basins_section(charts, side, theme) -> None:
    with side:
        name, params, surface = surface_control(tuple(SURFACES), "min.surface", "himmelblau")
        chosen = st.multiselect("Optimizers", list(OPTIMIZERS), default=["gd", "momentum", "adam"],
                                key="min.optimizers", max_selections=MAX_MAPS,
                                format_func=lambda k: OPTIMIZERS[k].title, help="One basin map each, side by side.")
        runs = []
        for k in chosen:
            with st.expander(OPTIMIZERS[k].title, expanded=len(chosen) <= 2):
                runs.append(RunSpec(k, tuple(sorted(hyper_sliders(OPTIMIZERS[k], prefix=f"min.{k}").items()))))
        x, y, click = start_picker(surface, prefix="min.")
        steps = st.slider("Steps", 100, 2000, 500, step=50, key="min.steps")
        st.session_state["min.click"] = click
    with charts:
        if not runs:
            st.info("Choose at least one optimizer.")
            return
        base = Scene(surface=name, surface_params=params, runs=tuple(runs), start=(x, y), steps=steps)
        with st.spinner(f"Running {bs.GRID}×{bs.GRID} starts per optimizer…", show_time=True):
            maps = [cached_basins(Scene(surface=name, surface_params=params, runs=(r,), steps=steps)) for r in runs]
            result = cached_compute(base)
        cols = st.columns(len(maps), gap="small")
        for i, (col, bm, r) in enumerate(zip(cols, maps, result.runs, strict=True)):
            with col:
                share = f"{100 * bm.share_global:.1f}%" if surface.minima else "—"
                st.markdown(f"**{r.label}**  \nreaches a global minimum from **{share}** of the starts")
                f = basin_figure(bm.xs, bm.ys, bm.labels, markers(bm), bs.legend_names(bm), theme, picked=(x, y),
                                 landscape=result.landscape.color[:: max(1, len(result.landscape.xs) // bs.GRID)])
                f.update_layout(height=int(theme.height * 0.75))
                st.plotly_chart(f, config=CHART_CONFIG, theme=None, key=f"min.map{i}", selection_mode="points",
                                on_select=functools.partial(_start_from_map, f"min.map{i}"))
        st.caption("Each pixel is a start, coloured by the minimum its run reached after the steps chosen. Click a "
                   "pixel to race the optimizers from there.")
        st.plotly_chart(fig.contour(result, theme), config=CHART_CONFIG, theme=None, key="min.race")
        outcomes(result)


def saddles_section(charts, side, theme) -> None:
    with side:
        keys = tuple(k for k, s in SURFACES.items() if s.saddles and len(s.saddles) <= 8)
        name, params, surface = surface_control(keys, "min.saddle_surface", "saddle")
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
        scene = Scene(surface=name, surface_params=params, runs=runs, steps=steps)
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
                st.plotly_chart(fig.contour(result, theme), config=CHART_CONFIG, theme=None,
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
        st.plotly_chart(rates_figure(tuple(curves), theme, y_title="distance along the unstable direction"),
                        config=CHART_CONFIG, theme=None, key="min.escape")
        st.caption("Near a saddle a GD step multiplies the offset along the unstable eigenvector by 1 − ηλ₋ > 1 "
                   "(on x² − y²: 1 + 2η), so the smallest perturbation grows geometrically; exactly on the stable "
                   "direction it never appears. Newton's step solves for the critical point, so it goes to the "
                   "saddle.")


theme = THEMES["presenter" if st.session_state.get("presenter") else "normal"]
charts, side = st.columns([2.9, 1], gap="medium")
with charts:
    head, switch = st.columns([1.25, 1.5], vertical_alignment="center")
    head.markdown("#### Minima & saddles")
    section = switch.segmented_control("Section", SECTIONS, default="Basins", key="min.section",
                                       label_visibility="collapsed") or "Basins"
(basins_section if section == "Basins" else saddles_section)(charts, side, theme)
