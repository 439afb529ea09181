"""Divergence: the exact first bad step, a frozen last good point, never a NaN downstream; kinks are not divergence."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from test_optim_support import ACKLEY, HIMMELBLAU, QUAD_A, QUADRATIC, slow_run, surface

from optim import OPTIMIZERS, run

BIG = (np.float32([-1e9, -1e9]), np.float32([1e9, 1e9]))  # no box: only non-finite values count


def assert_frozen(tr, diverged):
    """After its first bad step a run repeats its last good point; nothing is NaN or inf."""
    xy, loss = np.atleast_3d(tr.xy[None] if tr.xy.ndim == 2 else tr.xy), np.atleast_2d(tr.loss)
    assert np.isfinite(xy).all() and np.isfinite(loss).all()
    for i, d in enumerate(np.atleast_1d(diverged)):
        if d is not None and d >= 1:
            assert (xy[i, d:] == xy[i, d - 1]).all() and (loss[i, d:] == loss[i, d - 1]).all()


def test_gd_on_a_quadratic_converges_below_2_over_l_and_diverges_above():
    lrs = np.float32([0.99, 1.01]) * 2 / QUAD_A
    tr = run(QUADRATIC, "gd", start=(1.0, 1.0), steps=1000, learning_rate=lrs)
    assert tr.diverged_at[0] == -1 and np.abs(tr.xy[0, -1]).max() < 1e-6
    d = tr.diverged_at[1]
    assert d > 0
    # x_t = (1 - lr L)^t: the first |x_t| beyond the safe box's 50 (domain [-5, 5] enlarged 10x)
    x, t = np.float32(1.0), 0
    while abs(x) <= 50:
        x, t = np.float32(x - lrs[1] * np.float32(QUAD_A) * x), t + 1
    assert d == t
    assert_frozen(tr, [None, d])


@pytest.mark.parametrize(
    ("key", "lrs"),
    [
        ("gd", [0.4, 0.51, 0.55, 0.8]),  # stable below 2 / L = 0.5
        ("momentum", [0.5, 0.951, 0.97, 1.2]),  # stable below 2 (1 + beta) / L = 0.95
        ("nesterov", [0.2, 0.35, 0.4, 0.6]),  # stable below 2 (1 + beta) / ((1 + 2 beta) L) = 0.34
        ("newton", [1.0, 2.05, 2.5, 4.0]),  # x <- (1 - lr) x: stable below 2
    ],
)
def test_diverged_at_is_exact_against_a_per_step_reference(key, lrs):
    # a quadratic: no chaos to amplify an ulp, so the compiled batch and the step-by-step reference agree
    starts = np.float32([[1.0, 1.0], [-2.0, 0.5], [0.3, -4.0], [4.0, 4.0]])
    tr = run(QUADRATIC, key, start=starts, steps=300, learning_rate=np.float32(lrs))
    expected = []
    for i, (start, lr) in enumerate(zip(starts, lrs, strict=True)):
        path, d = slow_run(QUADRATIC, OPTIMIZERS[key], start, 300, {"learning_rate": lr})
        np.testing.assert_allclose(tr.xy[i], path, rtol=1e-5, atol=1e-6)
        expected.append(-1 if d is None else d)
    np.testing.assert_array_equal(tr.diverged_at, expected)
    assert expected[0] == -1 and len(set(expected[1:])) == 3 and min(expected[1:]) > 0
    assert_frozen(tr, [None if d < 0 else d for d in expected])


def test_a_batch_diverging_at_many_different_steps_across_blocks():
    # lr just above 2/L: |1 - lr L| = 1 + e, so the run leaves the box after log(50) / log(1 + e) steps
    excess = np.float32([0.002, 0.005, 0.01, 0.02, 0.05, 0.2, 1.0, 3.0])
    lrs = (2 + excess) / QUAD_A
    tr = run(QUADRATIC, "gd", start=np.tile([[1.0, 0.0]], (8, 1)), steps=2500, record_every=1, learning_rate=lrs)
    expected = []
    for lr in lrs:
        x, t = np.float32(1.0), 0
        while abs(x) <= 50 and t < 2500:
            x, t = np.float32(x - lr * np.float32(QUAD_A) * x), t + 1
        expected.append(t if abs(x) > 50 else -1)
    np.testing.assert_array_equal(tr.diverged_at, expected)
    assert len(set(expected)) == 8 and max(expected) > 1000
    assert_frozen(tr, expected)


def test_recording_every_kth_step_keeps_the_exact_step_and_the_frozen_point():
    lrs = np.float32([0.9, 1.01, 1.03]) * 2 / QUAD_A
    full = run(QUADRATIC, "gd", start=(1.0, 1.0), steps=600, learning_rate=lrs)
    tr = run(QUADRATIC, "gd", start=(1.0, 1.0), steps=600, record_every=50, learning_rate=lrs)
    np.testing.assert_array_equal(tr.diverged_at, full.diverged_at)
    assert tr.diverged_at[1] % 50 and tr.diverged_at[2] % 50  # not rounded to a record
    np.testing.assert_array_equal(tr.xy, full.xy[:, tr.steps])


@pytest.mark.parametrize("hi", [0.3, 0.5, 0.55])
def test_leaving_the_safe_box_counts_even_when_the_run_comes_back(hi):
    # heavy ball from (-1, 0) overshoots the minimum to x ~ 0.57 around step 110 and swings back: a box whose
    # right edge is below the overshoot is left (and re-entered) within one block of unchecked steps
    box = (np.float32([-2.0, -2.0]), np.float32([hi, 2.0]))
    hyper = dict(learning_rate=2e-4, momentum=0.99)
    path, d = slow_run(QUADRATIC, OPTIMIZERS["momentum"], (-1.0, 0.0), 400, hyper, box=box)
    free, _ = slow_run(QUADRATIC, OPTIMIZERS["momentum"], (-1.0, 0.0), 400, hyper, box=BIG)
    assert d is not None and (free[d:, 0] <= hi).any()  # the reference does come back
    tr = run(QUADRATIC, "momentum", start=(-1.0, 0.0), steps=400, safe_box=box, **hyper)
    assert tr.diverged_at == d
    np.testing.assert_allclose(tr.xy, path, rtol=1e-5, atol=1e-6)
    assert_frozen(tr, d)


def test_a_nan_loss_counts_even_with_a_finite_gradient_that_leads_back():
    # log(x) at x < 0 is NaN while its gradient 1/x is finite and points back to x > 0; every step recorded is tested
    s = surface("log", lambda x, y: jnp.log(x) + y**2, ((0.01, 3.0), (-1.0, 1.0)))
    tr = run(s, "gd", start=(0.5, 0.5), steps=50, learning_rate=0.3)
    assert tr.diverged_at == 1  # x_1 = 0.5 - 0.3 / 0.5 = -0.1
    np.testing.assert_array_equal(tr.xy, np.tile([0.5, 0.5], (51, 1)))
    assert_frozen(tr, 1)


@pytest.mark.parametrize(("key", "lr"), [("momentum", 0.01), ("adam", 0.05), ("rmsprop", 0.01)])
def test_a_domain_error_is_exact_between_sparse_records(key, lr):
    # sqrt(x) pulls x towards 0 and the run overshoots into x < 0: NaN loss and gradient, mid-block, unrecorded
    s = surface("sqrt", lambda x, y: jnp.sqrt(x) + y**2, ((0.01, 4.0), (-1.0, 1.0)))
    _, d = slow_run(s, OPTIMIZERS[key], (2.0, 0.5), 300, {"learning_rate": lr})
    assert d is not None and d % 100
    tr = run(s, key, start=(2.0, 0.5), steps=300, record_every=100, learning_rate=lr)
    assert tr.diverged_at == d
    assert np.isfinite(tr.xy).all() and np.isfinite(tr.loss).all()


@pytest.mark.parametrize("key", [k for k in OPTIMIZERS if k != "sgd"])
def test_a_run_started_on_ackleys_cone_tip_stays_there(key):
    tr = run(ACKLEY, key, start=(0.0, 0.0), steps=50)
    assert tr.diverged_at is None
    assert np.isfinite(tr.loss).all() and np.isfinite(tr.xy).all()
    np.testing.assert_array_equal(tr.xy, 0.0)


def test_sgd_on_ackleys_cone_tip_is_kicked_off_by_its_noise_but_does_not_diverge():
    tr = run(ACKLEY, "sgd", start=np.zeros((4, 2), np.float32), steps=50, eta=1.0)
    np.testing.assert_array_equal(tr.diverged_at, -1)
    assert np.isfinite(tr.xy).all() and np.abs(tr.xy[:, -1]).max() > 0


def test_a_batch_with_one_run_on_the_cone_tip_between_sparse_records():
    starts = np.float32([[0.0, 0.0], [1.3, -0.4], [-2.2, 3.1]])
    tr = run(ACKLEY, "momentum", start=starts, steps=300, record_every=100, learning_rate=0.002)
    np.testing.assert_array_equal(tr.diverged_at, -1)
    np.testing.assert_array_equal(tr.xy[0], 0.0)
    alone = run(ACKLEY, "momentum", start=starts[1:], steps=300, record_every=100, learning_rate=0.002)
    np.testing.assert_array_equal(tr.xy[1:], alone.xy)


def test_a_bad_start_diverges_at_step_0():
    tr = run(HIMMELBLAU, "adam", start=np.float32([[-4.0, 4.0], [80.0, 0.0]]), steps=20)
    np.testing.assert_array_equal(tr.diverged_at, [-1, 0])
    np.testing.assert_array_equal(tr.xy[1], np.tile([80.0, 0.0], (21, 1)))


def test_a_violent_batch_never_shows_nan_or_inf():
    g = np.linspace(-5, 5, 9, dtype=np.float32)
    starts = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    tr = run(HIMMELBLAU, "gd", start=starts, steps=150, learning_rate=1.0)
    assert (tr.diverged_at >= 0).mean() > 0.9
    assert_frozen(tr, [None if d < 0 else d for d in tr.diverged_at])
