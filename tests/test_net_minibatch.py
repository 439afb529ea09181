"""Minibatch training on the Networks page's Train section (surfaces.networks.problem's ``batch``): each step's
objective is a random batch's loss, unbiased for the full loss, full-batch at 0 or at the whole training set, and
the control's value travels in the link."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from links import networks as pg
from scenes import net_words
from scenes.networks import NetScene, train
from surfaces.networks import LOSSES, mlp_apply

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
