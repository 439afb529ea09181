"""run(): shapes, record_every, batches and hyperparameter sweeps, pytree objectives, errors, no recompilation."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_optim_support import HIMMELBLAU, QUADRATIC, CompileCounter, f32, optax_path

import optim
from optim import OPTIMIZERS, Trajectory, run
from optim.run import record_bucket

STARTS = np.array([[-4.0, 4.0], [1.0, -3.5], [0.5, 0.5]], np.float32)


def test_package_exports():
    assert {"OPTIMIZERS", "run", "Optimizer", "Hyper", "Trajectory"} <= set(optim.__all__)


def test_single_start_shapes_and_types():
    tr = run(HIMMELBLAU, "adam", start=(-4.0, 4.0), steps=300, learning_rate=0.05, b1=0.9, b2=0.999)
    assert isinstance(tr, Trajectory)
    assert tr.xy.shape == (301, 2) and tr.xy.dtype == np.float32
    assert tr.loss.shape == (301,) and tr.loss.dtype == np.float32
    assert tr.diverged_at is None
    np.testing.assert_array_equal(tr.steps, np.arange(301))
    np.testing.assert_array_equal(tr.xy[0], [-4.0, 4.0])
    np.testing.assert_allclose(tr.loss, HIMMELBLAU.loss(tr.xy), rtol=1e-5, atol=1e-6)


def test_batch_shapes():
    tr = run(HIMMELBLAU, "adam", start=STARTS, steps=300, learning_rate=0.05)
    assert tr.xy.shape == (3, 301, 2) and tr.loss.shape == (3, 301)
    assert tr.diverged_at.shape == (3,) and tr.diverged_at.dtype.kind == "i"
    np.testing.assert_array_equal(tr.diverged_at, -1)
    np.testing.assert_array_equal(tr.xy[:, 0], STARTS)


def test_a_run_in_a_batch_equals_the_run_alone():
    batch = run(HIMMELBLAU, "adam", start=STARTS, steps=300, learning_rate=0.05)
    alone = run(HIMMELBLAU, "adam", start=STARTS[1], steps=300, learning_rate=0.05)
    np.testing.assert_allclose(batch.xy[1], alone.xy, rtol=1e-6, atol=1e-7)


def test_record_every_keeps_every_kth_step_the_start_and_the_last():
    full = run(HIMMELBLAU, "adam", start=STARTS, steps=300, learning_rate=0.05)
    tr = run(HIMMELBLAU, "adam", start=STARTS, steps=300, record_every=7, learning_rate=0.05)
    expected = np.append(np.arange(0, 300, 7), 300)  # 0, 7, ..., 294, 300
    np.testing.assert_array_equal(tr.steps, expected)
    assert tr.xy.shape == (3, len(expected), 2)
    np.testing.assert_allclose(tr.xy, full.xy[:, expected], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(tr.loss, full.loss[:, expected], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    ("steps", "every", "expected"), [(1000, 1000, [0, 1000]), (10, 3, [0, 3, 6, 9, 10]), (5, 50, [0, 5]), (0, 1, [0])]
)
def test_record_steps(steps, every, expected):
    tr = run(QUADRATIC, "gd", start=STARTS[:2] / 4, steps=steps, record_every=every, learning_rate=0.1)
    np.testing.assert_array_equal(tr.steps, expected)
    assert tr.xy.shape == (2, len(expected), 2)


def test_endpoints_only_of_a_basin_grid():
    tr = run(HIMMELBLAU, "adam", start=STARTS, steps=1000, record_every=1000, learning_rate=0.05)
    assert tr.xy.shape == (3, 2, 2)
    minima = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]])
    assert (np.linalg.norm(tr.xy[:, -1, None] - minima, axis=-1).min(axis=1) < 0.1).all()


def test_learning_rate_sweep_from_one_start():
    lrs = np.array([0.001, 0.003, 0.01], np.float32)
    tr = run(HIMMELBLAU, "gd", start=(-4.0, 4.0), steps=300, learning_rate=lrs)
    assert tr.xy.shape == (3, 301, 2) and tr.diverged_at.shape == (3,)
    for i, lr in enumerate(lrs):
        alone = run(HIMMELBLAU, "gd", start=(-4.0, 4.0), steps=300, learning_rate=float(lr))
        np.testing.assert_allclose(tr.xy[i], alone.xy, rtol=1e-6)


def test_hyperparameters_swept_together_with_starts():
    lrs, betas = np.array([0.001, 0.002, 0.003]), np.array([0.5, 0.9, 0.0])
    tr = run(HIMMELBLAU, "momentum", start=STARTS, steps=300, learning_rate=lrs, momentum=betas)
    for i in range(3):
        alone = run(HIMMELBLAU, "momentum", start=STARTS[i], steps=300, learning_rate=lrs[i], momentum=betas[i])
        np.testing.assert_allclose(tr.xy[i], alone.xy, rtol=1e-5, atol=1e-6)


def test_optimizer_may_be_given_as_an_object():
    a = run(HIMMELBLAU, OPTIMIZERS["nesterov"], start=(-4.0, 4.0), steps=300)
    b = run(HIMMELBLAU, "nesterov", start=(-4.0, 4.0), steps=300)
    np.testing.assert_array_equal(a.xy, b.xy)


def test_missing_hyperparameters_take_the_defaults():
    a = run(HIMMELBLAU, "adam", start=(-4.0, 4.0), steps=300)
    b = run(HIMMELBLAU, "adam", start=(-4.0, 4.0), steps=300, **OPTIMIZERS["adam"].defaults())
    np.testing.assert_array_equal(a.xy, b.xy)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(optimizer="adamax"), "unknown optimizer 'adamax'"),
        (dict(lr=0.1), "no hyperparameter 'lr'"),
        (dict(start=(1.0, 2.0, 3.0)), "start"),
        (dict(start=(np.nan, 2.0)), "finite"),
        (dict(start=np.zeros((3, 2)), learning_rate=np.ones(4)), "length"),
        (dict(learning_rate=np.ones((2, 2))), "1-D"),
        (dict(steps=-1), "steps"),
        (dict(record_every=0), "record_every"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs, message):
    args = dict(objective=HIMMELBLAU, optimizer="adam", start=(0.0, 0.0), steps=10) | kwargs
    with pytest.raises(ValueError, match=message):
        run(**args)


# -- a pytree objective: least squares on {"w": (3,), "b": ()} ----------------------------------------------------
_X = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32)
_Y = (_X @ np.array([1.0, -2.0, 0.5], np.float32) + 0.3).astype(np.float32)


def least_squares(params):
    return jnp.mean((jnp.asarray(_X) @ params["w"] + params["b"] - _Y) ** 2)


P0 = {"w": np.zeros(3, np.float32), "b": np.float32(0.0)}


@pytest.mark.parametrize("key", ["adam", "momentum"])
def test_pytree_objective_matches_optax(key):
    hyper = {"learning_rate": 0.05}
    tr = run(least_squares, key, start=P0, steps=100, **hyper)
    assert tr.xy["w"].shape == (101, 3) and tr.xy["b"].shape == (101,) and tr.loss.shape == (101,)
    h = f32({**OPTIMIZERS[key].defaults(), **hyper})
    tx = optax.adam(h["learning_rate"]) if key == "adam" else optax.sgd(h["learning_rate"], momentum=h["momentum"])
    ref = optax_path(least_squares, tx, P0, 100, batched=False)
    np.testing.assert_allclose(tr.xy["w"], ref["w"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tr.xy["b"], ref["b"], rtol=1e-5, atol=1e-6)
    assert tr.loss[-1] < 1e-2 * tr.loss[0]


def test_pytree_objective_batched_starts():
    starts = {"w": np.stack([np.zeros(3), np.ones(3)]).astype(np.float32), "b": np.float32([0.0, 5.0])}
    tr = run(least_squares, "adam", start=starts, steps=100, batched=True, learning_rate=0.05)
    assert tr.xy["w"].shape == (2, 101, 3) and tr.xy["b"].shape == (2, 101) and tr.loss.shape == (2, 101)
    np.testing.assert_array_equal(tr.diverged_at, [-1, -1])
    alone = run(least_squares, "adam", start={"w": np.ones(3), "b": 5.0}, steps=100, learning_rate=0.05)
    np.testing.assert_allclose(tr.xy["w"][1], alone.xy["w"], rtol=1e-5, atol=1e-6)


def _masked_least_squares(params, key):
    """least_squares with each weight dropped (zeroed) with probability ½ at every step: a dropout objective."""
    keep = jax.random.bernoulli(key, 0.5, params["w"].shape)
    return least_squares({**params, "w": jnp.where(keep, params["w"], 0.0)})


def test_train_objective_drives_the_updates_with_a_fresh_key_each_step():
    tr = run(least_squares, "gd", start=P0, steps=50, learning_rate=0.05, train_objective=_masked_least_squares)
    plain = run(least_squares, "gd", start=P0, steps=50, learning_rate=0.05)
    assert not np.allclose(tr.xy["w"], plain.xy["w"])  # the masks changed the path
    # the recorded loss is the objective's (no dropout) at the recorded params
    np.testing.assert_allclose(tr.loss[-1], least_squares(jax.tree.map(lambda a: a[-1], tr.xy)), rtol=1e-5)
    steps = np.diff(tr.xy["w"], axis=0)
    assert (np.abs(steps) < 1e-12).any() and (np.abs(steps) > 1e-6).any()  # dropped and kept weights: masks differ
    masks = {tuple(np.abs(s) > 1e-12) for s in steps}
    assert len(masks) > 3  # fresh keys: not one mask repeated
    again = run(least_squares, "gd", start=P0, steps=50, learning_rate=0.05, train_objective=_masked_least_squares)
    np.testing.assert_array_equal(tr.xy["w"], again.xy["w"])  # same seed, same masks
    other = run(
        least_squares, "gd", start=P0, steps=50, learning_rate=0.05, seed=1, train_objective=_masked_least_squares
    )
    assert not np.allclose(tr.xy["w"], other.xy["w"])
    assert tr.loss[-1] < 0.2 * tr.loss[0]


def test_train_objective_is_for_pytree_objectives_only():
    with pytest.raises(ValueError, match="pytree objective only"):
        run(HIMMELBLAU, "gd", start=(1.0, 1.0), steps=5, train_objective=_masked_least_squares)


def test_pytree_objective_newton_solves_least_squares():
    tr = run(least_squares, "newton", start=P0, steps=3, damping=0.0)
    np.testing.assert_allclose(tr.xy["w"][1], [1.0, -2.0, 0.5], atol=1e-4)
    np.testing.assert_allclose(tr.xy["b"][1], 0.3, atol=1e-4)


# -- compilation ---------------------------------------------------------------------------------------------------
def test_new_hyperparameters_starts_and_seeds_do_not_recompile():
    jax.clear_caches()  # the next bucket's program below is new to this process, whatever ran before here
    kw = dict(steps=300)  # the same program as the sweep test above
    run(HIMMELBLAU, "momentum", start=STARTS, learning_rate=0.001, momentum=0.9, **kw)  # compile once
    with CompileCounter() as counter:
        run(HIMMELBLAU, "momentum", start=STARTS, learning_rate=0.002, momentum=0.9, **kw)
        run(HIMMELBLAU, "momentum", start=STARTS, learning_rate=0.002, momentum=0.5, **kw)
        run(HIMMELBLAU, "momentum", start=STARTS[::-1] / 2, learning_rate=1e-4, momentum=0, seed=3, **kw)
        run(HIMMELBLAU, "momentum", start=STARTS, learning_rate=np.float64(0.01), **kw)  # numpy float64, defaults
        run(HIMMELBLAU, "momentum", start=STARTS, learning_rate=0.002, steps=301)  # 302 records: the same bucket
        run(HIMMELBLAU, "momentum", start=STARTS, learning_rate=0.002, steps=512)  # 513, the bucket's last
    assert counter.count == 0
    with CompileCounter() as counter:  # the counter does see compiles: records in the next bucket
        run(HIMMELBLAU, "momentum", start=STARTS, learning_rate=0.002, steps=513)
    assert counter.count >= 1


@pytest.mark.parametrize("records", [1, 2, 17, 18, 33, 34, 513, 514])
def test_a_bucket_holds_the_records_and_the_next_size_up_needs_the_next_bucket(records):
    bucket = record_bucket(records)
    assert bucket >= max(records, 17) and (bucket - 1) & (bucket - 2) == 0  # 2^k + 1, 17 at least
    assert bucket == 17 or (bucket - 1) // 2 + 1 < records  # the smallest that holds them


def test_a_run_padded_to_its_bucket_equals_the_run_alone():
    """The padding records (the last point again) are cut: each number of steps gives what it gave unpadded, the
    same as the steps taken one record at a time."""
    for steps in (0, 1, 16, 17, 40):
        tr = run(HIMMELBLAU, "adam", start=STARTS, steps=steps, learning_rate=0.05)
        assert tr.xy.shape == (len(STARTS), steps + 1, 2) and tr.loss.shape == (len(STARTS), steps + 1)
        np.testing.assert_array_equal(tr.steps, np.arange(steps + 1))
        if steps:
            longer = run(HIMMELBLAU, "adam", start=STARTS, steps=steps + 30, learning_rate=0.05)
            np.testing.assert_allclose(tr.xy, longer.xy[:, : steps + 1], rtol=1e-6, atol=1e-7)


def test_a_sweep_with_new_values_does_not_recompile():
    run(HIMMELBLAU, "adam", start=(-4.0, 4.0), steps=30, learning_rate=np.linspace(0.01, 0.1, 8))
    with CompileCounter() as counter:
        run(HIMMELBLAU, "adam", start=(1.0, 1.0), steps=30, learning_rate=np.geomspace(1e-3, 1.0, 8))
    assert counter.count == 0


# -- property: GD equals optax from random starts and learning rates --------------------------------------------------
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    x=st.floats(-5, 5, width=32),
    y=st.floats(-5, 5, width=32),
    lr=st.floats(1e-4, 1e-2),
)
def test_gd_equals_optax_from_random_starts(x, y, lr):
    tr = run(HIMMELBLAU, "gd", start=(x, y), steps=60, learning_rate=lr)
    ref = _gd_reference(np.float32([x, y]), np.float32(lr))
    if tr.diverged_at is None:
        np.testing.assert_allclose(tr.xy, ref, rtol=1e-4, atol=1e-4)
    else:  # the reference left the safe box at the same step
        d = tr.diverged_at
        lo, hi = HIMMELBLAU.safe_box()
        assert not np.all((ref[d] >= lo) & (ref[d] <= hi)) or not np.isfinite(ref[d]).all()
        np.testing.assert_allclose(tr.xy[:d], ref[:d], rtol=1e-4, atol=1e-4)
        assert (tr.xy[d:] == tr.xy[d - 1]).all()


@jax.jit
def _gd_reference(p0, lr):
    tx = optax.sgd(lr)

    def step(carry, _):
        p, s = carry
        u, s = tx.update(jax.grad(HIMMELBLAU.loss)(p), s, p)
        p = optax.apply_updates(p, u)
        return (p, s), p

    return jnp.concatenate([p0[None], jax.lax.scan(step, (p0, tx.init(p0)), None, 60)[1]])


def _bound_least_squares(a, target, params):
    return jnp.sum((a @ params["w"] + params["b"] - target) ** 2)


def test_an_objective_bound_to_data_by_partial_does_not_recompile_for_new_data():
    from jax.tree_util import Partial

    rng = np.random.default_rng(0)
    a, t = rng.normal(size=(20, 3)).astype(np.float32), rng.normal(size=20).astype(np.float32)
    first = run(Partial(_bound_least_squares, a, t), "adam", start=P0, steps=50, learning_rate=0.05)
    plain = run(lambda p: _bound_least_squares(a, t, p), "adam", start=P0, steps=50, learning_rate=0.05)
    np.testing.assert_allclose(first.xy["w"], plain.xy["w"], rtol=1e-5, atol=1e-6)
    a2, t2 = rng.normal(size=(20, 3)).astype(np.float32), rng.normal(size=20).astype(np.float32)
    with CompileCounter() as c:
        second = run(Partial(_bound_least_squares, a2, t2), "adam", start=P0, steps=50, learning_rate=0.05)
    assert c.count == 0  # new data, the same program
    direct = run(lambda p: _bound_least_squares(a2, t2, p), "adam", start=P0, steps=50, learning_rate=0.05)
    np.testing.assert_allclose(second.xy["w"], direct.xy["w"], rtol=1e-5, atol=1e-6)
