"""Networks: real loss landscapes of small networks, trained by the same optimizers as the 2-D surfaces.

The page's whole state is a links.networks.State: a link sets the controls on the first run (``decode``), and
every run writes what the controls hold back to the address bar (``encode``). The figures come from
charts/networks.py, as the export command's do."""

from __future__ import annotations

import numpy as np
import streamlit as st

from charts import networks as nf
from links import networks as pg
from optim import OPTIMIZERS
from scenes import RunSpec, lr_finder, net_words
from scenes import networks as net
from scenes.text import num, plain, plural
from views import address_bar
from views import network_controls as nw
from views.backprop_section import backprop_section
from views.common import (
    Frame,
    cached_compute,
    caption,
    chart,
    chart_config,
    headings,
    map_fit,
    outcomes,
    page_frame,
    pairs,
)
from views.depth_section import depth_section
from views.minibatch_section import minibatch_section
from views.page_run import page_run
from views.shrinkage_section import shrinkage_section
from views.widgets import choice_slider, hyper_sliders
from viz import THEMES

CHART_CONFIG = chart_config("network-landscape")
PREFIX = pg.PREFIX
W, _, _, T, V, _, VAR, _, S = (PREFIX[s] for s in pg.SECTIONS)  # each section's widget keys: f"{T}noise"
WORK = nf.Work(
    nw.cached_train,
    nw.cached_boundary,
    nw.cached_slice,
    nw.cached_line,
    nw.cached_sharpness,
    cached_compute,
    nw.cached_spectra,
    nw.cached_batch_slice,
)


def show(figure, key: str) -> None:
    chart(figure, config=CHART_CONFIG, theme=None, key=key)


def publish(state: pg.State) -> None:
    """What the page shows now, into its link."""
    address_bar.add(pg.encode(state))


def scene_or_message(build, by: int = pg.STEPS[2]):
    """The NetScene the controls describe, or None after telling what is wrong with them: a setting that cannot be
    trained, or more work than the page does (scenes.networks.WORK_BUDGET; ``by``: the steps slider's step)."""
    try:
        scene = build()
    except ValueError as e:  # SettingError, a width of zero, an unknown name: the message says which
        st.error(f"These settings cannot be trained: {plain(str(e))}.")
        return None
    if why := net.over_budget(scene, by):
        st.error(plain(why[0].upper() + why[1:] + "."))
        return None
    return scene


def trained(scene: net.NetScene) -> net.Training | None:
    """Train (cached), and say plainly when the run blew up or climbed; None if nothing can be drawn."""
    with st.spinner(f"Training for {plural(scene.steps, 'step')}…", show_time=True):
        tr = nw.cached_train(scene)
    climbed = tr.diverged_at is None and tr.objective[-1] > tr.objective[0]
    if tr.diverged_at is not None or climbed:
        lr = scene.optimizer.hyper_dict().get("learning_rate", float("nan"))
        top = nw.cached_top(scene, "init")
        what = (
            f"Training diverged at step {tr.diverged_at} (the loss overflowed or turned NaN; the curves stop there)"
            if tr.diverged_at is not None
            else f"The loss ended higher than it started ({num(tr.objective[0])} → {num(tr.objective[-1])})"
        )
        st.warning(
            f"{what}: the learning rate {num(lr)} is too large for this network. At the initial weights the "
            f"top Hessian eigenvalue is λmax = {num(top)}, so plain gradient descent is stable only below "
            f"2/λmax = {num(2 / top)}."
        )
    return tr if nf.drawable(tr) else None


def summary(tr: net.Training, i: int = -1) -> str:
    acc = "" if tr.train_acc is None else (f", accuracy train **{tr.train_acc[i]:.1%}**, test **{tr.test_acc[i]:.1%}**")
    return (
        f"{tr.n_params:,} parameters · step {int(tr.steps[i])}: loss train **{num(tr.train_loss[i])}**, "
        f"test **{num(tr.test_loss[i])}**{acc}"
    )


