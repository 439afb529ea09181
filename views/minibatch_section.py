"""Networks → Minibatch: minibatch SGD against full-batch gradient descent on the 2-parameter network or a linear
regression, one step's batch loss drawn over the full loss (charts/minibatch.py, scenes/minibatch.py)."""

from __future__ import annotations

import streamlit as st

from charts import minibatch as cm
from links import networks as pg
from scenes import minibatch as mb
from scenes.text import num, plural
from views import address_bar, screen
from views.common import Frame, caption, chart, chart_config, fitted
from views.widgets import choice_slider

P = pg.PREFIX[pg.MINIBATCH]
CONFIG = chart_config("minibatch")


def controls() -> mb.MinibatchScene:
    d = mb.MinibatchScene()
    model = st.radio(
        "Model",
        list(mb.FITS),
        index=list(mb.FITS).index(d.model),
        format_func=lambda k: mb.FITS[k].title,
        key=f"{P}model",
        horizontal=True,
    )
    batch = choice_slider(
        "Batch size B",
        list(mb.BATCHES),
        d.batch,
        f"{P}batch",
        format_func=lambda b: f"{b} (all)" if b == mb.N else str(b),
    )
    lr = choice_slider("η learning rate", list(mb.MB_LRS), d.lr, f"{P}lr", log=True)
    epochs = st.slider("Epochs (passes over the 40 points)", *mb.EPOCHS, d.epochs, key=f"{P}epochs")
    steps = int(epochs) * (mb.N // int(batch))
    if st.session_state.get(f"{P}step", 0) > steps - 1:  # fewer steps than before: the last one
        st.session_state[f"{P}step"] = steps - 1
    step = st.slider("Step whose batch is drawn", 0, max(steps - 1, 1), d.step, key=f"{P}step", disabled=steps == 1)
    seed = int(st.number_input("Seed of the shuffles", *pg.SEEDS, d.seed, key=f"{P}seed"))
    return mb.MinibatchScene(int(batch), float(lr), int(epochs), seed, min(int(step), steps - 1), model)


def words(scene: mb.MinibatchScene) -> str:
    w, fit = mb.walk(scene), scene.fit
    s2, sb = mb.noise(w.sgd[scene.step], scene.batch, fit)
    per = mb.N // scene.batch
    sgd_end, gd_end = (float(mb.full_loss(a[-1], fit)) for a in (w.sgd, w.gd))
    gone = [
        f"{who} left the box |w| ≤ {num(mb.BOX)} at step {k} and stops there."
        for who, k in (("Minibatch SGD", w.sgd_diverged), ("Full-batch gradient descent", w.gd_diverged))
        if k is not None
    ]
    best = ""
    if fit.minimum is not None:
        a, b = fit.names
        low = float(fit.loss(*fit.minimum))
        w_, b_ = (num(v) for v in fit.minimum)
        best = f" The least-squares line (★) has {a} = {w_}, {b} = {b_}, loss {num(low)}."
    return "  \n".join(
        gone
        + [
            f"B {scene.batch}: {plural(per, 'step')} an epoch, so {plural(scene.epochs, 'epoch')} are "
            f"{plural(scene.steps, 'step')} of minibatch SGD against {plural(scene.epochs, 'step')} of full-batch "
            f"gradient descent: the same {scene.epochs * mb.N:,} point-gradients. Noise scale η/B = "
            f"{num(scene.lr / scene.batch)}.",
            f"At step {scene.step}'s weights a batch's gradient scatters about the full one with total variance "
            f"{num(sb)} (σ²/B · (N − B)/(N − 1), σ² = {num(s2)} over the points); over an epoch the batches' "
            "gradients at one point average to the full gradient.",
            f"After {plural(scene.epochs, 'epoch')} the full loss is **{num(sgd_end)}** for minibatch SGD and "
            f"**{num(gd_end)}** for full-batch gradient descent.{best}",
        ]
    )


def minibatch_section(frame: Frame, theme) -> None:
    with frame.side:
        scene = controls()
    address_bar.add(pg.encode(pg.State(pg.MINIBATCH, whole=None, minibatch=scene)))
    narrow = screen.current().narrow
    side, _ = fitted(1, reserve=300)
    figs = cm.figures(scene, theme, side=min(side, 620), legend=not narrow)
    with frame.charts:
        with frame.main:  # on a phone the map stays in view above the controls
            chart(figs["map"], config=CONFIG, key=f"{P}map")
        st.markdown(words(scene))
        chart(figs["epochs"], config=CONFIG, key=f"{P}epochs-chart")
        caption(
            "Each minibatch step descends the loss of its own few points (its contours dashed), not the full "
            "loss: cheap and noisy. Per pass over the data it takes N/B steps where full-batch descent takes one; "
            "near a minimum its noise, which grows with η/B, keeps it jittering.",
            "Minibatch gradients are unbiased: their mean over an epoch's batches is the full gradient. The "
            "Gaussian-noise SGD of the 2-D surfaces (Trajectories) imitates this noise on a surface that has no "
            "data points. Smith & Le (2018), Goyal et al. (2017).",
        )
