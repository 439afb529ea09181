"""The update rules: each equals its optax counterpart, first steps by hand, SGD's noise, Newton's attraction."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from test_optim_support import HIMMELBLAU, OPTAX, QUAD_A, QUAD_B, QUADRATIC, ROSENBROCK, SADDLE, f32, optax_path

from optim import OPTIMIZERS, run

STEPS = 200
CASES = {  # surface, starts (one compile per rule and surface: a batch of starts)
    "himmelblau": (HIMMELBLAU, [(-4.0, 4.0), (1.0, -3.5), (0.5, 0.5)]),
    "rosenbrock": (ROSENBROCK, [(-1.5, 2.0), (1.2, -0.5)]),
}
HYPER = {  # non-default values too, so a swapped name or default would show
    "gd": {"learning_rate": 0.002},
    "sgd": {"learning_rate": 0.002, "eta": 0.0},
    "momentum": {"learning_rate": 5e-4, "momentum": 0.8},
    "nesterov": {"learning_rate": 5e-4, "momentum": 0.85},
    "adagrad": {"learning_rate": 0.3, "initial_accumulator_value": 0.2},
    "rmsprop": {"learning_rate": 0.003, "decay": 0.8},
    "adam": {"learning_rate": 0.02, "b1": 0.8, "b2": 0.99},
    "adamw": {"learning_rate": 0.02, "weight_decay": 0.05},
    "lion": {"learning_rate": 0.01, "b1": 0.8, "b2": 0.95, "weight_decay": 0.02},
}


@functools.cache
def trajectory(key: str, case: str):
    """One compiled batch per rule and surface, shared by the optax comparison and the first-step checks."""
    s, starts = CASES[case]
    return run(s, key, start=np.array(starts, np.float32), steps=STEPS, **HYPER[key])


def test_every_rule_optax_has_is_compared_with_it():
    """A new registry row cannot skip the comparison below: optax has every rule but Newton."""
    assert set(OPTAX) == {k for k, o in OPTIMIZERS.items() if not o.needs_hessian}
    assert set(HYPER) == set(OPTAX)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("key", OPTAX)
def test_rule_follows_optax_for_200_steps(key, case):
    s, starts = CASES[case]
    tr = trajectory(key, case)
    tx = OPTAX[key](f32({**OPTIMIZERS[key].defaults(), **HYPER[key]}))
    ref = optax_path(s.loss, tx, np.array(starts, np.float32), STEPS)
    np.testing.assert_allclose(tr.xy, ref, rtol=1e-5, atol=1e-6, err_msg=key)
    assert (tr.diverged_at == -1).all()


# -- first steps by hand, from Himmelblau's gradient -------------------------------------------------------------------
P0 = np.array(CASES["himmelblau"][1], np.float64)


def grad(p):
    x, y = p[..., 0], p[..., 1]
    a, b = x**2 + y - 11, x + y**2 - 7
    return np.stack([4 * x * a + 2 * b, 2 * a + 4 * y * b], axis=-1)


G0 = grad(P0)


def steps_of(key, *hyper_names):
    h = {**OPTIMIZERS[key].defaults(), **HYPER[key]}
    return trajectory(key, "himmelblau").xy, *(h[n] for n in hyper_names)


@pytest.mark.parametrize("key", ["gd", "sgd"])  # sgd with eta = 0
def test_gd_first_step(key):
    xy, lr = steps_of(key, "learning_rate")
    np.testing.assert_allclose(xy[:, 1], P0 - lr * G0, rtol=1e-5)


def test_momentum_first_two_steps():
    xy, lr, beta = steps_of("momentum", "learning_rate", "momentum")
    p1 = P0 - lr * G0  # the trace starts at zero
    np.testing.assert_allclose(xy[:, 1], p1, rtol=1e-5)
    np.testing.assert_allclose(xy[:, 2], p1 - lr * (grad(p1) + beta * G0), rtol=1e-5)


def test_nesterov_first_step_looks_ahead():
    xy, lr, beta = steps_of("nesterov", "learning_rate", "momentum")
    np.testing.assert_allclose(xy[:, 1], P0 - lr * (1 + beta) * G0, rtol=1e-5)


def test_adagrad_first_step():
    xy, lr, g0, eps = steps_of("adagrad", "learning_rate", "initial_accumulator_value", "eps")
    np.testing.assert_allclose(xy[:, 1], P0 - lr * G0 / np.sqrt(g0 + G0**2 + eps), rtol=1e-5)


def test_rmsprop_first_step():
    xy, lr, rho, eps = steps_of("rmsprop", "learning_rate", "decay", "eps")
    np.testing.assert_allclose(xy[:, 1], P0 - lr * G0 / np.sqrt((1 - rho) * G0**2 + eps), rtol=1e-5)


def test_adam_first_step_is_lr_times_sign():
    # bias correction makes m_hat = g and v_hat = g^2: the step is lr g / (|g| + eps)
    xy, lr = steps_of("adam", "learning_rate")
    np.testing.assert_allclose(xy[:, 1], P0 - lr * np.sign(G0), rtol=1e-5)


def test_adamw_first_step_adds_decoupled_decay():
    xy, lr, wd = steps_of("adamw", "learning_rate", "weight_decay")
    np.testing.assert_allclose(xy[:, 1], P0 - lr * (np.sign(G0) + wd * P0), rtol=1e-5)


# -- Newton on f = (a x^2 + b y^2) / 2 and on the saddle x^2 - y^2 -----------------------------------------------------
Q0 = np.array([1.5, -2.0], np.float32)
QG0 = np.array([QUAD_A, QUAD_B], np.float32) * Q0


def test_newton_lands_on_a_quadratic_minimum_in_one_step():
    xy = run(QUADRATIC, "newton", start=Q0, steps=2, learning_rate=1.0, damping=0.0).xy
    np.testing.assert_allclose(xy[1], [0.0, 0.0], atol=1e-6)


def test_newton_damped_and_scaled_first_step():
    lr, lam = 0.5, 0.3
    expected = Q0 - lr * QG0 / (np.array([QUAD_A, QUAD_B]) + lam)
    xy = run(QUADRATIC, "newton", start=Q0, steps=2, learning_rate=lr, damping=lam).xy
    np.testing.assert_allclose(xy[1], expected, rtol=1e-6)


@pytest.mark.parametrize("damping", [0.0, 1e-3])
def test_newton_is_attracted_to_a_saddle(damping):
    # x^2 - y^2: a step of GD from (0.3, -0.2) leaves the saddle along y; Newton goes to it
    tr = run(SADDLE, "newton", start=(0.3, -0.2), steps=5, damping=damping)
    assert tr.diverged_at is None
    assert np.abs(tr.xy[1]).max() < (1e-6 if damping == 0 else 1e-3)
    assert np.abs(tr.xy[-1]).max() < 1e-6
    gd = run(SADDLE, "gd", start=(0.3, -0.2), steps=5, learning_rate=0.1).xy
    assert abs(gd[-1, 1]) > abs(gd[0, 1])  # escaping


# -- SGD's noise ---------------------------------------------------------------------------------------------------
def test_sgd_noise_is_seeded_and_leaves_the_gd_path():
    kw = dict(start=(-4.0, 4.0), steps=STEPS, learning_rate=0.002, eta=1.0)
    a, b, c = (run(HIMMELBLAU, "sgd", seed=seed, **kw).xy for seed in (1, 1, 2))
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).max() > 1e-3
    assert np.abs(a[1] - (P0[0] - 0.002 * G0[0])).max() > 1e-4


def test_sgd_noise_variance_anneals_as_eta_over_1_plus_t_to_the_gamma():
    # on a flat surface the update is pure noise: u_t = -lr xi_t with Var xi_t = eta / (1 + t)^gamma
    flat = QUADRATIC.__class__(
        key="flat", title="flat", f=lambda x, y: 0.0 * x + 0.0 * y, domain=((-9, 9),) * 2, latex="", lesson=""
    )
    lr, eta, gamma, m, steps = 0.1, 2.0, 0.55, 4000, 30
    tr = run(flat, "sgd", start=np.zeros((m, 2), np.float32), steps=steps, learning_rate=lr, eta=eta, gamma=gamma)
    noise = -np.diff(tr.xy, axis=1) / lr  # (m, steps, 2): xi_t for t = 0 .. steps - 1
    var = noise.reshape(m, steps, 2).transpose(1, 0, 2).reshape(steps, -1).var(axis=1)
    expected = eta / (1.0 + np.arange(steps)) ** gamma
    # 8000 samples per step: the variance estimate's relative standard error is sqrt(2 / 8000) = 1.6%
    np.testing.assert_allclose(var, expected, rtol=0.08)
    assert abs(noise.mean()) < 0.02
    assert np.abs(noise[0] - noise[1]).min() > 0  # each run of a batch draws its own noise
