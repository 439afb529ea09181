"""Minibatch SGD on the 2-parameter network (scenes/minibatch.py): unbiased batch gradients, the variance the page
states, full batch = gradient descent, every point once an epoch, and what the section draws."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from charts import minibatch as cm
from scenes import minibatch as mb
from scenes.backprop import TANH_START, tanh_pass
from viz import THEMES


def test_each_epoch_visits_every_point_once():
    scene = mb.MinibatchScene(batch=4, epochs=3, seed=5)
    idx = mb.batches(scene)
    assert idx.shape == (30, 4)
    for e in range(3):
        assert sorted(idx[e * 10 : (e + 1) * 10].ravel()) == list(range(mb.N))


@pytest.mark.parametrize("batch", mb.BATCHES)
def test_over_an_epoch_the_batch_gradients_average_to_the_full_gradient(batch):
    w = np.array([0.7, -1.3])
    idx = mb.batches(mb.MinibatchScene(batch=batch, epochs=1, seed=2))
    mean = np.mean([mb.batch_grad(w, b) for b in idx], axis=0)
    np.testing.assert_allclose(mean, tanh_pass(w).grad, rtol=1e-12, atol=1e-14)


def test_a_batch_gradient_s_variance_is_sigma2_over_b_times_the_finite_population_factor():
    """Every one of the C(40, 3) batches of 3 at one w: their gradients' mean is the full gradient, their total
    variance σ²/B · (N − B)/(N − 1)."""
    w = np.array(TANH_START)
    p = tanh_pass(w)
    per = np.stack([p.backward["w₁"], p.backward["w₂"]], axis=1)
    subsets = np.array(list(combinations(range(mb.N), 3)))
    grads = per[subsets].mean(axis=1)
    np.testing.assert_allclose(grads.mean(axis=0), p.grad, rtol=1e-10)
    s2, sb = mb.noise(w, 3)
    assert grads.var(axis=0).sum() == pytest.approx(sb, rel=1e-9)
    assert s2 == pytest.approx(per.var(axis=0).sum())


def test_the_full_batch_is_gradient_descent_and_a_small_batch_gets_further_per_epoch():
    full = mb.walk(mb.MinibatchScene(batch=mb.N, epochs=10))
    np.testing.assert_allclose(full.sgd, full.gd, atol=1e-12)
    w = np.array(TANH_START)
    for _ in range(10):
        w = w - 0.1 * tanh_pass(w).grad
    np.testing.assert_allclose(full.gd[-1], w, rtol=1e-12)
    small = mb.walk(mb.MinibatchScene(batch=4, epochs=10))
    assert mb.full_loss(small.sgd[-1]) < 0.1 * mb.full_loss(small.gd[-1])  # 100 noisy steps beat 10 exact ones


def test_the_map_draws_the_step_s_batch_loss_and_both_paths():
    scene = mb.MinibatchScene(batch=10, epochs=2, step=3)
    figs = cm.figures(scene, THEMES["normal"])
    data = figs["map"].data
    assert [t.name for t in data[1:4]] == [
        "loss of step 3's batch",
        "minibatch SGD, B 10, η 0.1",
        "full-batch GD, η 0.1",
    ]
    w = mb.walk(scene)
    batch = data[1]
    i, j = 17, 88  # a grid point: the drawn batch loss is that step's batch's
    want = mb.batch_loss(batch.x[i], batch.y[j], w.batches[3])
    assert 10 ** float(batch.z[j][i]) == pytest.approx(float(want), rel=1e-5)
    assert len(data[2].x) == scene.steps + 1 and len(data[3].x) == scene.epochs + 1
    assert list(figs["epochs"].data[0].x[[0, -1]]) == [0.0, 2.0]
