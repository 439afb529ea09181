"""Networks → Depth: what zeros, a small normal, Xavier and He do to a deep MLP's activations and gradients, layer by
layer, at the start of training (charts/depth.py, scenes/depth.py)."""

from __future__ import annotations

import streamlit as st

from charts import depth as cd
from links import networks as pg
from scenes import depth as dp
from scenes.text import num
from views import address_bar, screen
from views.common import Frame, caption, chart, chart_config, pairs

P = pg.PREFIX[pg.DEPTH]
CONFIG = chart_config("depth")


@st.cache_data(max_entries=32, show_spinner=False)
def cached_signals(scene: dp.DepthScene) -> dict[str, dp.Signals]:
    return dp.all_signals(scene)


def controls() -> dp.DepthScene:
    d = dp.DepthScene()
    depth = st.slider("Hidden layers", *dp.DEPTHS, d.depth, key=f"{P}depth", help=f"Each {dp.WIDTH} units wide.")
    activation = st.radio("Activation", dp.DEPTH_ACTIVATIONS, key=f"{P}activation", horizontal=True)
    bn = st.toggle("Batch normalisation", d.batchnorm, key=f"{P}bn", help="Before each activation: mean 0, std 1.")
    seed = int(st.number_input("Seed", *pg.SEEDS, d.seed, key=f"{P}seed"))
    return dp.DepthScene(int(depth), activation, bool(bn), seed)


def line(key: str, s: dp.Signals) -> str:
    """ "Xavier: activations' std 0.629 at layer 1, 0.231 at layer 10; gradients' 0.003 → 0.006"."""
    name = dp.COMPARED[key]
    if not (s.act_std > 0).any():
        return f"**{name}**: every activation and every gradient is exactly 0, at every layer."
    last = len(s.act_std)
    a, g = ([num(float(v), floor=0.0) for v in (x[0], x[-1])] for x in (s.act_std, s.grad_std))  # tiny is real here
    return (
        f"**{name}**: activations' std {a[0]} at layer 1, {a[1]} at layer {last}; "
        f"gradients' {g[0]} at layer 1, {g[1]} at layer {last}."
    )


def depth_section(frame: Frame, theme) -> None:
    with frame.side:
        scene = controls()
    address_bar.add(pg.encode(pg.State(pg.DEPTH, whole=None, depth=scene)))
    with frame.charts:
        with st.spinner("Forward and backward through the layers…", show_time=True):
            sig = cached_signals(scene)
        figs = cd.figures(scene, theme, cached_signals, stacked=screen.current().narrow)  # a phone: one panel a row
        chart(figs["std"], config=CONFIG, key=f"{P}std")
        st.markdown("  \n".join(line(k, s) for k, s in sig.items()))
        narrow = screen.current().narrow  # a phone: one histogram a row, its legend readable
        for row in (("zeros", "normal"), ("xavier", "he")):
            cols = [st.container() for _ in row] if narrow else pairs(f"depth-{row[0]}", 2)
            for col, key in zip(cols, row, strict=True):
                with col:
                    chart(figs[f"hist-{key}"], config=CONFIG, key=f"{P}hist-{key}")
        caption(
            "Xavier's weights (variance 1/n) keep a tanh network's signal through the layers, He's (2/n) a ReLU "
            "network's; smaller weights make it vanish layer after layer, larger ones explode, and zeros leave "
            "nothing to learn from. Batch normalisation rescales every layer, whatever the initialisation.",
            "At the start of training a layer multiplies its input's variance by about n·Var(w) times the "
            "activation's gain (Glorot & Bengio 2010; He et al. 2015). The gradients shown are the weight "
            f"matrices', ∂L/∂W, for a mean squared error read out from the last layer, on {dp.SAMPLES} points.",
        )