# -- sections -----------------------------------------------------------------------------------------------------
def whole_section(frame: Frame, theme) -> None:
    charts, side = frame.charts, frame.side
    d = pg.Whole()
    with side:
        chosen = st.multiselect(
            "Optimizers",
            list(pg.WHOLE_OPTIMIZERS),
            default=list(pg.WHOLE_OPTIMIZERS),
            key=f"{W}optimizers",
            format_func=lambda k: OPTIMIZERS[k].title,
        )
        runs = []
        for k in chosen:
            with st.expander(OPTIMIZERS[k].title):
                hyper = hyper_sliders(OPTIMIZERS[k], prefix=f"{W}{k}")
                runs.append(RunSpec(k, tuple(sorted({**OPTIMIZERS[k].defaults(), **hyper}.items()))))
        scale = choice_slider(
            "Random start: std",
            pg.WHOLE_SCALES,
            d.scale,
            f"{W}scale",
            log=True,
            help="The small random initialisation on the right: w ~ N(0, std²).",
        )
        seed = int(st.number_input("Seed", *pg.SEEDS, d.seed, key=f"{W}seed"))
        lo, hi, by = pg.WHOLE_STEPS
        steps = st.slider("Steps", lo, hi, d.steps, step=by, key=f"{W}steps")
    whole = pg.Whole(tuple(runs), scale, seed, int(steps))
    publish(pg.State(pg.WHOLE, whole=whole))
    with charts:
        if not runs:
            st.info("Choose at least one optimizer.")
            return
        scenes = nf.whole_scenes(whole.runs, whole.scale, whole.seed, whole.steps)
        races = [cached_compute(scene) for _, scene in scenes]
        # under the bar, the section switch and each race's heading; the two races have the same racers
        fit = map_fit(races[0], 2, reserve=230, paired=True)
        figs = nf.whole_figures(scenes, theme, WORK, fit=fit)
        with frame.main:  # on a phone, the two races stay in view above the controls, side by side
            cols = pairs("whole", 2)
        headings(cols, [head for head, _ in scenes])
        for col, (head, _), f in zip(cols, scenes, figs.values(), strict=True):
            with col:
                show(f, f"{W}{head[:4]}")
        for col, race in zip(st.columns(2, gap="small"), races, strict=True):  # under each (a phone: the controls')
            with col:
                outcomes(race, header=False)
        surface = races[0].surface
        st.latex(r"L(w_1, w_2) = " + surface.latex)
        caption(
            surface.lesson + " Every network has such symmetries (permute hidden neurons, flip signs): its "
            "minima come in families, and the origin of a symmetric start is a critical point."
        )


def train_section(frame: Frame, theme) -> None:
    charts, side = frame.charts, frame.side
    with side:
        scene = scene_or_message(lambda: nw.net_scene(f"{T}", net.SECTION_DEFAULTS["train"]))
    with charts:
        if scene is None:
            return
        if (tr := trained(scene)) is None:
            publish(pg.State(pg.TRAIN, scene, None))
            return
        opts = [int(s) for s in tr.steps[: nf.last_index(tr) + 1]]
        if st.session_state.get(f"{T}show") not in opts:  # a step of other settings: show the last
            st.session_state.pop(f"{T}show", None)
        step = st.select_slider("Show the fit at step", options=opts, value=opts[-1], key=f"{T}show")
        shown = None if step == opts[-1] else step
        publish(pg.State(pg.TRAIN, scene, None, step=shown, range_test=bool(st.session_state.get(f"{T}range"))))
        i = opts.index(step)
        st.markdown(summary(tr, i))
        if said := net_words.minibatch_text(tr):
            caption(said)
        figs = nf.fit_and_curves(tr, i, theme, WORK)
        with frame.main:  # on a phone, the fit and the curves stay in view above the controls, side by side
            a, b = pairs("train", 2)
        with a:
            show(figs["fit"], f"{T}fit")
        with b:
            show(figs["curves"], f"{T}curves")
        if tr.diverged_at is not None:
            return
        caption(net_words.early_stopping_caption(tr))  # the ★ on the curves
        range_test(scene, theme)
        with st.spinner("Slicing the landscape around the trained weights…", show_time=True):
            figs = nf.landscapes(scene, theme, WORK, shown)
            pca = nw.cached_slice(scene, "pca")
        a, b = st.columns(2, gap="small")
        with a:
            st.markdown("**Two random directions**, filter-normalised (Li et al. 2018)")
            show(figs["random"], f"{T}random")
        with b:
            st.markdown("**The plane of the path's two principal components**")
            show(figs["pca"], f"{T}pca")
        caption(
            f"PCA plane: it holds **{pca.explained.sum():.1%}** of the path's variance about its end point (PC 1 "
            f"{pca.explained[0]:.1%}, PC 2 {pca.explained[1]:.1%}; Li et al. centre on the path's mean); the real "
            "path strays up to "
            f"**{num(float(pca.distance.max()))}** from it (it travels {num(pca.path_norm)} in all).",
            "So the drawn path is a shadow of the real one, and the loss under it is not the loss it met. Random "
            "plane: 1 on an axis moves every neuron's weights by their own size."
            + (
                " In minibatch training the dashed lines are the loss of the batch drawn at the step shown (ringed): "
                "the surface that step descended, not the full one."
                if scene.batch
                else ""
            ),
        )
        st.markdown("**On the straight line from the initial to the trained weights** (Goodfellow et al. 2015)")
        show(figs["line"], f"{T}line")


