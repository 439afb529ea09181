"""surfaces.networks and surfaces.datasets: gradients against finite differences in float64, the 2-parameter
network's symmetric minima and its saddle, initialisation scales, data sets and augmentation, a real fit by run().

Float64 checks run inside `jax.enable_x64(True)` (restored on exit), as tests/test_surfaces.py does.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree
from test_optim_run import CompileCounter

from optim import run
from surfaces import SURFACES
from surfaces import datasets as ds
from surfaces import networks as nn
from surfaces.datasets import DATASETS, augment, augmented, make_dataset

NET = nn.TWO_PARAM_NET
ORIGIN = np.zeros(2)


@pytest.fixture
def x64():
    with jax.enable_x64(True):
        yield


def fd_check(f, params, seed=0, directions=3, h=1e-6, rtol=1e-6, jit=False):
    """jax.grad against central differences along random directions, in float64: ⟨∇f, d⟩ ≈ (f(p+hd) − f(p−hd))/2h.

    Eager by default: JAX caches each operation's compiled kernel, so models of one shape share them across tests.
    jit: one program for the gradient and the differences (for code whose eager kernels are costly: the PRNG)."""
    flat, unravel = ravel_pytree(jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), params))
    d = np.random.default_rng(seed).normal(size=(directions, flat.size))
    loss = lambda q: f(unravel(q))

    def check(q, d):
        points = jnp.stack([q + s * h * di for di in d for s in (1, -1)])
        return jax.grad(loss)(q), jax.vmap(loss)(points) if jit else jnp.stack([loss(p) for p in points])

    g, shifted = (np.asarray(a) for a in (jax.jit(check) if jit else check)(flat, d))
    assert g.dtype == np.float64 and np.isfinite(g).all()
    np.testing.assert_allclose(d @ g, (shifted[::2] - shifted[1::2]) / (2 * h), rtol=rtol, atol=rtol)


def off_kinks(params, seed=0):
    """Every parameter moved by a little noise: with zero biases a ReLU unit whose inputs are all zero (dropped out or
    inactive) sits exactly on its kink, where jax's derivative (0) is not the central difference's (1/2)."""
    rng = np.random.default_rng(seed)
    return jax.tree.map(lambda a: (a + 0.05 * rng.normal(size=a.shape)).astype(np.float32), params)


SMALL = make_dataset("moons", n=60, seed=1)
SHAPE = (5, 4)  # one shape for the float64 checks: they share compiled kernels


@jax.jit
def net_derivatives(p):
    """L, ∇L and ∇²L of the 2-parameter network at the rows of p (n, 2), in the precision of p: one program."""
    return jax.vmap(lambda q: (NET.loss(q), jax.grad(NET.loss)(q), jax.hessian(NET.loss)(q)))(p)


# -- gradients against finite differences ------------------------------------------------------------------------
def test_two_param_net_gradient(x64):
    w, h = np.random.default_rng(0).uniform(-3, 3, (6, 2)), 1e-6
    shifts = np.array([[0, 0], [h, 0], [-h, 0], [0, h], [0, -h]])
    f, g, _ = (np.asarray(a) for a in net_derivatives(jnp.asarray((w[:, None] + shifts).reshape(-1, 2))))
    f = f.reshape(6, 5)
    fd = np.stack([f[:, 1] - f[:, 2], f[:, 3] - f[:, 4]], 1) / (2 * h)
    np.testing.assert_allclose(g[::5], fd, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("batchnorm", [False, True], ids=["plain", "bn"])
@pytest.mark.parametrize("activation", list(nn.ACTIVATIONS))
def test_mlp_gradients_for_every_activation(activation, batchnorm, x64):
    pr = nn.problem(SMALL, nn.Model(SHAPE, activation, batchnorm))
    fd_check(pr.objective, off_kinks(pr.init(seed=2)))


@pytest.mark.parametrize(
    ("loss", "l2", "l1"), [("cross_entropy", 0.1, 0.0), ("mse", 0.0, 0.05), ("cross_entropy", 0.1, 0.05)]
)
def test_losses_and_penalties_gradients(loss, l2, l1, x64):
    pr = nn.problem(SMALL, nn.Model(SHAPE, "tanh", True), loss=loss, l2=l2, l1=l1)  # mse on 0/1 labels: allowed
    fd_check(pr.objective, pr.init(init="he", seed=3))
    plain = nn.problem(SMALL, nn.Model(SHAPE, "tanh", True), loss=loss)
    p = jax.tree.map(lambda a: jnp.asarray(a, jnp.float64), pr.init(init="he", seed=3))
    extra = l2 * sum(np.sum(np.float64(q["w"]) ** 2) for q in p) + l1 * sum(np.abs(np.float64(q["w"])).sum() for q in p)
    assert float(pr.objective(p) - plain.objective(p)) == pytest.approx(extra, rel=1e-9)


def test_dropout_gradient_with_a_fixed_key_and_its_masks(x64):
    pr = nn.problem(SMALL, nn.Model(SHAPE, "relu", dropout=0.3))
    key = lambda k: jax.random.key(k, impl="rbg")  # run's keys are threefry; rbg's compile 5x faster, same mask code
    p = off_kinks(pr.init(seed=4))
    fd_check(lambda q: pr.train_objective(q, key(7)), p, jit=True)
    values = jax.jit(
        lambda q: jnp.stack(
            [
                pr.train_objective(q, key(7)),
                pr.train_objective(q, key(7)),
                pr.train_objective(q, key(8)),
                pr.objective(q),
            ]
        )
    )(p)
    assert values[0] == values[1] and len(set(np.asarray(values[1:]).tolist())) == 3
    assert nn.problem(SMALL, nn.Model(SHAPE, "relu")).train_objective is None


def test_batchnorm_normalises_with_the_batch_and_evaluates_with_the_training_statistics():
    model = nn.Model((6,), "linear", batchnorm=True)
    p = nn.init_mlp((6,), 2, 1, seed=0, batchnorm=True)
    assert set(p[0]) == {"w", "b", "gamma", "beta"} and set(p[1]) == {"w", "b"}
    x = SMALL.x_train
    z = x @ p[0]["w"]
    zn = (z - z.mean(0)) / np.sqrt(z.var(0) + nn.BN_EPS)
    np.testing.assert_allclose(model.apply(p, x), (zn @ p[1]["w"])[:, 0], rtol=1e-4, atol=1e-5)
    pr = nn.problem(SMALL, model)
    np.testing.assert_allclose(pr.predict(p, x), model.apply(p, x), rtol=1e-5, atol=1e-6)  # same statistics
    one = pr.predict(p, x[:1])  # one point alone has no spread: training statistics make it the same prediction
    np.testing.assert_allclose(one, model.apply(p, x)[:1], rtol=1e-5, atol=1e-6)


# -- the 2-parameter network's surface ---------------------------------------------------------------------------
def test_two_param_net_is_registered_with_its_points():
    assert SURFACES["two_param_net"] is NET and NET.f_min is not None
    (m1, m2), (s,) = NET.minima, NET.saddles
    assert m1.kind == m2.kind == "global" and (m1.x, m1.y) == (-m2.x, -m2.y) and m1.value == m2.value
    assert (s.x, s.y) == (0.0, 0.0) and (0.0, 0.0) in NET.starts


def test_two_param_net_is_symmetric_under_w_to_minus_w(x64):
    w = np.linspace(-3, 3, 61)
    z = np.asarray(jax.jit(NET.f)(w[None, :], w[:, None]))
    np.testing.assert_allclose(z, z[::-1, ::-1], rtol=1e-13)


def test_two_param_net_minima_and_saddle(x64):
    pts = np.array([(m.x, m.y) for m in NET.minima] + [(0.0, 0.0)])
    f, g, h = (np.asarray(a) for a in net_derivatives(jnp.asarray(pts)))
    ev = np.linalg.eigvalsh(h)
    np.testing.assert_allclose(f[:2], [m.value for m in NET.minima], rtol=1e-12)
    assert np.abs(g[:2]).max() < 1e-10 and (ev[:2, 0] > 0.01).all()  # minima: w1 is the flatter direction
    assert (g[2] == 0).all() and ev[2, 0] < -0.5 and ev[2, 1] > 0.5  # the origin: exactly zero; indefinite: a saddle
    xy = np.mean(nn.NET_X * nn.NET_Y)  # ∂²L/∂w1∂w2 = −2 mean(x y) at the origin, the diagonal is 0
    np.testing.assert_allclose(h[2], [[0, -2 * xy], [-2 * xy, 0]], atol=1e-12)


def test_gradient_descent_never_leaves_the_origin_and_escapes_from_near_it():
    assert (np.asarray(net_derivatives(jnp.zeros((1, 2), jnp.float32))[1]) == 0).all()  # in float32 too
    tr = run(NET, "gd", start=np.array([[0.0, 0.0], [0.01, -0.01]]), steps=600, learning_rate=0.3)
    assert (tr.xy[0, :201] == 0).all() and (tr.xy[0] == 0).all()
    ends = np.array([(m.x, m.y) for m in NET.minima])
    assert np.linalg.norm(ends - tr.xy[1, -1], axis=1).min() < 0.01  # (0.01, −0.01) lies on the saddle's stable
    assert tr.loss[1, -1] < NET.f_min + 1e-5 and (tr.diverged_at == -1).all()  # direction: drawn in, then out


# -- initialisation ------------------------------------------------------------------------------------------------
def test_init_shapes_scales_and_counts():
    p = nn.init_mlp((3, 4), 2, 1)
    assert [q["w"].shape for q in p] == [(2, 3), (3, 4), (4, 1)] and all(q["w"].dtype == np.float32 for q in p)
    assert all((q["b"] == 0).all() for q in p) and nn.count_params(p) == 6 + 3 + 12 + 4 + 4 + 1
    assert nn.count_params(nn.init_mlp((3, 4), 2, 1, batchnorm=True)) == 30 + 2 * (3 + 4)
    assert len(nn.init_mlp((), 2, 1)) == 1  # no hidden layer: a linear model
    big = dict(widths=(300,), in_dim=500, out_dim=200, seed=5)
    (w1, w2) = (q["w"] for q in nn.init_mlp(**big, init="xavier"))
    assert w1.var() == pytest.approx(2 / 800, rel=0.02) and w2.var() == pytest.approx(2 / 500, rel=0.02)
    assert np.abs(w1).max() <= np.sqrt(6 / 800)  # uniform
    (w1, w2) = (q["w"] for q in nn.init_mlp(**big, init="he"))
    assert w1.var() == pytest.approx(2 / 500, rel=0.02) and w2.var() == pytest.approx(2 / 300, rel=0.02)
    assert nn.init_mlp(**big, init="normal", scale=0.3)[0]["w"].std() == pytest.approx(0.3, rel=0.02)
    assert (nn.init_mlp(**big, init="constant", scale=0.05)[1]["w"] == np.float32(0.05)).all()
    assert all((q["w"] == 0).all() for q in nn.init_mlp(**big, init="zeros"))
    np.testing.assert_array_equal(nn.init_mlp((3,), 2, seed=1)[0]["w"], nn.init_mlp((3,), 2, seed=1)[0]["w"])


@pytest.mark.parametrize("widths", [(0,), (4, 0), (3, -1)])
def test_a_layer_of_zero_width_raises(widths):
    with pytest.raises(ValueError, match="a layer needs at least one neuron"):
        nn.init_mlp(widths, 2, 1)
    with pytest.raises(ValueError, match="a layer needs at least one neuron"):
        nn.Model(widths)


def test_bad_settings_raise():
    with pytest.raises(ValueError, match="activation"):
        nn.Model((3,), "swish")
    with pytest.raises(ValueError, match="dropout"):
        nn.Model((3,), dropout=1.0)
    with pytest.raises(ValueError, match="init"):
        nn.init_mlp((3,), 2, init="orthogonal")
    with pytest.raises(ValueError, match="cross-entropy"):
        nn.problem(make_dataset("regression", n=60), nn.Model(), loss="cross_entropy")


# -- losses ----------------------------------------------------------------------------------------------------------
def test_cross_entropy_is_stable_takes_soft_targets_and_mse():
    z = jnp.array([-1000.0, -20.0, 0.0, 3.0, 1000.0])
    y = jnp.array([0.0, 1.0, 0.5, 0.2, 1.0])
    s, t = jax.nn.sigmoid(z[1:4]), y[1:4]
    direct = -(t * jnp.log(s) + (1 - t) * jnp.log(1 - s))
    per = np.array([float(nn.cross_entropy(z[i : i + 1], y[i : i + 1])) for i in range(5)])
    np.testing.assert_allclose(per[1:4], direct, rtol=1e-5)
    assert per[0] == 0.0 and per[4] == 0.0 and np.isfinite(jax.grad(nn.cross_entropy)(z, y)).all()
    grad = jax.grad(nn.cross_entropy)(jnp.log(jnp.array([0.25, 4.0])), jnp.array([0.2, 0.8]))
    np.testing.assert_allclose(grad, 0.0, atol=1e-6)  # minimal where sigmoid(z) = y, for soft y
    assert float(nn.mse(jnp.array([1.0, 2.0]), jnp.array([0.0, 0.0]))) == 2.5
    assert nn.accuracy(np.array([-1.0, 2.0, 0.5]), np.array([0.0, 1.0, 0.3])) == pytest.approx(2 / 3)


# -- data sets and augmentation -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(DATASETS))
def test_datasets_shapes_balance_scale_and_determinism(name):
    d = make_dataset(name, n=200, noise=0.1, seed=3)
    spec = DATASETS[name]
    assert d.task == spec.task and spec.lesson.endswith(".") and spec.title
    dim = 1 if spec.task == ds.REGRESSION else 2
    assert d.x_train.shape == (150, dim) and d.x_test.shape == (50, dim) and d.y_train.shape == (150,)
    assert all(a.dtype == np.float32 for a in (d.x_train, d.y_train, d.x_test, d.y_test))
    assert np.abs(d.x_train).max() < 2.5
    if spec.task == ds.CLASSIFICATION:
        assert set(np.unique(d.y_train)) == {0.0, 1.0} and d.y_train.mean() == 0.5 and d.y_test.mean() == 0.5
    again = make_dataset.__wrapped__(name, n=200, noise=0.1, seed=3)  # not the cached object: generated again
    np.testing.assert_array_equal(again.x_train, d.x_train)
    assert make_dataset(name, n=200, noise=0.1, seed=3) is d
    assert not np.allclose(make_dataset(name, n=200, noise=0.1, seed=4).x_train, d.x_train)


def test_unknown_dataset_raises():
    with pytest.raises(ValueError, match="unknown data set"):
        make_dataset("mnist")


def test_augmentations():
    d = make_dataset("circles", n=100)
    n = len(d.x_train)
    x, y = augment(d.x_train, d.y_train, "jitter", 0.1, seed=1)
    assert x.shape == ((1 + ds.COPIES) * n, 2) and y.shape == ((1 + ds.COPIES) * n,) and x.dtype == np.float32
    np.testing.assert_array_equal(x[:n], d.x_train)
    assert 0.05 < np.std(x[n : 2 * n] - d.x_train) < 0.15
    x, y = augment(d.x_train, d.y_train, "flip", 1.0, seed=1)
    np.testing.assert_array_equal(x[n:], d.x_train * [-1, 1])
    assert n < len(augment(d.x_train, d.y_train, "flip", 0.5, seed=1)[0]) < 2 * n
    x, y = augment(d.x_train, d.y_train, "mixup", 0.4, seed=1)
    assert x.shape == ((1 + ds.COPIES) * n, 2) and (y >= 0).all() and (y <= 1).all()
    assert ((y[n:] > 0.01) & (y[n:] < 0.99)).mean() > 0.2  # soft labels
    r = make_dataset("regression", n=40)
    x, y = augment(r.x_train, r.y_train, "flip", 1.0)
    np.testing.assert_array_equal(
        np.concatenate([x[len(r.x_train) :], y[len(r.x_train) :, None]], 1),
        -np.concatenate([r.x_train, r.y_train[:, None]], 1),
    )
    assert augment(d.x_train, d.y_train, "none", 1.0)[0] is not None and augmented(d, "none", 0.0) is d
    a = augmented(d, "mixup", 0.4)
    assert a is augmented(d, "mixup", 0.4) and a.x_test is d.x_test and a.augmentation == ("mixup", 0.4, 0)
    with pytest.raises(ValueError, match="unknown augmentation"):
        augment(d.x_train, d.y_train, "rotate", 1.0)


# -- training by the project's one code path ---------------------------------------------------------------------
def test_a_tiny_mlp_fits_the_moons_with_adam_through_run():
    pr = nn.problem(make_dataset("moons", n=300, noise=0.1), nn.Model((8,), "tanh"))
    p0 = pr.init(seed=0)
    before = nn.accuracy(pr.predict(p0, pr.data.x_train), pr.data.y_train)
    tr = run(pr.objective, "adam", start=p0, steps=300, record_every=50, learning_rate=0.05)
    end = jax.tree.map(lambda a: a[-1], tr.xy)
    acc = nn.accuracy(pr.predict(end, pr.data.x_train), pr.data.y_train)
    assert acc > 0.9 and tr.loss[-1] < 0.5 * tr.loss[0] and tr.diverged_at is None, (before, acc)
    assert nn.accuracy(pr.predict(end, pr.data.x_test), pr.data.y_test) > 0.85
    assert float(pr.objective(end)) == pytest.approx(float(tr.loss[-1]), rel=1e-5)


def test_dropout_trains_through_run_and_equal_settings_reuse_the_compiled_program():
    model = nn.Model((8,), "tanh", dropout=0.2)
    pr = nn.problem(SMALL, model, l2=1e-3)
    assert nn.problem(SMALL, model, loss="cross_entropy", l2=1e-3) is pr
    kw = dict(steps=60, record_every=20, learning_rate=0.05)
    tr = run(pr.objective, "adam", start=pr.init(), train_objective=pr.train_objective, **kw)
    assert tr.loss[-1] < tr.loss[0] and np.isfinite(tr.loss).all()
    same = nn.problem(SMALL, nn.Model((8,), "tanh", dropout=0.2), l2=0.001)
    other = nn.problem(SMALL, nn.Model((8,), "tanh", dropout=0.5), l2=0.001)  # the rate is data: no new program
    with CompileCounter() as counter:
        run(same.objective, "adam", start=same.init(seed=1), train_objective=same.train_objective, seed=2, **kw)
        heavier = run(other.objective, "adam", start=other.init(), train_objective=other.train_objective, **kw)
    assert counter.count == 0
    assert not np.allclose(np.asarray(heavier.loss), np.asarray(tr.loss))  # ... and it is the new rate that trained
