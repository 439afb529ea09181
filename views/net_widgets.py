"""The Networks page's controls: data, network, training and regularisation, read into a NetScene; and the cached
computations the sections share."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from optim import OPTIMIZERS
from scenes import RunSpec, net
from scenes.text import num
from surfaces.datasets import AUGMENTATIONS, DATASETS
from surfaces.networks import ACTIVATIONS, INITS
from views.widgets import choice_slider, hyper_sliders

NOISES = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5]
POINTS = [100, 200, 400, 800]
PENALTIES = [0.0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]
DROPOUTS = [0.0, 0.1, 0.2, 0.3, 0.5]
INIT_SCALES = [0.0, 0.01, 0.1, 0.3, 1.0, 3.0]
INIT_TITLES = {"zeros": "Zeros", "constant": "Constant (every weight the same)", "normal": "Normal (chosen std)",
               "xavier": "Xavier / Glorot", "he": "He"}  # fmt: skip
AUG_TITLES = {"none": "None", "jitter": "Jitter (input noise copies)", "flip": "Mirror x₁ → −x₁",
              "mixup": "Mixup (Zhang et al. 2018)"}  # fmt: skip
STRENGTHS = {"jitter": [0.02, 0.05, 0.1, 0.2], "flip": [0.25, 0.5, 1.0], "mixup": [0.1, 0.2, 0.4, 1.0]}
NET_OPTIMIZERS = ("gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")  # Newton: P×P Hessians


class SettingError(ValueError):
    """A setting the network cannot be built with; its message is for the page."""


def parse_widths(text: str) -> tuple[int, ...]:
    """ "16, 16" -> (16, 16); "" -> () (a linear model). A zero, a negative or a word is told plainly."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        widths = tuple(int(p) for p in parts)
    except ValueError:
        raise SettingError(f"hidden widths are whole numbers separated by commas, like 16, 16; got {text!r}") from None
    if any(w < 1 for w in widths):
        raise SettingError(f"a layer needs at least one neuron: {text!r} has a width below 1")
    if len(widths) > 4 or any(w > 256 for w in widths):
        raise SettingError("at most 4 hidden layers of at most 256 neurons each (the page trains in seconds)")
    return widths


def data_controls(prefix: str, default: net.NetScene) -> dict:
    with st.expander("Data", expanded=True):
        name = st.selectbox("Data set", list(DATASETS), index=list(DATASETS).index(default.dataset),
                            key=f"{prefix}data", format_func=lambda k: DATASETS[k].title)  # fmt: skip
        st.caption(DATASETS[name].lesson)
        noise = choice_slider("Noise", NOISES, default.noise, f"{prefix}noise", help="Std of the noise on the inputs "
                              "(regression: on the targets).")
        n = choice_slider("Points", POINTS, default.n, f"{prefix}n", help="Train and test together (¾ train).",
                          format_func=str)
        seed = int(st.number_input("Data seed", 0, 10_000, default.data_seed, key=f"{prefix}data_seed"))
    return dict(dataset=name, noise=noise, n=int(n), data_seed=seed)


def network_controls(prefix: str, default: net.NetScene) -> dict:
    with st.expander("Network", expanded=True):
        text = st.text_input("Hidden widths", ", ".join(map(str, default.widths)), key=f"{prefix}widths",
                             help="Neurons per hidden layer, comma-separated (empty: a linear model).")
        widths = parse_widths(text)
        act = st.selectbox("Activation", list(ACTIVATIONS), index=list(ACTIVATIONS).index(default.activation),
                           key=f"{prefix}activation")
        init = st.selectbox("Initialisation", INITS, index=INITS.index(default.init), key=f"{prefix}init",
                            format_func=INIT_TITLES.get)
        scale = default.init_scale
        if init in ("constant", "normal"):
            scale = choice_slider("Scale", INIT_SCALES, default.init_scale, f"{prefix}init_scale",
                                  help="The constant, or the normal's std.")
        init_seed = int(st.number_input("Init seed", 0, 10_000, default.init_seed, key=f"{prefix}init_seed"))
    return dict(widths=widths, activation=act, init=init, init_scale=scale, init_seed=init_seed)


