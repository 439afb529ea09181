"""Networks: real loss landscapes of small networks, trained by the same optimizers as the 2-D surfaces."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from optim import OPTIMIZERS
from scenes import RunSpec, Scene, net
from scenes import figures as fig
from scenes.text import num, point
from surfaces.datasets import CLASSIFICATION, regression_target
from views import net_widgets as nw
from views.common import cached_compute, chart, chart_config, outcomes, page_frame
from views.widgets import choice_slider, hyper_sliders
from viz import THEMES
from viz import networks as vn

CHART_CONFIG = chart_config("network-landscape")
SECTIONS = ("See it whole", "Train", "Train vs test", "Init · BN · dropout", "Sharpness")
SHORT = {"See it whole": "Whole", "Train vs test": "Test", "Init · BN · dropout": "Init·BN"}
TRAIN, TEST = vn.TRAIN_COLOR, vn.TEST_COLOR
VARIANT_COLORS = ("#0072B2", "#D55E00", "#009E73")


def show(figure, key: str) -> None:
    chart(figure, config=CHART_CONFIG, theme=None, key=key)


def scene_or_message(build):
    """The NetScene the controls describe, or None after telling what is wrong with them."""
    try:
        return build()
    except ValueError as e:  # SettingError, a width of zero, an unknown name: the message says which
        st.error(f"These settings cannot be trained: {e}.")
        return None


def trained(scene: net.NetScene) -> net.Training | None:
    """Train (cached), and say plainly when the run blew up or climbed; None if nothing can be drawn."""
    with st.spinner(f"Training for {scene.steps} steps…", show_time=True):
        tr = nw.cached_train(scene)
    climbed = tr.diverged_at is None and tr.objective[-1] > tr.objective[0]
    if tr.diverged_at is not None or climbed:
        lr = scene.optimizer.hyper_dict().get("learning_rate", float("nan"))
        top = nw.cached_top(scene, "init")
        what = (f"Training diverged at step {tr.diverged_at} (the loss overflowed or turned NaN; the curves stop "
                "there)" if tr.diverged_at is not None else
                f"The loss ended higher than it started ({num(tr.objective[0])} → {num(tr.objective[-1])})")
        st.warning(f"{what}: the learning rate {num(lr)} is too large for this network. At the initial weights the "
                   f"top Hessian eigenvalue is λmax = {num(top)}, so plain gradient descent is stable only below "
                   f"2/λmax = {num(2 / top)}.")
        if tr.diverged_at is not None and tr.diverged_at <= 1:
            return None
    return tr


def curves(tr: net.Training, theme, *, marker_step=None, height=None, title=""):
    lines = [("train", tr.train_loss, TRAIN, "solid"), ("test", tr.test_loss, TEST, "dash")]
    if tr.scene.l2 or tr.scene.l1:
        lines.append(("objective (with penalty)", tr.objective, "#555555", "dot"))
    return vn.curves_figure(tr.steps, lines, theme, y_title=f"loss ({tr.scene.problem.loss.replace('_', '-')})",
                            marker_step=marker_step, title=title, height=height)


def fit_figure(tr: net.Training, index: int, theme, height=None, title="", legend=True):
    s = tr.scene
    d, b = s.problem.data, nw.cached_boundary(s, index)
    if d.task == CLASSIFICATION:
        return vn.boundary_figure(b.xs, b.ys, b.z, d.x_train, d.y_train, d.x_test, d.y_test, theme, title=title,
                                  height=height, showlegend=legend)
    return vn.regression_figure(b.xs, b.z, d.x_train, d.y_train, d.x_test, d.y_test, theme, title=title,
                                truth=regression_target(b.xs).astype(np.float32), height=height, showlegend=legend)


def summary(tr: net.Training, i: int = -1) -> str:
    acc = "" if tr.train_acc is None else (f", accuracy train **{tr.train_acc[i]:.1%}**, test "
                                           f"**{tr.test_acc[i]:.1%}**")
    return (f"{tr.n_params:,} parameters · step {int(tr.steps[i])}: loss train **{num(tr.train_loss[i])}**, "
            f"test **{num(tr.test_loss[i])}**{acc}")


# -- sections -----------------------------------------------------------------------------------------------------
def whole_section(charts, side, theme) -> None:
    with side:
        chosen = st.multiselect("Optimizers", ["gd", "momentum", "adam"], default=["gd", "momentum", "adam"],
                                key="net.w.optimizers", format_func=lambda k: OPTIMIZERS[k].title)
        runs = []
        for k in chosen:
            with st.expander(OPTIMIZERS[k].title):
                runs.append(RunSpec(k, tuple(sorted(hyper_sliders(OPTIMIZERS[k], prefix=f"net.w.{k}").items()))))
        scale = choice_slider("Random start: std", [0.001, 0.01, 0.1, 0.5], 0.01, "net.w.scale", log=True,
                              help="The small random initialisation on the right: w ~ N(0, std²).")
        seed = int(st.number_input("Seed", 0, 10_000, 1, key="net.w.seed"))
        steps = st.slider("Steps", 50, 2000, 800, step=50, key="net.w.steps")
    with charts:
        if not runs:
            st.info("Choose at least one optimizer.")
            return
        w0 = tuple(float(v) for v in scale * np.random.default_rng(seed).normal(size=2))
        left, right = st.columns(2, gap="small")
        for col, start, head in ((left, (0.0, 0.0), "Zero initialisation: the gradient is exactly 0"),
                                 (right, w0, f"Small random initialisation {point(*w0, 2)}")):
            with col:
                result = cached_compute(Scene(surface="two_param_net", runs=tuple(runs), start=start, steps=steps))
                st.markdown(f"**{head}**")
                f = fig.contour(result, theme)
                f.update_layout(height=int(theme.height * 0.8), xaxis_title_text="w₁", yaxis_title_text="w₂")
                show(f, f"net.w.{head[:4]}")
                outcomes(result, header=False)
        st.latex(r"L(w_1, w_2) = " + result.surface.latex)
        st.caption(result.surface.lesson + " Every network has such symmetries (permute hidden neurons, flip "
                   "signs): its minima come in families, and the origin of a symmetric start is a critical point.")


def train_section(charts, side, theme) -> None:
    with side:
        scene = scene_or_message(lambda: nw.net_scene("net.t.", net.SECTION_DEFAULTS["train"]))
    with charts:
        if scene is None or (tr := trained(scene)) is None:
            return
        end = len(tr.steps) - 1 if tr.diverged_at is None else int(np.searchsorted(tr.steps, tr.diverged_at)) - 1
        step = st.select_slider("Show the fit at step", options=[int(s) for s in tr.steps[: end + 1]],
                                value=int(tr.steps[end]), key="net.t.show")
        i = int(np.searchsorted(tr.steps, step))
        st.markdown(summary(tr, i))
        a, b = st.columns(2, gap="small")
        with a:
            show(fit_figure(tr, i, theme, height=int(theme.height * 0.62)), "net.t.fit")
        with b:
            show(curves(tr, theme, marker_step=step, height=int(theme.height * 0.62)), "net.t.curves")
        if tr.diverged_at is not None:
            return
        with st.spinner("Slicing the landscape around the trained weights…", show_time=True):
            rnd, pca = nw.cached_slice(scene, "random"), nw.cached_slice(scene, "pca")
            alphas, line_train, line_test = nw.cached_line(scene)
        a, b = st.columns(2, gap="small")
        with a:
            st.markdown("**Two random directions**, filter-normalised (Li et al. 2018)")
            show(vn.slice_figure(rnd.alphas, rnd.betas, rnd.train, theme, height=int(theme.height * 0.62)),
                 "net.t.random")
        with b:
            st.markdown("**The plane of the path's two principal components**")
            show(vn.slice_figure(pca.alphas, pca.betas, pca.train, theme, path=pca.path,
                                 axis_titles=("PC 1", "PC 2"), height=int(theme.height * 0.62)), "net.t.pca")
        st.caption(f"Random plane: 1 on an axis moves every neuron's weights by their own size. PCA plane: it holds "
                   f"**{pca.explained.sum():.1%}** of the path's variance (PC 1 {pca.explained[0]:.1%}, PC 2 "
                   f"{pca.explained[1]:.1%}); the real path strays up to **{num(float(pca.distance.max()))}** from "
                   f"the plane (it travels {num(pca.path_norm)} in all), so the drawn path is a shadow of the real "
                   "one, and the loss under it is not the loss it met.")
        st.markdown("**On the straight line from the initial to the trained weights** (Goodfellow et al. 2015)")
        show(vn.line_figure(alphas, line_train, line_test, theme, height=int(theme.height * 0.5)), "net.t.line")


def test_section(charts, side, theme) -> None:
    default = net.SECTION_DEFAULTS["test"]
    with side:
        what = st.radio("Compare", ["L2 regularisation", "Augmentation"], key="net.v.what", horizontal=True)
        if what == "L2 regularisation":
            lam = choice_slider("L2 λ when on", nw.PENALTIES[1:], 1e-3, "net.v.l2", format_func=num)
            change = dict(l2=lam)
        else:
            kind = st.selectbox("Augmentation when on", ["jitter", "mixup", "flip"], key="net.v.aug",
                                format_func=nw.AUG_TITLES.get)
            strength = choice_slider("Strength", nw.STRENGTHS[kind], nw.STRENGTHS[kind][-2], f"net.v.s.{kind}",
                                     format_func=num)
            change = dict(augmentation=kind, strength=strength)
        scene = scene_or_message(lambda: nw.net_scene("net.v.", default, regularisation=False))
    with charts:
        if scene is None:
            return
        pair = (scene, replace(scene, **change))
        rows = [trained(s) for s in pair]
        if any(r is None or r.diverged_at is not None for r in rows):
            return
        with st.spinner("Slicing the train and the test landscapes…", show_time=True):
            slices = [nw.cached_slice(s, "random") for s in pair]
        logs = [np.log10(np.maximum(z, 1e-12)) for sl in slices for z in (sl.train, sl.test)]
        zmin, zmax = min(float(np.nanmin(v)) for v in logs), max(float(np.nanmax(v)) for v in logs)  # one scale
        for tr, sl, head in zip(rows, slices, (f"{what} off", f"{what} on"), strict=True):
            st.markdown(f"**{head}** — {summary(tr)}")
            a, b, c = st.columns(3, gap="small")
            h = int(theme.height * 0.5)
            with a:
                show(vn.slice_figure(sl.alphas, sl.betas, sl.train, theme, title="train", zmin=zmin, zmax=zmax,
                                     showscale=False, height=h), f"net.v.tr.{head}")
            with b:
                show(vn.slice_figure(sl.alphas, sl.betas, sl.test, theme, title="test", zmin=zmin, zmax=zmax,
                                     height=h),
                     f"net.v.te.{head}")
            with c:
                show(curves(tr, theme, height=h), f"net.v.c.{head}")
        st.caption("The same plane through the trained weights (the same random directions), evaluated on the "
                   "training and on the test data: the test landscape is the training one moved, and its minimum is "
                   "elsewhere. Regularisation and augmentation make the training landscape more like the test one.")


def variants_section(charts, side, theme) -> None:
    default = net.SECTION_DEFAULTS["variants"]
    with side:
        what = st.radio("Switch", ["Initialisation", "Batch norm", "Dropout"], key="net.i.what", horizontal=True)
        rate = 0.2
        if what == "Dropout":
            rate = choice_slider("Dropout rate when on", nw.DROPOUTS[1:], 0.2, "net.i.rate", format_func=num)
        scene = scene_or_message(lambda: nw.net_scene("net.i.", default, regularisation=False))
    with charts:
        if scene is None:
            return
        if what == "Initialisation":
            variants = {"zeros": replace(scene, init="zeros"), "constant 0.1": replace(scene, init="constant",
                        init_scale=0.1), nw.INIT_TITLES[scene.init]: scene}  # fmt: skip
            if scene.init in ("zeros", "constant"):
                variants = {k: v for k, v in variants.items() if v is not scene} | {"xavier": replace(scene,
                                                                                                     init="xavier")}
        elif what == "Batch norm":
            variants = {"without batch norm": replace(scene, batchnorm=False),
                        "with batch norm": replace(scene, batchnorm=True)}
        else:
            variants = {"no dropout": replace(scene, dropout=0.0),
                        f"dropout {num(rate)}": replace(scene, dropout=rate)}
        runs = {name: trained(s) for name, s in variants.items()}
        if any(r is None for r in runs.values()):
            return
        lines = []
        for (name, tr), c in zip(runs.items(), VARIANT_COLORS, strict=False):
            lines += [(f"{name}: train", tr.train_loss, c, "solid"), (f"{name}: test", tr.test_loss, c, "dash")]
        show(vn.curves_figure(runs[name].steps, lines, theme, y_title="loss", height=int(theme.height * 0.55)),
             "net.i.curves")
        rows = []
        for name, tr in runs.items():
            s = variants[name]
            units = f"{net.distinct_units(tr.final)} of {s.widths[0]}" if s.widths else "—"
            rows.append({"": name, "λmax at init": num(nw.cached_top(s, "init")),
                         "λmax trained": num(nw.cached_top(s, "end")) if tr.diverged_at is None else "—",
                         "distinct neurons, layer 1": units, "train loss": num(tr.train_loss[-1]),
                         "test loss": num(tr.test_loss[-1])})
        st.dataframe(rows, hide_index=True)
        with st.spinner("Slicing each landscape…", show_time=True):
            slices = {name: nw.cached_slice(variants[name], "random") for name, tr in runs.items()
                      if tr.diverged_at is None}
        h = int(theme.height * 0.5)
        for row in ("fit", "slice"):
            cols = st.columns(len(runs), gap="small")
            for k, (col, (name, tr)) in enumerate(zip(cols, runs.items(), strict=True)):
                with col:
                    if row == "fit":
                        show(fit_figure(tr, len(tr.steps) - 1, theme, height=h, title=name, legend=k == 0),
                             f"net.i.fit.{name}")
                    elif name in slices:
                        sl = slices[name]
                        show(vn.slice_figure(sl.alphas, sl.betas, sl.train, theme, height=h, showscale=False,
                                             showlegend=False, title=f"landscape, {name}"), f"net.i.slice.{name}")
        st.caption({
            "Initialisation": "Zeros or one constant make every neuron of a layer the same, and the gradient keeps "
            "them the same: the layer works as one neuron however wide it is (see the distinct neurons). Zeros also "
            "give a zero gradient to every hidden weight: nothing but the output bias moves. A random initialisation "
            "breaks the symmetry.",
            "Batch norm": "Batch normalisation rescales each layer's pre-activations, which changes the landscape's "
            "curvature: compare λmax, the top Hessian eigenvalue (the sharpest direction; gradient descent needs "
            "η < 2/λmax).",
            "Dropout": "Dropout trains on a random sub-network at every step: a noisier descent and a flatter, more "
            "robust fit; the curves show the loss of the whole network (dropout off).",
        }[what])


def sharpness_section(charts, side, theme) -> None:
    default = net.SECTION_DEFAULTS["sharpness"]
    with side:
        kw = nw.data_controls("net.s.", default) | nw.network_controls("net.s.", default)
        lr = choice_slider("η learning rate (gradient descent, full batch)", [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5,
                           1.0], 0.1, "net.s.lr", log=True)  # fmt: skip
        steps = st.slider("Steps", 200, net.NET_STEPS[1], default.steps, step=100, key="net.s.steps")
        scene = scene_or_message(lambda: replace(default, **kw, steps=int(steps),
                                                 optimizer=RunSpec("gd", (("learning_rate", lr),))))
    with charts:
        if scene is None or (tr := trained(scene)) is None:
            return
        with st.spinner("Lanczos on Hessian-vector products along the path…", show_time=True):
            steps_at, sharp = nw.cached_sharpness(scene)
        keep = steps_at <= (tr.diverged_at if tr.diverged_at is not None else np.inf)
        loss = [("loss", np.interp(steps_at[keep], tr.steps, tr.objective), "#999999", "dot")]
        show(vn.curves_figure(steps_at[keep], [("sharpness λmax", sharp[keep], "#0072B2", "solid")], theme,
                              y_title="top Hessian eigenvalue λmax", log_y=False,
                              hlines=[(2 / lr, f"2/η = {num(2 / lr)}")], y2=("training loss", loss),
                              height=int(theme.height * 0.75)), "net.s.chart")
        top = float(np.nanmax(sharp[keep])) if keep.any() else float("nan")
        st.markdown(f"Sharpness from **{num(sharp[0])}** at the start to **{num(sharp[keep][-1])}** at the end "
                    f"(highest {num(top)}); the stability limit of gradient descent is 2/η = **{num(2 / lr)}**.")
        st.caption("Cohen et al. (ICLR 2021): under full-batch gradient descent the sharpness first rises "
                   "(progressive sharpening) until it reaches 2/η, then hovers there while the loss keeps falling, "
                   "not monotonically: the edge of stability. The quadratic model says a step above 2/λmax diverges; "
                   "a network instead reshapes its own landscape. A larger η holds the sharpness lower.")


theme = THEMES["presenter" if st.session_state.get("presenter") else "normal"]
charts, side, section = page_frame("Networks", SECTIONS, "net.section", SHORT)
{"See it whole": whole_section, "Train": train_section, "Train vs test": test_section,
 "Init · BN · dropout": variants_section, "Sharpness": sharpness_section}[section](charts, side, theme)
