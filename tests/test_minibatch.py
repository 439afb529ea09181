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


LINE = mb.FITS["linear"]


def test_the_lines_per_point_gradients_are_its_squared_errors_derivatives_and_its_minimum_least_squares():
    w = np.array([0.3, -0.7])
    e = w[0] * LINE.x + w[1] - LINE.y
    h = 1e-6  # central differences of each point's (w·x + b − y)²
    for j in range(2):
        d = np.zeros(2)
        d[j] = h
        up = (LINE.predict(*(w + d), LINE.x) - LINE.y) ** 2
        down = (LINE.predict(*(w - d), LINE.x) - LINE.y) ** 2
        np.testing.assert_allclose(LINE.per_point(w)[:, j], (up - down) / (2 * h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(LINE.per_point(w).mean(axis=0), [np.mean(2 * e * LINE.x), np.mean(2 * e)])
    # the starred minimum: the normal equations hold there, and no grid point of the map is lower
    wm = np.array(LINE.minimum)
    np.testing.assert_allclose(LINE.per_point(wm).mean(axis=0), 0, atol=1e-12)
    (x0, x1), (y0, y1) = LINE.domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, 201), np.linspace(y0, y1, 201))
    assert LINE.loss(*wm) <= LINE.loss(gx, gy).min()


@pytest.mark.parametrize("batch", mb.BATCHES)
def test_the_lines_batches_average_to_its_full_gradient_and_its_full_batch_is_gradient_descent(batch):
    scene = mb.MinibatchScene(batch=batch, epochs=1, seed=3, model="linear")
    w = np.array(LINE.start)
    mean = np.mean([mb.batch_grad(w, b, LINE) for b in mb.batches(scene)], axis=0)
    np.testing.assert_allclose(mean, LINE.per_point(w).mean(axis=0), rtol=1e-12)
    if batch == mb.N:
        walk = mb.walk(mb.MinibatchScene(batch=batch, epochs=5, model="linear"))
        np.testing.assert_allclose(walk.sgd, walk.gd, atol=1e-12)


def test_on_the_line_a_smaller_batch_jitters_more_about_the_minimum():
    """The same η and epochs: the path's last epoch scatters farther from the least-squares weights as B shrinks."""
    spread = {}
    for b in (1, 4, 10):
        w = mb.walk(mb.MinibatchScene(batch=b, lr=0.1, epochs=40, model="linear"))
        last = w.sgd[-w.per_epoch :]
        spread[b] = float(np.mean(np.linalg.norm(last - np.array(LINE.minimum), axis=1)))
    assert spread[1] > spread[4] > spread[10]


def test_a_run_thrown_out_stops_at_its_last_good_point_and_says_when():
    w = mb.walk(mb.MinibatchScene(batch=mb.N, lr=3.0, epochs=40, model="linear"))  # far above 2/λmax ≈ 0.46
    k = w.gd_diverged
    assert k is not None and np.isfinite(w.gd).all() and np.abs(w.gd).max() <= mb.BOX
    assert (w.gd[k:] == w.gd[k - 1]).all()


def test_the_lines_map_has_its_axes_and_its_minimum():
    figs = cm.figures(mb.MinibatchScene(model="linear", step=2), THEMES["normal"])
    m = figs["map"]
    assert m.layout.xaxis.title.text == "w" and m.layout.yaxis.title.text == "b"
    star = [t for t in m.data if t.name == "least-squares minimum"]
    assert star and (star[0].x[0], star[0].y[0]) == pytest.approx(LINE.minimum)
