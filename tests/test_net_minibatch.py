"""Minibatch training on the Networks page's Train section (surfaces.networks.problem's ``batch``): each step's
objective is a random batch's loss, unbiased for the full loss, full-batch at 0 or at the whole training set, and
the control's value travels in the link."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from charts import networks as nf
from links import networks as pg
from scenes import RunSpec, net_words
from scenes.networks import NetScene, batch_drawn, train
from surfaces.landscape import pca_plane
from surfaces.networks import LOSSES, batch_objective, mlp_apply
from viz import THEMES

SCENE = NetScene(n=100, widths=(8,), steps=100)


def test_a_steps_objective_is_the_loss_of_the_batch_its_key_draws():
    scene = SCENE.__class__(**{**SCENE.__dict__, "batch": 8})
    prob, params = scene.problem, scene.initial()
    key = jax.random.key(3)
    got = float(prob.train_objective(params, key))
    d = prob.data
    _, pick = jax.random.split(key)
    idx = np.asarray(jax.random.choice(pick, len(d.y_train), (8,), replace=False))
    assert len(set(idx.tolist())) == 8  # without replacement
    out = mlp_apply(params, jnp.asarray(d.x_train)[idx], activation=scene.activation)[:, 0]
    want = float(LOSSES[prob.loss](out, jnp.asarray(d.y_train)[idx]))
    assert got == pytest.approx(want, rel=1e-6)
    assert got != pytest.approx(float(prob.objective(params)), rel=1e-3)  # not the full loss


def test_minibatch_gradients_average_to_the_full_gradient():
    scene = SCENE.__class__(**{**SCENE.__dict__, "batch": 8})
    prob, params = scene.problem, scene.initial()
    keys = jax.random.split(jax.random.key(0), 4000)
    grads = jax.vmap(jax.grad(prob.train_objective), in_axes=(None, 0))(params, keys)
    full = jax.grad(prob.objective)(params)
    for g, f in zip(jax.tree.leaves(grads), jax.tree.leaves(full), strict=True):
        g, f = np.asarray(g, np.float64), np.asarray(f, np.float64)
        err = np.abs(g.mean(axis=0) - f)
        se = g.std(axis=0) / np.sqrt(len(keys))
        assert (err <= 5 * se + 1e-6).all()  # within five standard errors of the mean, every weight


@pytest.mark.parametrize("batch", [0, 76, 128])
def test_a_batch_of_the_whole_training_set_is_full_batch_training(batch):
    scene = SCENE.__class__(**{**SCENE.__dict__, "batch": batch})
    assert len(scene.problem.data.y_train) == 76 and scene.problem.train_objective is None
    np.testing.assert_array_equal(train(scene).objective, train(SCENE).objective)
    assert net_words.minibatch_text(train(scene)) == ("" if batch == 0 else net_words.minibatch_text(train(scene)))


def test_smaller_batches_make_the_full_loss_noisier_and_the_page_says_how_many_epochs():
    ups = {}
    for b in (0, 8):
        tr = train(NetScene(batch=b))
        ups[b] = int((np.diff(tr.objective) > 0).sum())
    assert ups[8] > 3 * ups[0]
    said = net_words.minibatch_text(train(NetScene(batch=32)))
    assert "32 of the 300 training points" in said and "9.38 steps make an epoch" in said
    assert "500 steps are 53.3 epochs" in said and "η/B = 0.00156" in said


def test_the_batch_size_travels_in_the_link_and_a_size_not_offered_is_told():
    state, notices = pg.decode({"section": "train", "batch": "32"})
    assert not notices and state.scene.batch == 32
    assert pg.encode(state)["batch"] == "32" and "batch" not in pg.encode(pg.decode({"section": "train"})[0])
    assert pg.widget_values(state)["networks.t.batch"] == 32
    state, notices = pg.decode({"section": "train", "batch": "5"})
    assert state.scene.batch == 0 and notices and "batch=" in notices[0]


def test_the_batch_said_drawn_at_a_step_is_the_one_that_step_descended():
    """Gradient descent with every step recorded: θ_{t+1} = θ_t − η ∇L_batch(θ_t) with the batch batch_drawn names."""
    scene = NetScene(n=100, widths=(8,), steps=60, batch=8, optimizer=RunSpec("gd", (("learning_rate", 0.5),)))
    tr = train(scene)
    assert list(tr.steps) == list(range(61))
    drawn = set()
    for t in (0, 7, 30, 59):
        idx = batch_drawn(tr, t)
        drawn.add(tuple(idx))
        assert len(set(idx.tolist())) == 8 and idx.max() < 76
        g = jax.grad(batch_objective(scene.problem, idx))(tr.at(t))
        step = jax.tree.map(lambda p, d: p - 0.5 * d, tr.at(t), g)
        for a, b in zip(jax.tree.leaves(step), jax.tree.leaves(tr.at(t + 1)), strict=True):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
    assert len(drawn) == 4  # a fresh draw each step
    with pytest.raises(ValueError, match="draws no minibatch"):
        batch_drawn(train(NetScene(n=100, widths=(8,), steps=60)), 3)


def test_trains_pca_plane_draws_the_shown_steps_batch_loss():
    scene = NetScene(n=100, widths=(8,), steps=100, batch=8)
    work = nf.direct()
    figs = nf.landscapes(scene, THEMES["normal"], work, step=40)
    (lines,) = [t for t in figs["pca"].data if t.name == "loss of step 40's batch (8 points)"]
    tr, pca = work.train(scene), work.slice(scene, "pca")
    j, i = 20, 13  # a grid point: the dashed lines' loss is the batch's there
    plane = pca_plane(tr.path)
    point = jax.tree.map(lambda c, u, v: c + pca.alphas[i] * u + pca.betas[j] * v, tr.final, plane.d1, plane.d2)
    want = float(batch_objective(scene.problem, batch_drawn(tr, 40))(point))
    assert 10 ** float(lines.z[j][i]) == pytest.approx(want, rel=1e-3)
    ring = [t for t in figs["pca"].data if t.name == "the step's weights"][0]
    assert (ring.x[0], ring.y[0]) == pytest.approx(tuple(pca.path[list(tr.steps).index(40)]), rel=1e-5)
    full = nf.landscapes(NetScene(n=100, widths=(8,), steps=100), THEMES["normal"], work)
    assert not [t for t in full["pca"].data if "batch" in (t.name or "")]