def training_controls(prefix: str, default: net.NetScene, optimizers=NET_OPTIMIZERS) -> dict:
    with st.expander("Training", expanded=True):
        key = st.selectbox("Optimizer", optimizers, index=optimizers.index(default.optimizer.optimizer),
                           key=f"{prefix}opt", format_func=lambda k: OPTIMIZERS[k].title)
        hyper = hyper_sliders(OPTIMIZERS[key], prefix=f"{prefix}{key}")
        steps = st.slider("Steps", 50, net.NET_STEPS[1], default.steps, step=50, key=f"{prefix}steps")
    return dict(optimizer=RunSpec(key, tuple(sorted({**OPTIMIZERS[key].defaults(), **hyper}.items()))),
                steps=int(steps))


def regularisation_controls(prefix: str, default: net.NetScene) -> dict:
    with st.expander("Regularisation", expanded=False):
        l2 = choice_slider("L2 (ridge) λ", PENALTIES, default.l2, f"{prefix}l2", format_func=num,
                           help="Adds λ·Σw² over the weight matrices (not biases).")
        l1 = choice_slider("L1 (lasso) λ", PENALTIES, default.l1, f"{prefix}l1", format_func=num,
                           help="Adds λ·Σ|w| over the weight matrices.")
        bn = st.toggle("Batch normalisation", default.batchnorm, key=f"{prefix}bn",
                       help="Normalises each hidden layer's pre-activations over the batch (Ioffe & Szegedy 2015).")
        dropout = choice_slider("Dropout rate", DROPOUTS, default.dropout, f"{prefix}dropout", format_func=num,
                                help="Each hidden neuron is dropped with this probability at every training step.")
        aug = st.selectbox("Augmentation", AUGMENTATIONS, key=f"{prefix}aug", format_func=AUG_TITLES.get)
        strength = 0.0
        if aug != "none":
            strength = choice_slider("Strength", STRENGTHS[aug], STRENGTHS[aug][1], f"{prefix}aug_strength.{aug}",
                                     format_func=num, help="Jitter: noise std; mirror: share of points; "
                                     "mixup: the Beta(α, α) parameter.")
    return dict(l2=l2, l1=l1, batchnorm=bn, dropout=dropout, augmentation=aug, strength=strength)


def net_scene(prefix: str, default: net.NetScene, *, regularisation: bool = True) -> net.NetScene:
    """Every control, read into a NetScene (SettingError or ValueError with a message for a bad one)."""
    kw = data_controls(prefix, default) | network_controls(prefix, default) | training_controls(prefix, default)
    if regularisation:
        kw |= regularisation_controls(prefix, default)
    scene = replace(default, **kw)
    scene.model  # noqa: B018  (validates: a message now, not a trace later)
    return scene


# -- cached computations (NumPy results: cacheable; the compiled functions stay in surfaces.networks' cache) ---------
@st.cache_data(max_entries=64, show_spinner=False)
def cached_train(scene: net.NetScene) -> net.Training:
    return net.train(scene)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_boundary(scene: net.NetScene, index: int) -> net.Boundary:
    return net.boundary(scene, cached_train(scene).at(index))


@st.cache_data(max_entries=64, show_spinner=False)
def cached_slice(scene: net.NetScene, kind: str, seed: int = 0) -> net.Slice:
    return net.landscape_slice(cached_train(scene), kind, seed=seed)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_line(scene: net.NetScene):
    return net.interpolation(cached_train(scene))


@st.cache_data(max_entries=32, show_spinner=False)
def cached_sharpness(scene: net.NetScene):
    return net.sharpness(cached_train(scene))


@st.cache_data(max_entries=64, show_spinner=False)
def cached_top(scene: net.NetScene, where: str) -> float:
    """λmax of the objective's Hessian at the initial ("init") or the trained ("end") weights."""
    params = scene.initial() if where == "init" else cached_train(scene).final
    return net.top_at(scene, params)
