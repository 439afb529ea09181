"""Signals through depth (scenes/depth.py): held to a forward and backward pass written out in NumPy float64, to the
theory of Glorot & Bengio and He et al., and to one program whatever the depth."""

from __future__ import annotations

import numpy as np
import pytest
from test_optim_support import CompileCounter

from charts import depth as cd
from scenes import depth as dp
from viz import THEMES

ACT = {"tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2), "relu": (lambda z: np.maximum(z, 0), lambda z: z > 0)}


def by_hand(scene: dp.DepthScene, init: str) -> tuple[np.ndarray, np.ndarray]:
    """The activations' and ∂L/∂W's std at each layer, forward and backward in float64, no batch norm."""
    x, y = (a.astype(np.float64) for a in dp._data(scene.seed))
    ws, out = (a.astype(np.float64) for a in dp.weights(init, scene.seed))
    f, df = ACT[scene.activation]
    hs, zs = [x], []
    for w in ws[: scene.depth]:
        zs.append(hs[-1] @ w)
        hs.append(f(zs[-1]))
    delta = np.outer(2 * (hs[-1] @ out - y) / len(y), out)  # ∂L/∂h at the last layer
    grads = []
    for layer in reversed(range(scene.depth)):
        g = delta * df(zs[layer])
        grads.append(hs[layer].T @ g)
        delta = g @ ws[layer].T
    return np.array([h.std() for h in hs[1:]]), np.array([g.std() for g in reversed(grads)])


@pytest.mark.parametrize("activation", dp.DEPTH_ACTIVATIONS)
@pytest.mark.parametrize("init", ["xavier", "he", "normal"])
def test_the_signals_are_a_forward_and_backward_pass_by_hand(activation, init):
    scene = dp.DepthScene(depth=7, activation=activation)
    s = dp.signals(scene, init)
    act, grad = by_hand(scene, init)
    np.testing.assert_allclose(s.act_std, act, rtol=2e-3)
    np.testing.assert_allclose(s.grad_std, grad, rtol=2e-3)
    assert s.act_hist[0].shape == (7, dp.BINS) and np.allclose(s.act_hist[0].sum(axis=1), 1)


def test_each_initialisation_does_what_the_theory_says():
    tanh = dp.all_signals(dp.DepthScene(depth=20, activation="tanh"))
    relu = dp.all_signals(dp.DepthScene(depth=20, activation="relu"))
    for sig, gain in ((tanh, 1.0), (relu, 0.5**0.5)):
        assert not sig["zeros"].act_std.any() and not sig["zeros"].grad_std.any()  # nothing to learn from
        # std 0.01 × √100 = 0.1 a layer times the activation's gain near 0 (tanh 1, ReLU √½): vanishing
        assert 0.3 < dp.ratio(sig["normal"].act_std) / (0.1 * gain) ** 19 < 3
    # He: n·Var(w) = 2 and ReLU keeps half the variance, so the signal keeps its size through 20 layers
    assert 0.3 < dp.ratio(relu["he"].act_std) < 3
    # Xavier (variance 1/n) under ReLU halves the second moment each layer: 19 layers, about 2^(−19/2) in std
    assert 0.3 < dp.ratio(relu["xavier"].act_std) / 2 ** (-19 / 2) < 3
    # Xavier keeps tanh's signal within a small factor (it shrinks slowly as tanh's gain falls below 1)
    assert 0.1 < dp.ratio(tanh["xavier"].act_std) < 1


@pytest.mark.parametrize("activation", dp.DEPTH_ACTIVATIONS)
def test_batch_norm_gives_every_layer_the_activation_s_own_spread_whatever_the_start(activation):
    """Normalised, each pre-activation is ≈ N(0, 1) over the batch: the activation's std is that of φ(z), z ~ N(0, 1)
    (Gauss–Hermite quadrature), for every random initialisation and every layer."""
    z, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    phi = ACT[activation][0](z)
    expected = np.sqrt(np.sum(w * phi**2) - np.sum(w * phi) ** 2)
    sig = dp.all_signals(dp.DepthScene(depth=12, activation=activation, batchnorm=True))
    for init in ("normal", "xavier", "he"):
        np.testing.assert_allclose(sig[init].act_std, expected, rtol=0.05)


def test_the_depth_is_data_one_program_for_every_depth():
    dp.signals(dp.DepthScene(depth=10), "he")
    with CompileCounter() as counter:
        for depth in (2, 13, 20):
            dp.signals(dp.DepthScene(depth=depth), "he")
    assert counter.count == 0


def test_the_figures_draw_every_initialisation_and_a_few_layers():
    figs = cd.figures(dp.DepthScene(depth=9), THEMES["normal"])
    assert list(figs) == ["std", "hist-zeros", "hist-normal", "hist-xavier", "hist-he"]
    names = [t["name"] for t in figs["std"].to_plotly_json()["data"] if t.get("showlegend") is not False]
    assert names == ["zeros (exactly 0)", "normal, std 0.01", "Xavier", "He"]
    layers = [t["name"] for t in figs["hist-he"].to_plotly_json()["data"] if t.get("showlegend")]
    assert layers == ["layer 1", "layer 3", "layer 5", "layer 7", "layer 9"]
