"""The Networks page's controls: data, network, training and regularisation, read into a NetScene (what they offer is
scenes/pages/networks.py's, which reads a link against it) or set from one; and the cached computations the sections
share."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from links.networks import (
    AUG_TITLES,
    BATCH_SIZES,
    DROPOUTS,
    INIT_SCALES,
    INIT_TITLES,
    NET_OPTIMIZERS,
    NOISES,
    PENALTIES,
    POINTS,
    SCALED_INITS,
    SEEDS,
    STEPS,
    STRENGTHS,
    parse_widths,
)
from optim import OPTIMIZERS
from scenes import RunSpec, lr_finder
from scenes import networks as net
from scenes.text import num
from surfaces.datasets import AUGMENTATIONS, DATASETS
from surfaces.networks import ACTIVATIONS, INITS
from views.common import caption
from views.widgets import choice_slider, hyper_sliders


def data_controls(prefix: str, default: net.NetScene) -> dict:
    with st.expander("Data", expanded=True):
        name = st.selectbox(
            "Data set",
            list(DATASETS),
            index=list(DATASETS).index(default.dataset),
            key=f"{prefix}data",
            format_func=lambda k: DATASETS[k].title,
        )
        caption(DATASETS[name].lesson)
        noise = choice_slider(
            "Noise",
            NOISES,
            default.noise,
            f"{prefix}noise",
            help="Std of the noise on the inputs (regression: on the targets).",
        )
        n = choice_slider(
            "Points", POINTS, default.n, f"{prefix}n", help="Train and test together (¾ train).", format_func=str
        )
        seed = int(st.number_input("Data seed", *SEEDS, default.data_seed, key=f"{prefix}data_seed"))
    return dict(dataset=name, noise=noise, n=int(n), data_seed=seed)


def network_controls(prefix: str, default: net.NetScene) -> dict:
    with st.expander("Network", expanded=True):
        text = st.text_input(
            "Hidden widths",
            ", ".join(map(str, default.widths)),
            key=f"{prefix}widths",
            help="Neurons per hidden layer, comma-separated (empty: a linear model).",
        )
        act = st.selectbox(
            "Activation",
            list(ACTIVATIONS),
            index=list(ACTIVATIONS).index(default.activation),
            key=f"{prefix}activation",
        )
        init = st.selectbox(
            "Initialisation", INITS, index=INITS.index(default.init), key=f"{prefix}init", format_func=INIT_TITLES.get
        )
        scale = default.init_scale
        if init in SCALED_INITS:
            scale = choice_slider(
                "Scale",
                INIT_SCALES,
                default.init_scale,
                f"{prefix}init_scale",
                help="The constant, or the normal's std.",
            )
        init_seed = int(st.number_input("Init seed", *SEEDS, default.init_seed, key=f"{prefix}init_seed"))
    return dict(widths=text, activation=act, init=init, init_scale=scale, init_seed=init_seed)  # text: see scene()


def training_controls(prefix: str, default: net.NetScene, optimizers=NET_OPTIMIZERS, *, batch: bool = False) -> dict:
    """The optimizer, its hyperparameters and the steps; with ``batch``, the minibatch size too."""
    with st.expander("Training", expanded=True):
        key = st.selectbox(
            "Optimizer",
            optimizers,
            index=optimizers.index(default.optimizer.optimizer),
            key=f"{prefix}opt",
            format_func=lambda k: OPTIMIZERS[k].title,
        )
        hyper = hyper_sliders(OPTIMIZERS[key], prefix=f"{prefix}{key}")
        steps = st.slider("Steps", STEPS[0], STEPS[1], default.steps, step=STEPS[2], key=f"{prefix}steps")
        size = default.batch
        if batch:
            size = choice_slider(
                "Batch size",
                list(BATCH_SIZES),
                default.batch,
                f"{prefix}batch",
                format_func=lambda b: "all" if b == 0 else str(b),
                help="Each step's gradient from this many training points drawn at random (all: full-batch).",
            )
    return dict(
        optimizer=RunSpec(key, tuple(sorted({**OPTIMIZERS[key].defaults(), **hyper}.items()))),
        steps=int(steps),
        batch=int(size),
    )


def regularisation_controls(prefix: str, default: net.NetScene) -> dict:
    with st.expander("Regularisation", expanded=False):
        l2 = choice_slider(
            "L2 (ridge) λ",
            PENALTIES,
            default.l2,
            f"{prefix}l2",
            format_func=num,
            help="Adds λ·Σw² over the weight matrices (not biases).",
        )
        l1 = choice_slider(
            "L1 (lasso) λ",
            PENALTIES,
            default.l1,
            f"{prefix}l1",
            format_func=num,
            help="Adds λ·Σ|w| over the weight matrices.",
        )
        bn = st.toggle(
            "Batch normalisation",
            default.batchnorm,
            key=f"{prefix}bn",
            help="Normalises each hidden layer's pre-activations over the batch (Ioffe & Szegedy 2015).",
        )
        dropout = choice_slider(
            "Dropout rate",
            DROPOUTS,
            default.dropout,
            f"{prefix}dropout",
            format_func=num,
            help="Each hidden neuron is dropped with this probability at every training step.",
        )
        aug = st.selectbox("Augmentation", AUGMENTATIONS, key=f"{prefix}aug", format_func=AUG_TITLES.get)
        strength = 0.0
        if aug != "none":
            strength = choice_slider(
                "Strength",
                STRENGTHS[aug],
                STRENGTHS[aug][1],
                f"{prefix}aug_strength.{aug}",
                format_func=num,
                help="Jitter: noise std; mirror: share of points; mixup: the Beta(α, α) parameter.",
            )
    return dict(l2=l2, l1=l1, batchnorm=bn, dropout=dropout, augmentation=aug, strength=strength)


def scene(default: net.NetScene, kw: dict) -> net.NetScene:
    """The controls' values (the widths still as typed) read into a NetScene; a SettingError or ValueError with a
    message for a bad one. Called once every control is drawn: a control skipped by an early error would lose its
    value (Streamlit forgets the state of a widget a run does not draw)."""
    s = replace(default, **kw | {"widths": parse_widths(kw["widths"])})
    s.model  # noqa: B018  (validates: a message now, not a trace later)
    return s


def net_scene(prefix: str, default: net.NetScene, *, regularisation: bool = True) -> net.NetScene:
    """Every control, read into a NetScene (SettingError or ValueError with a message for a bad one)."""
    kw = data_controls(prefix, default) | network_controls(prefix, default)
    kw |= training_controls(prefix, default, batch=regularisation)  # Train's own: minibatches and regularisation
    if regularisation:
        kw |= regularisation_controls(prefix, default)
    return scene(default, kw)


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
def cached_batch_slice(scene: net.NetScene, t: int):
    return net.batch_slice(cached_train(scene), t)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_spectra(scene: net.NetScene):
    return net.spectra(cached_train(scene))


@st.cache_data(max_entries=64, show_spinner=False)
def cached_line(scene: net.NetScene):
    return net.interpolation(cached_train(scene))


@st.cache_data(max_entries=32, show_spinner=False)
def cached_range_test(scene: net.NetScene) -> lr_finder.RangeTest:
    return lr_finder.range_test(scene)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_sharpness(scene: net.NetScene):
    return net.sharpness(cached_train(scene))


@st.cache_data(max_entries=64, show_spinner=False)
def cached_top(scene: net.NetScene, where: str) -> float:
    """λmax of the objective's Hessian at the initial ("init") or the trained ("end") weights."""
    params = scene.initial() if where == "init" else cached_train(scene).final
    return net.top_at(scene, params)
