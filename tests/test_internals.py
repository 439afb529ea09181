"""An optimizer's internals on the map (scenes/internals.py, viz/internals.py): the adaptive rules' moments replayed
as optax keeps them, every replayed step equal to the step the engine took, momentum's carry what the heavy ball and
Nesterov carry, and arrows that add up as drawn."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from scenes import RunSpec, Scene, compute
from scenes.internals import SCALED, gradients, internals, replay
from surfaces import SURFACES
from viz.internals import ARROW, SEEN, RacerInternals, arrows, shapes

RULES = ("gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "lion", "newton")


@pytest.fixture(scope="module")
def race():
    """Half the rules from Himmelblau's start, 300 steps, each at its default hyperparameters (none diverges)."""
    return compute(Scene(surface="himmelblau", runs=tuple(RunSpec.default(k) for k in RULES[:6]), steps=300))


@pytest.fixture(scope="module")
def race2():
    return compute(Scene(surface="beale", runs=tuple(RunSpec.default(k) for k in RULES[6:]), steps=300))


def _runs(race, race2):
    for result in (race, race2):
        for r, it in zip(result.runs, internals(result), strict=True):
            yield result, r, it


def _resolved(step: np.ndarray, span: float) -> np.ndarray:
    """Steps the float32 path resolves (near a minimum a step rounds to 0 or to a few ulps)."""
    return np.isfinite(step).all(axis=1) & (np.linalg.norm(step, axis=1) > 1e-4 * span)


def test_every_rules_replayed_step_is_the_step_the_engine_took(race, race2):
    for result, r, it in _runs(race, race2):
        rule, hyper = r.spec.optimizer, r.spec.hyper_dict()
        span = result.surface.span
        ok = _resolved(it.step, span)
        assert ok.sum() >= 5, rule
        if rule in SCALED:
            g = gradients(result, np.asarray(r.xy, np.float64))
            s, d = replay(rule, hyper, g)
            u = -hyper["learning_rate"] * s * d
            if rule == "adamw":
                u -= hyper["learning_rate"] * hyper["weight_decay"] * np.asarray(r.xy, np.float64)
            err = np.linalg.norm(u[ok] - it.step[ok], axis=1) / np.linalg.norm(it.step[ok], axis=1)
            assert err.max() < 2e-3, (rule, err.max())
            # the step (AdamW's before its decay) ends on the ellipse: s ⊙ d over semi-axes η‖d‖s has length one
            scaled = it.step - (u - (-hyper["learning_rate"] * s * d))
            e = np.sum((scaled[ok] / it.axes[ok]) ** 2, axis=1)
            np.testing.assert_allclose(e, 1, rtol=5e-3, err_msg=rule)
        elif rule in ("gd", "newton", "lion"):
            assert it.carry is None and it.axes is None
            if rule == "gd":  # the step is the gradient step
                np.testing.assert_allclose(it.step[ok], it.gradient[ok], rtol=1e-3, atol=1e-6 * span)
        if it.carry is not None:  # gradient step + what the rule adds = the step, by construction and at n too
            np.testing.assert_allclose(it.gradient + it.carry, it.step, rtol=1e-9, atol=1e-12)


def test_the_heavy_ball_carries_beta_times_its_last_step(race):
    (r, it) = next((r, it) for r, it in zip(race.runs, internals(race), strict=True) if r.spec.optimizer == "momentum")
    beta = r.spec.hyper_dict()["momentum"]
    ok = _resolved(it.step, race.surface.span)[1:]
    assert np.allclose(it.carry[0], 0, atol=1e-6 * race.surface.span)  # nothing to carry at the first step
    np.testing.assert_allclose(it.carry[1:][ok], beta * it.step[:-1][ok], rtol=2e-3, atol=1e-6)


def _optax_states(opt, surface, start, steps):
    params = jnp.asarray(start, jnp.float32)
    state = opt.init(params)
    grad = jax.grad(lambda p: surface.loss(p))
    out, points = [], []
    for _ in range(steps):
        g = grad(params)
        points.append(np.asarray(params, np.float64))
        updates, state = opt.update(g, state, params)
        params = optax.apply_updates(params, updates)
        out.append(state)
    return out, np.asarray(points)


