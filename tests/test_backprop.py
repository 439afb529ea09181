"""Backpropagation by hand (scenes/backprop.py) against jax.grad, against the engine's own run and against optax:
what the Backprop section writes is what automatic differentiation computes."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from plotly_frames import decode

from charts import backprop as cb
from scenes import backprop as bp
from scenes.compute import compute
from surfaces.networks import two_param_loss
from viz import THEMES


def _xor_loss(w):
    """The XOR network's mean squared error, written independently of scenes.backprop's pass."""
    W, b, v, c = w[:4].reshape(2, 2), w[4:6], w[6:8], w[8]
    h = jnp.tanh(jnp.asarray(bp.XOR_X) @ W.T + b)
    return jnp.mean((h @ v + c - jnp.asarray(bp.XOR_Y)) ** 2)


def _grad64(f, w):
    with jax.enable_x64(True):
        return np.asarray(jax.grad(f)(jnp.asarray(w, jnp.float64)))


@pytest.mark.parametrize("w", [(-2.5, 2.5), (1.5, 2.0), (0.3, -0.7), (0.0, 0.0), (-2.03, -0.446)])
def test_the_two_weight_backward_pass_is_jax_grad(w):
    p = bp.tanh_pass(np.array(w))
    np.testing.assert_allclose(p.grad, _grad64(lambda v: two_param_loss(v[0], v[1]), w), rtol=1e-12, atol=1e-14)
    assert p.loss == pytest.approx(float(two_param_loss(*map(np.float64, w), xp=np)), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 3, 7])
def test_the_xor_backward_pass_is_jax_grad(seed):
    w = bp.xor_start(seed) + np.random.default_rng(seed).normal(0, 0.3, 9)  # biases off zero too
    p = bp.xor_pass(w)
    np.testing.assert_allclose(p.grad, _grad64(_xor_loss, w), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("net, weights", [(bp.TANH, np.array([-2.03, -0.446])), (bp.XOR, bp.xor_start(3))])
def test_each_chain_s_product_is_the_point_s_partial_and_their_mean_the_gradient(net, weights):
    p = bp.at(bp.BackpropScene(net=net), weights)
    n = len(p.forward["y"])
    per_point = np.array([[c.product for c in bp.chains(p, i)] for i in range(n)])
    for i in range(n):
        np.testing.assert_allclose(per_point[i], [p.backward[name][i] for name in p.names], rtol=1e-12)
    np.testing.assert_allclose(per_point.mean(axis=0), p.grad, rtol=1e-12, atol=1e-15)
    chain = bp.chains(p, 0)[0]
    assert (
        chain.factors[0][:2] == ("∂ℓ/∂e", "2e")
        and chain.factors[-1][0] == f"∂z{'' if net == bp.TANH else '₁'}/∂{p.names[0]}"
    )
    line = bp.chain_line(chain)
    assert line.startswith(f"∂ℓ/∂{p.names[0]} = ∂ℓ/∂e · ∂e/∂ŷ") and "(1 − h" in line


def test_each_node_of_the_graph_carries_its_forward_value_and_its_partial():
    p = bp.tanh_pass(np.array([0.8, -1.2]))
    nodes, edges = bp.graph(p, 5)
    by = {n.key: n for n in nodes}
    x, y = bp.NET_X[5], bp.NET_Y[5]
    h = np.tanh(0.8 * x)
    assert by["h"].value == pytest.approx(h) and by["ŷ"].value == pytest.approx(-1.2 * h)
    assert by["ℓ"].value == pytest.approx((-1.2 * h - y) ** 2) and by["ℓ"].adjoint == 1.0
    assert by["x"].adjoint is None and by["y"].adjoint is None  # data: no partial drawn
    # each node's partial is its consumer's times the edge's local derivative (the chain rule, edge by edge)
    for e in edges:
        if by[e.source].adjoint is not None:
            assert by[e.source].adjoint == pytest.approx(by[e.target].adjoint * e.value, rel=1e-12)


@pytest.mark.parametrize("lr", [0.1, 1.0])
def test_the_step_drawn_is_the_step_the_engine_took(lr):
    """The 2-parameter network's run is the app's engine's (optim.run, float32): −η times the hand-computed gradient
    at each step's weights is the step it took to the next."""
    scene = bp.BackpropScene(lr=lr)
    result = cb.race(scene, compute)
    ws, _ = bp.weights(scene, result)
    for k in range(0, len(ws) - 1, 7):
        p = bp.tanh_pass(ws[k])
        np.testing.assert_allclose(ws[k] - lr * p.grad, ws[k + 1], atol=2e-5 * max(1.0, np.abs(ws[k]).max()))


def test_the_xor_run_is_optax_sgd():
    ws, loss = bp.xor_run(0.3, 3, 25)
    opt = optax.sgd(0.3)
    with jax.enable_x64(True):
        w = jnp.asarray(bp.xor_start(3))
        state = opt.init(w)
        for k in range(25):
            np.testing.assert_allclose(ws[k], np.asarray(w), rtol=1e-10, atol=1e-12)
            assert loss[k] == pytest.approx(float(_xor_loss(w)), rel=1e-10)
            updates, state = opt.update(jax.grad(_xor_loss)(w), state)
            w = optax.apply_updates(w, updates)


def test_the_default_xor_network_learns_and_the_graph_and_map_are_drawn():
    _, loss = bp.xor_walk(0.3, 3)
    assert loss[0] > 1 and loss[-1] < 1e-6  # XOR learnt: the preset's run
    figs = cb.figures(bp.BackpropScene(net=bp.XOR, lr=0.3, step=40, point=2), THEMES["normal"], compute)
    assert list(figs) == ["graph", "loss"]
    notes = [a["text"] for a in figs["graph"].to_plotly_json()["layout"]["annotations"]]
    assert sum("<b>" in t for t in notes) == 19  # 19 nodes: 2 inputs, 9 weights, z, h ×2, ŷ, y, e, ℓ
    figs = cb.figures(bp.BackpropScene(step=10), THEMES["normal"], compute)
    arrows = [a for a in figs["map"].to_plotly_json()["layout"]["annotations"] if a.get("showarrow")]
    (arrow,) = arrows
    result = cb.race(bp.BackpropScene(), compute)
    ws, _ = bp.weights(bp.BackpropScene(), result)
    assert (arrow["ax"], arrow["ay"]) == pytest.approx(tuple(ws[10]))
    assert (arrow["x"], arrow["y"]) == pytest.approx(tuple(ws[11]), abs=1e-5)  # the head: where step 11 is
    path = next(t for t in figs["map"].to_plotly_json()["data"] if t.get("name", "").startswith("Gradient descent"))
    np.testing.assert_allclose(decode(path["x"]), ws[:11, 0])  # the path so far: steps 0 to 10
