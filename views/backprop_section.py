"""Networks → Backprop: one training point's forward and backward pass at a step of gradient descent, the chain
rule's products written out with their numbers, and the step they make on the map (charts/backprop.py)."""

from __future__ import annotations

import streamlit as st

from charts import backprop as cb
from links import networks as pg
from scenes import backprop as bp
from scenes.text import plain
from views import address_bar, screen
from views.common import Frame, cached_compute, caption, chart, chart_config, map_fit, outcomes
from views.widgets import choice_slider

P = pg.PREFIX[pg.BACKPROP]
CONFIG = chart_config("backprop")


def _held(key: str, lo: int, hi: int, default: int) -> None:
    """A slider's remembered value kept inside its range (the step's range changes with the network)."""
    v = st.session_state.get(key, default)
    st.session_state[key] = min(max(int(v), lo), hi)


def controls() -> bp.BackpropScene:
    d = bp.BackpropScene()
    net = st.radio("Network", list(bp.NETS), key=f"{P}net", format_func=bp.NETS.get)
    lr = choice_slider("η learning rate (gradient descent, full batch)", pg.BACKPROP_LRS, d.lr, f"{P}lr", log=True)
    last = bp.RUN_STEPS[net]
    _held(f"{P}step", 0, last, d.step)
    step = st.slider(
        "Step shown", 0, last, key=f"{P}step", help="The weights after this many steps: their pass is written out."
    )
    points = bp.BackpropScene(net=net).points
    _held(f"{P}point", 1, points, d.point)
    point = st.slider(
        "Training point", 1, points, key=f"{P}point", help="Whose graph is drawn: the gradient is the mean over all."
    )
    seed = d.seed
    if net == bp.XOR:
        seed = int(st.number_input("Seed of the initial weights", *pg.SEEDS, d.seed, key=f"{P}seed"))
    return bp.BackpropScene(net, float(lr), int(step), int(point), seed)


def backprop_section(frame: Frame, theme) -> None:
    with frame.side:
        scene = controls()
    address_bar.add(pg.encode(pg.State(pg.BACKPROP, whole=None, backprop=scene)))
    narrow = screen.current().narrow
    result = cb.race(scene, cached_compute)
    p, following = cb.shown_pass(scene, result)
    font = round(theme.font_size * (0.8 if narrow else 1))
    with frame.charts:
        with frame.main:  # on a phone the graph stays in view above the controls, forward from top to bottom
            figure = cb.graph(
                scene, p, theme, height=cb.graph_height(scene.net, font, narrow), font_size=font, vertical=narrow
            )
            chart(figure, config=CONFIG, key=f"{P}graph")
        left, right = st.columns([1, 1], gap="medium") if not narrow else (st.container(), st.container())
        with left:
            if result is not None:
                fit = map_fit(result, 1 if narrow else 2, reserve=200)
                chart(cb.step_map(result, scene, p, theme, fit), config=CONFIG, key=f"{P}map")
                outcomes(result, header=False)
            else:
                chart(cb.loss_chart(scene, theme, int(theme.height * 0.55)), config=CONFIG, key=f"{P}loss")
        with right:
            st.markdown(f"**The chain rule at point {scene.point}**, from the loss back to each weight:")
            st.markdown("\n".join(f"- {plain(bp.chain_line(c))}" for c in bp.chains(p, scene.point - 1)))
            st.markdown(plain(bp.step_words(scene, p, following)))
        caption(
            "Backpropagation is the chain rule run backwards from the loss: each node's ∂ℓ/∂node is the next "
            "node's times the local derivative on the edge between them. One backward pass gives every weight's "
            "partial derivative, for about the cost of the forward pass. The gradient over the data is the mean of "
            "the points'; jax.grad, which trains every network here, computes the same numbers.",
        )