@pytest.mark.parametrize("rule", ["adagrad", "rmsprop", "adam"])
def test_the_replayed_moments_are_optaxs(rule):
    """Replayed from the gradients along optax's own run, the scale's moments are optax's state, step by step."""
    surface = SURFACES["himmelblau"]
    hyper = RunSpec.default(rule).hyper_dict()
    lr = hyper["learning_rate"]
    opt = {
        "adagrad": lambda: optax.adagrad(lr, hyper["initial_accumulator_value"], hyper["eps"]),
        "rmsprop": lambda: optax.rmsprop(lr, hyper["decay"], hyper["eps"]),
        "adam": lambda: optax.adam(lr, hyper["b1"], hyper["b2"], hyper["eps"], hyper["eps_root"]),
    }[rule]()
    states, points = _optax_states(opt, surface, surface.default_start, 60)
    g = np.asarray(jax.vmap(jax.grad(surface.loss))(jnp.asarray(points, jnp.float32)), np.float64)
    scale, direction = replay(rule, hyper, g)
    if rule == "adagrad":
        acc = np.asarray([s[0].sum_of_squares for s in states])
        np.testing.assert_allclose(1 / np.sqrt(acc + hyper["eps"]), scale, rtol=1e-4)
    elif rule == "rmsprop":
        nu = np.asarray([s[0].nu for s in states])
        np.testing.assert_allclose(1 / np.sqrt(nu + hyper["eps"]), scale, rtol=1e-4)
    else:
        t = np.arange(1, 61)[:, None]
        mu = np.asarray([s[0].mu for s in states]) / (1 - hyper["b1"] ** t)
        nu = np.asarray([s[0].nu for s in states]) / (1 - hyper["b2"] ** t)
        np.testing.assert_allclose(direction, mu, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(1 / (np.sqrt(nu + hyper["eps_root"]) + hyper["eps"]), scale, rtol=1e-4)


def test_nesterovs_carry_is_beta_times_optaxs_trace():
    """optax.sgd(nesterov=True): u = −η(g + β m_t), so what it adds to the gradient step is −ηβ m_t."""
    surface = SURFACES["booth"]
    hyper = RunSpec.default("nesterov").hyper_dict()
    lr, beta = hyper["learning_rate"], hyper["momentum"]
    result = compute(Scene(surface="booth", runs=(RunSpec.default("nesterov"),), steps=100))
    (it,) = internals(result)
    states, points = _optax_states(optax.sgd(lr, beta, nesterov=True), surface, result.start, 100)
    np.testing.assert_allclose(points, result.runs[0].xy[:100], rtol=1e-4, atol=1e-5)  # the same path
    trace = np.asarray([s[0].trace for s in states])
    ok = _resolved(it.step[:100], surface.span)
    np.testing.assert_allclose(it.carry[:100][ok], -lr * beta * trace[ok], rtol=5e-3, atol=1e-6)


def test_the_last_step_shown_is_the_next_one_the_race_takes():
    result = compute(Scene(runs=(RunSpec.default("gd"),), steps=20))
    (it,) = internals(result)
    r = result.runs[0]
    np.testing.assert_allclose(it.step[20], r.ahead - r.xy[20], rtol=1e-6)
    np.testing.assert_allclose(it.step[20], it.gradient[20], rtol=1e-3)


def test_a_diverged_race_has_no_internals_from_the_step_that_threw_it_out():
    result = compute(Scene(runs=(RunSpec("momentum", (("learning_rate", 0.5), ("momentum", 0.9))),), steps=100))
    r, (it,) = result.runs[0], internals(result)
    k = r.diverged_at
    assert k is not None and r.ahead is None
    assert np.isnan(it.step[k - 1 :]).all() and np.isnan(it.gradient[k:]).all()
    assert np.isfinite(it.step[: k - 1]).all() and np.isfinite(it.gradient[:k]).all()


def test_the_arrows_add_up_as_drawn_and_the_longest_is_one_length():
    rng = np.random.default_rng(0)
    xy = rng.normal(size=(11, 2))
    grad, carry = rng.normal(size=(11, 2)), rng.normal(size=(11, 2)) * 0.1
    racer = RacerInternals(xy, grad * 1e-3, (grad + carry) * 1e-3, carry * 1e-3, "momentum carried", None)
    steps = np.arange(0, 11, 2)
    drawn = shapes([racer], steps, span=4.0)
    assert set(drawn) == {"gradient", "carry", "step"}
    tail, g_tip = drawn["gradient"][:, 0], drawn["gradient"][:, 1]
    c_tail, c_tip, s_tip = drawn["carry"][:, 0], drawn["carry"][:, 1], drawn["step"][:, 1]
    np.testing.assert_allclose(tail, xy[steps], rtol=1e-6)
    np.testing.assert_allclose(c_tail, g_tip, rtol=1e-5, atol=1e-6)  # the carry starts at the gradient step's tip
    np.testing.assert_allclose(c_tip, s_tip, rtol=1e-4, atol=1e-5)  # and ends where the step does
    longest = np.max([np.linalg.norm(drawn[k][:, 1] - drawn[k][:, 0], axis=1) for k in ("gradient", "step")], axis=0)
    np.testing.assert_allclose(longest, SEEN * 4.0, rtol=1e-5)


def test_an_arrow_of_nothing_is_not_drawn():
    a = arrows(np.zeros((3, 2)), np.array([[1.0, 0], [0, 0], [np.nan, np.nan]]), span=4.0)
    assert a.shape == (3, ARROW, 2)
    assert np.isfinite(a[0, [0, 1, 3, 4, 5]]).all() and np.isnan(a[1:]).all()


def test_a_step_with_nothing_inside_draws_nothing_and_warns_of_nothing():
    """After a divergence every vector is NaN: those frames hold gaps only (and NumPy says nothing of all-NaN rows)."""
    import warnings

    xy = np.zeros((4, 2))
    nan = np.full((4, 2), np.nan)
    grad = np.array([[1.0, 0.0], [0.5, 0.5], [np.nan, np.nan], [np.nan, np.nan]]) * 1e-3
    racer = RacerInternals(xy, grad, grad.copy(), nan.copy(), "momentum carried", nan.copy())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        drawn = shapes([racer], np.arange(4), span=4.0)
    assert np.isfinite(drawn["gradient"][:2]).any(axis=(1, 2)).all()
    assert all(np.isnan(drawn[k][2:]).all() for k in drawn)
