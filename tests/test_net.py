"""scenes/net.py: a small network's training as a scene, and what the Networks page draws from it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from test_optim_support import CompileCounter

from scenes import RunSpec, lr_finder, net_words
from scenes import networks as net
from scenes.text import num

SCENE = net.NetScene(widths=(8,), steps=300)
pytestmark = pytest.mark.xdist_group("net")  # the module's network trained once, on one worker


@pytest.fixture(scope="module")
def trained():
    return net.train(SCENE)


def test_training_fits_the_moons_and_records_train_and_test(trained):
    tr = trained
    assert tr.diverged_at is None and tr.n_params == 2 * 8 + 8 + 8 + 1
    assert tr.steps[0] == 0 and tr.steps[-1] == 300 and len(tr.steps) <= net.MAX_RECORDS + 1
    assert tr.train_loss[-1] < 0.5 * tr.train_loss[0] and tr.train_acc[-1] > 0.9 and tr.test_acc[-1] > 0.85
    np.testing.assert_allclose(tr.objective, tr.train_loss, rtol=1e-5)  # no penalty: the same number
    prob = SCENE.problem
    np.testing.assert_allclose(tr.test_loss[-1], prob.test_loss(tr.final), rtol=1e-5)


def test_the_boundary_is_a_probability_map_over_the_data(trained):
    b = net.boundary(SCENE, trained.final, n=60)
    assert b.z.shape == (60, 60) and np.all((b.z >= 0) & (b.z <= 1))
    x = SCENE.problem.data.x_train
    assert b.xs[0] < x[:, 0].min() and b.ys[-1] > x[:, 1].max()


def test_random_and_pca_slices_are_centred_on_the_trained_weights(trained):
    rnd = net.landscape_slice(trained, "random", n=21)
    mid = len(rnd.alphas) // 2
    assert rnd.alphas[mid] == 0 and rnd.train.shape == (21, 21)
    np.testing.assert_allclose(rnd.train[mid, mid], trained.objective[-1], rtol=1e-4)
    pca = net.landscape_slice(trained, "pca", n=21)
    assert np.all((pca.explained >= 0) & (pca.explained <= 1)) and pca.explained.sum() <= 1 + 1e-9
    np.testing.assert_allclose(pca.path[-1], [0.0, 0.0], atol=1e-9)
    assert pca.alphas[0] <= pca.path[:, 0].min() and pca.alphas[-1] >= pca.path[:, 0].max()
    assert pca.distance.shape == (len(trained.steps),) and pca.distance[-1] == pytest.approx(0, abs=1e-6)


def test_the_line_from_init_to_solution_ends_at_both_losses(trained):
    alphas, train, test = net.interpolation(trained)
    np.testing.assert_allclose(train[alphas == 0], trained.objective[0], rtol=1e-4)
    np.testing.assert_allclose(train[alphas == 1], trained.objective[-1], rtol=1e-4)
    assert test.shape == alphas.shape


def test_a_symmetric_initialisation_keeps_every_neuron_the_same():
    constant = net.train(replace(SCENE, init="constant", init_scale=0.1))
    assert net.distinct_units(constant.final) == 1
    assert net.distinct_units(net.train(SCENE).final) == 8


def test_a_new_noise_level_seed_or_penalty_does_not_recompile(trained):
    net.landscape_slice(trained, "random", n=21)
    changed = replace(SCENE, noise=0.3, data_seed=5, l2=1e-3)
    net.train(replace(SCENE, l2=1e-4))  # the penalty's program (its shapes) once
    with CompileCounter() as c:
        tr = net.train(changed)
        net.landscape_slice(tr, "random", n=21)
    assert c.count == 0
    assert tr.objective[-1] > tr.train_loss[-1]  # the penalty counts in what is descended


def test_another_number_of_steps_does_not_recompile():
    """The steps are data within a bucket of records (optim.run.record_bucket): the page's steps slider from 150
    on (at most 201 records) reuses one program, for the run and for the losses along it."""
    net.train(replace(SCENE, steps=500))
    with CompileCounter() as c:
        for steps in (450, 550, 3000, 150):
            tr = net.train(replace(SCENE, steps=steps))
            assert tr.steps[-1] == steps and len(tr.train_loss) == len(tr.steps) <= 201
    assert c.count == 0


def test_gradient_descent_sharpens_to_the_edge_of_stability():
    """Cohen et al. 2021: full-batch GD on a regression net raises λmax until it reaches 2/η, then hovers there."""
    scene = replace(
        net.NetScene(dataset="regression", widths=(32, 32), noise=0.1, steps=1500),
        optimizer=RunSpec("gd", (("learning_rate", 0.1),)),
    )
    tr = net.train(scene)
    steps, sharp = net.sharpness(tr, points=16)
    assert tr.diverged_at is None and sharp[0] < 0.7 * 20  # starts well below 2/η = 20
    assert np.all(np.abs(sharp[-4:] - 20) < 2.5)  # ... and ends at it
    np.testing.assert_allclose(sharp[-1], net.top_at(scene, tr.final), rtol=1e-3)


def test_settings_that_cannot_be_trained_raise_with_a_reason():
    with pytest.raises(ValueError, match="at least one neuron"):
        replace(SCENE, widths=(8, 0)).model  # noqa: B018
    with pytest.raises(ValueError, match="steps"):
        replace(SCENE, steps=5)


def test_a_learning_rate_that_blows_up_is_reported_not_raised():
    scene = net.NetScene(
        dataset="regression",
        widths=(16,),
        activation="relu",
        steps=300,
        optimizer=RunSpec("gd", (("learning_rate", 10.0),)),
    )
    tr = net.train(scene)
    assert tr.diverged_at is not None and np.all(np.isfinite(tr.train_loss))  # frozen at its last good point


def test_the_warm_up_covers_every_section_of_the_networks_page():
    from charts import networks as networks_charts

    jobs = list(networks_charts.likely_work())
    scenes = {arg for _, arg in jobs if isinstance(arg, net.NetScene)}
    assert scenes == set(net.SECTION_DEFAULTS.values()) and all(callable(fn) for fn, _ in jobs)
    fn, arg = jobs[0]
    assert arg.surface == "two_param_net" and arg.start == (0.0, 0.0)


def test_early_stopping_marks_the_lowest_test_loss_and_says_it_in_the_runs_numbers():
    """Train's ★ and caption: the recorded step of the lowest test loss (the default scene overfits: its test loss
    rises again while the training loss falls), each number recomputed from the run's own test loss on its weights;
    a run whose test loss is lowest at its end is told so, with no ★."""
    import json

    from plotly_frames import decode

    from charts.networks import curves
    from scenes.text import num
    from viz import THEMES

    tr = net.train(net.SECTION_DEFAULTS["train"])
    prob = tr.scene.problem
    recomputed = np.array([float(prob.test_loss(tr.at(k))) for k in range(len(tr.steps))])
    np.testing.assert_allclose(tr.test_loss, recomputed, rtol=1e-4)
    i = net_words.best_test(tr)
    assert i == int(np.argmin(recomputed)) and 0 < i < len(tr.steps) - 1
    assert tr.test_loss[-1] > 1.5 * tr.test_loss[i] and tr.train_loss[-1] < tr.train_loss[i]  # it overfits
    text = net_words.early_stopping_caption(tr)
    assert f"lowest at step {int(tr.steps[i])} ({num(float(tr.test_loss[i]))}" in text
    assert f"by step {int(tr.steps[-1])} it was {num(float(tr.test_loss[-1]))}" in text
    assert f"every {tr.scene.record_every} steps" in text
    star = [
        t
        for t in json.loads(curves(tr, THEMES["normal"], best=True).to_json())["data"]
        if t.get("name") == "lowest test loss"
    ]
    assert len(star) == 1
    assert list(decode(star[0]["x"])) == [int(tr.steps[i])]
    np.testing.assert_allclose(decode(star[0]["y"]), [tr.test_loss[i]], rtol=1e-6)

    short = net.train(replace(net.SECTION_DEFAULTS["train"], steps=50))
    assert net_words.best_test(short) == len(short.steps) - 1 == int(np.argmin(short.test_loss))
    assert "lowest at the last step" in net_words.early_stopping_caption(short)
    assert not [t for t in curves(short, THEMES["normal"], best=True).data if t.name == "lowest test loss"]


def test_the_range_test_is_gradient_descent_with_a_growing_rate_beside_two_over_lambda_max():
    """Train's learning-rate range test, recomputed by hand: η_t = 1e-4 · r^t up to 10, each loss that of a plain
    gradient-descent loop with those rates (jax.grad of the same objective); the fastest fall and the blow-up read
    off that loss; the edge 2/λmax with λmax the largest eigenvalue of the dense Hessian at the initial weights."""
    import jax
    import jax.numpy as jnp
    from jax.flatten_util import ravel_pytree

    scene = replace(SCENE, widths=(4,), n=100)  # 17 weights: a dense Hessian
    rt = lr_finder.range_test(scene)
    lo, hi, n = lr_finder.RANGE_TEST
    np.testing.assert_allclose(rt.lrs[[0, -1]], [lo, hi], rtol=1e-5)
    np.testing.assert_allclose(rt.lrs[1:] / rt.lrs[:-1], (hi / lo) ** (1 / (n - 1)), rtol=1e-5)
    objective = scene.problem.objective
    flat, unravel = ravel_pytree(scene.initial())
    f = lambda w: objective(unravel(w))  # noqa: E731
    grad = jax.jit(jax.grad(f))
    w, by_hand = flat, []
    for lr in rt.lrs.astype(np.float64):
        w = w - np.float32(lr) * grad(w)
        by_hand.append(float(f(w)))
    by_hand = np.array(by_hand)
    end = rt.blew_up if rt.blew_up is not None else n
    stable = int(np.searchsorted(rt.lrs, rt.edge))  # past the edge the steps amplify float32's rounding: chaos
    assert stable > n // 2
    np.testing.assert_allclose(rt.loss[:stable], by_hand[:stable], rtol=2e-3)
    # the fastest fall and the blow-up, read off the run's own loss as the definitions say
    loss = rt.loss.astype(np.float64)
    lowest = np.fmin.accumulate(np.concatenate([[float(f(flat))], loss]))[:-1]
    over = np.flatnonzero(~np.isfinite(loss) | (loss > lr_finder.BLOW_UP * lowest))
    assert rt.blew_up == (int(over[0]) if len(over) else None)
    fall = np.gradient(np.log(loss[:end]), np.log10(rt.lrs[:end].astype(np.float64)))
    assert rt.fastest == int(np.argmin(fall))
    lam = np.linalg.eigvalsh(np.asarray(jax.hessian(f)(jnp.asarray(flat)), np.float64)).max()
    np.testing.assert_allclose(rt.edge, 2 / lam, rtol=1e-3)
    text = lr_finder.caption(rt)
    assert f"fell fastest at η {num(float(rt.lrs[rt.fastest]))}" in text and f"2/λmax = {num(rt.edge)}" in text