def range_test(scene: net.NetScene, theme) -> None:
    """Train's learning-rate range test, on demand: gradient descent with η growing every step, against 2/λmax."""
    on = st.toggle(
        "Learning-rate range test",
        key=f"{T}range",
        help="Gradient descent from the same initial weights with η growing every step (Smith 2017): where the "
        "loss falls fastest and where it blows up, beside the theory's edge 2/λmax at the start.",
    )
    if not on:
        return
    with st.spinner("Growing the learning rate…", show_time=True):
        rt = nw.cached_range_test(scene)
    show(nf.range_test(rt, theme), f"{T}range_test")
    caption(lr_finder.caption(rt))


def test_section(frame: Frame, theme) -> None:
    charts, side = frame.charts, frame.side
    with side:
        what = st.radio("Compare", list(pg.COMPARE[pg.TEST].values()), key=f"{V}what", horizontal=True)
        if what == "L2 regularisation":
            lam = choice_slider("L2 λ when on", pg.PENALTIES[1:], pg.ON_L2, f"{V}l2", format_func=num)
            change = (("l2", lam),)
        else:
            kind = st.selectbox(
                "Augmentation when on", pg.ON_AUGMENTATIONS, key=f"{V}aug", format_func=pg.AUG_TITLES.get
            )
            strength = choice_slider(
                "Strength", pg.STRENGTHS[kind], pg.STRENGTHS[kind][-2], f"{V}s.{kind}", format_func=num
            )
            change = (("augmentation", kind), ("strength", strength))
        scene = scene_or_message(lambda: nw.net_scene(f"{V}", net.SECTION_DEFAULTS["test"], regularisation=False))
    with charts:
        if scene is None:
            return
        state = pg.State(pg.TEST, scene, None, compare=what, change=change)
        publish(state)
        runs = nf.comparison(state)
        rows = [trained(s) for s in runs.values()]
        if any(r is None or r.diverged_at is not None for r in rows):
            return
        with st.spinner("Slicing the train and the test landscapes…", show_time=True):
            figs = nf.train_vs_test(runs, theme, WORK)
        for head, tr, on in zip(runs, rows, ("off", "on"), strict=True):
            st.markdown(f"**{head}** — {summary(tr)}")
            a, b, c = st.columns(3, gap="small")
            with a:
                show(figs[f"train-{on}"], f"{V}tr.{head}")
            with b:
                show(figs[f"test-{on}"], f"{V}te.{head}")
            with c:
                show(figs[f"curves-{on}"], f"{V}c.{head}")
        caption(net_words.train_vs_test_caption(what, *rows))  # what the switch did here, in its numbers


VARIANT_CAPTIONS = {
    "Initialisation": "Zeros or one constant make every neuron of a layer the same, and the gradient keeps them the "
    "same: the layer works as one neuron however wide it is (see the distinct neurons). Zeros also give a zero "
    "gradient to every hidden weight: nothing but the output bias moves. A random initialisation breaks the symmetry.",
    "Batch norm": "",  # net_words.batchnorm_caption: why λmax jumps, in the scene's numbers
    "Dropout": "Dropout trains on a random sub-network at every step: a noisier descent and a flatter, more robust "
    "fit; the curves show the loss of the whole network (dropout off).",
}


def variants_section(frame: Frame, theme) -> None:
    charts, side = frame.charts, frame.side
    with side:
        what = st.radio("Switch", list(pg.COMPARE[pg.VARIANTS].values()), key=f"{VAR}what", horizontal=True)
        change = ()
        if what == "Dropout":
            rate = choice_slider("Dropout rate when on", pg.DROPOUTS[1:], pg.ON_DROPOUT, f"{VAR}rate", format_func=num)
            change = (("dropout", rate),)
        scene = scene_or_message(lambda: nw.net_scene(f"{VAR}", net.SECTION_DEFAULTS["variants"], regularisation=False))
    with charts:
        if scene is None:
            return
        state = pg.State(pg.VARIANTS, scene, None, compare=what, change=change)
        publish(state)
        variants = nf.comparison(state)
        runs = {name: trained(s) for name, s in variants.items()}
        if any(r is None for r in runs.values()):
            return
        with st.spinner("Slicing each landscape…", show_time=True):
            figs = nf.variant_figures(variants, theme, WORK)
        show(figs["curves"], f"{VAR}curves")
        rows = []
        for name, tr in runs.items():
            s = variants[name]
            units = f"{net.distinct_units(tr.final)} of {s.widths[0]}" if s.widths else "—"
            rows.append(
                {
                    "": name,
                    "λmax at init": num(nw.cached_top(s, "init")),
                    "λmax trained": num(nw.cached_top(s, "end")) if tr.diverged_at is None else "—",
                    "distinct neurons, layer 1": units,
                    "train loss": num(tr.train_loss[-1]),
                    "test loss": num(tr.test_loss[-1]),
                }
            )
        st.dataframe(rows, hide_index=True)
        for row in ("fit", "slice"):
            for col, name in zip(st.columns(len(runs), gap="small"), runs, strict=True):
                if f"{row}-{nf.slug(name)}" in figs:
                    with col:
                        show(figs[f"{row}-{nf.slug(name)}"], f"{VAR}{row}.{name}")
        caption(VARIANT_CAPTIONS[what] or net_words.batchnorm_caption(scene))


def sharpness_section(frame: Frame, theme) -> None:
    charts, side = frame.charts, frame.side
    default, p = net.SECTION_DEFAULTS["sharpness"], PREFIX[pg.SHARPNESS]
    with side:
        kw = nw.data_controls(p, default) | nw.network_controls(p, default)
        lr = choice_slider("η learning rate (gradient descent, full batch)", pg.SHARP_LRS, 0.1, f"{S}lr", log=True)
        lo, hi, by = pg.SHARP_STEPS
        kw["steps"] = int(st.slider("Steps", lo, hi, default.steps, step=by, key=f"{S}steps"))
        scene = scene_or_message(
            lambda: nw.scene(default, kw | {"optimizer": RunSpec("gd", (("learning_rate", lr),))}), pg.SHARP_STEPS[2]
        )
    with charts:
        if scene is None:
            return
        publish(pg.State(pg.SHARPNESS, scene, None))
        if (tr := trained(scene)) is None:
            return
        with st.spinner("Lanczos on Hessian-vector products along the path…", show_time=True):
            steps_at, sharp = nw.cached_sharpness(scene)
        with frame.main:  # on a phone, the sharpness stays in view above the controls
            show(nf.sharpness_figure(tr, steps_at, sharp, theme), f"{S}chart")
        _, sharp = nf.sharpness_until(tr, steps_at, sharp)
        st.markdown(
            f"Sharpness from **{num(sharp[0])}** at the start to **{num(sharp[-1])}** at the end "
            f"(highest {num(float(np.nanmax(sharp)))}); the stability limit of gradient descent is 2/η = "
            f"**{num(2 / lr)}**."
        )
        if tr.diverged_at is None:
            with st.spinner("Stochastic Lanczos quadrature at four points of the path…", show_time=True):
                spectra = nw.cached_spectra(scene)
            show(nf.spectrum.figure(spectra, theme), f"{S}spectrum")
            st.markdown(net_words.spectrum_text(spectra))
        caption(
            "Cohen et al. (ICLR 2021): under full-batch gradient descent the sharpness first rises "
            "(progressive sharpening) until it reaches 2/η, then hovers there while the loss keeps falling, "
            "not monotonically: the edge of stability. The quadratic model says a step above 2/λmax diverges; "
            "a network instead reshapes its own landscape. A larger η holds the sharpness lower."
        )


def draw() -> None:
    """One run of the page (views/page_run.py runs it as a fragment)."""
    theme = THEMES["presenter" if st.session_state.get("presenter") else "normal"]
    # the sections whose main chart a phone keeps in view
    sticky = (pg.WHOLE, pg.BACKPROP, pg.MINIBATCH, pg.TRAIN, pg.SHRINK, pg.SHARPNESS)
    frame = page_frame("Networks", pg.SECTIONS, "networks.section", pg.SHORT, sticky=sticky)
    section = frame.section
    if (q := address_bar.entry()) is not None:  # the opening link (page_frame has read and told its section)
        linked, notices = pg.decode({**q, "section": section})
        st.session_state.update(pg.widget_values(linked))
        if section == pg.TRAIN and linked.step is None:
            st.session_state.pop(f"{pg.PREFIX[pg.TRAIN]}show", None)  # the slider's own default: the last step
        address_bar.notice(notices)
    {
        pg.WHOLE: whole_section,
        pg.BACKPROP: backprop_section,
        pg.DEPTH: depth_section,
        pg.SHRINK: shrinkage_section,
        pg.MINIBATCH: minibatch_section,
        pg.TRAIN: train_section,
        pg.TEST: test_section,
        pg.VARIANTS: variants_section,
        pg.SHARPNESS: sharpness_section,
    }[section](frame, theme)


page_run("networks", draw)
