"""Learning-rate schedules: multipliers and whole runs equal optax's, schedules are data (no recompiles), validation."""

from __future__ import annotations

import functools

import jax
import numpy as np
import optax
import pytest
from test_optim_run import CompileCounter
from test_optim_support import HIMMELBLAU, OPTAX, f32, optax_path

from optim import OPTIMIZERS, run
from optim.schedules import KINDS, LATEX, Schedule

SCHEDULES = {  # several parameter sets per kind, edge cases included (a decay shorter than the run, every step)
    "constant": [Schedule()],
    "step": [
        Schedule("step", transition_steps=50, decay_rate=0.5),
        Schedule("step", transition_steps=7, decay_rate=0.9),
        Schedule("step", transition_steps=1, decay_rate=0.97),
    ],
    "exponential": [
        Schedule("exponential", transition_steps=100, decay_rate=0.5),
        Schedule("exponential", transition_steps=13, decay_rate=0.8),
        Schedule("exponential", transition_steps=1, decay_rate=0.99),
    ],
    "cosine": [
        Schedule("cosine", decay_steps=300),
        Schedule("cosine", decay_steps=120, alpha=0.1),
        Schedule("cosine", decay_steps=1, alpha=0.5),
    ],
    "warmup_cosine": [
        Schedule("warmup_cosine", warmup_steps=30, decay_steps=300, alpha=0.01),
        Schedule("warmup_cosine", warmup_steps=0, decay_steps=250),
        Schedule("warmup_cosine", warmup_steps=50, decay_steps=60, alpha=0.2, init_value=0.1),
    ],
}
ALL = [s for kind in KINDS for s in SCHEDULES[kind]]
STARTS = np.array([(-4.0, 4.0), (1.0, -3.5), (0.5, 0.5)], np.float32)
STEPS = 200
HYPER = {"gd": {"learning_rate": 0.002}, "adam": {"learning_rate": 0.02, "b1": 0.8, "b2": 0.99}}


def name(s: Schedule) -> str:
    return s.text.replace(" ", "_")


def test_every_kind_has_examples_and_a_formula():
    assert set(SCHEDULES) == set(KINDS) == set(LATEX)


@pytest.mark.parametrize("lr", [1.0, 0.05])
@pytest.mark.parametrize("schedule", ALL, ids=name)
def test_multipliers_equal_optax_schedules(schedule, lr):
    ref = np.array([schedule.to_optax(np.float32(lr))(t) for t in range(300)], np.float64)
    m = schedule.multipliers(300)
    assert m.dtype == np.float32 and m.shape == (300,)
    np.testing.assert_allclose(lr * m.astype(np.float64), ref, rtol=2e-6, atol=lr * 1e-7)


def test_multipliers_by_hand():
    np.testing.assert_array_equal(
        Schedule("step", transition_steps=2, decay_rate=0.5).multipliers(5), [1, 1, 0.5, 0.5, 0.25]
    )
    c = 0.5 * np.cos(np.pi / 4)
    np.testing.assert_allclose(
        Schedule("cosine", decay_steps=4, alpha=0.2).multipliers(6),
        [1, 0.2 + 0.8 * (0.5 + c), 0.6, 0.2 + 0.8 * (0.5 - c), 0.2, 0.2],
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        Schedule("warmup_cosine", warmup_steps=4, decay_steps=6).multipliers(7),
        [0, 0.25, 0.5, 0.75, 1, 0.5, 0],
        atol=1e-7,
    )


@functools.cache
def scheduled(key: str, schedule: Schedule):
    return run(HIMMELBLAU, key, start=STARTS, steps=STEPS, schedule=schedule, **HYPER[key])


@pytest.mark.parametrize("schedule", ALL, ids=name)
@pytest.mark.parametrize("key", ["gd", "adam"])
def test_runs_follow_optax_with_the_schedule(key, schedule):
    h = f32({**OPTIMIZERS[key].defaults(), **HYPER[key]})
    tx = OPTAX[key]({**h, "learning_rate": schedule.to_optax(h["learning_rate"])})
    ref = optax_path(HIMMELBLAU.loss, tx, STARTS, STEPS)
    tr = scheduled(key, schedule)
    np.testing.assert_allclose(tr.xy, ref, rtol=1e-5, atol=1e-6)
    assert (tr.diverged_at == -1).all()


def test_the_schedule_changes_the_path():
    plain = run(HIMMELBLAU, "gd", start=STARTS, steps=STEPS, **HYPER["gd"]).xy
    np.testing.assert_array_equal(scheduled("gd", Schedule()).xy, plain)  # constant: the same numbers
    assert np.abs(scheduled("gd", SCHEDULES["step"][0]).xy - plain).max() > 1e-3


def test_first_updates_use_m0_then_m1():
    # GD with a halving every update: p1 = p0 - lr g0, p2 = p1 - lr/2 g1
    lr = 0.002
    tr = run(
        HIMMELBLAU,
        "gd",
        start=STARTS[0],
        steps=2,
        learning_rate=lr,
        schedule=Schedule("step", transition_steps=1, decay_rate=0.5),
    )
    grad = lambda p: np.asarray(__import__("jax").grad(HIMMELBLAU.loss)(p), np.float64)
    p1 = STARTS[0] - lr * grad(STARTS[0])
    np.testing.assert_allclose(tr.xy[1], p1, rtol=1e-6)
    np.testing.assert_allclose(tr.xy[2], p1 - lr / 2 * grad(np.float32(p1)), rtol=1e-5)


def test_a_learning_rate_sweep_shares_the_schedule_shape():
    lrs = np.array([0.01, 0.02, 0.05], np.float32)
    cos = Schedule("warmup_cosine", warmup_steps=20, decay_steps=150, alpha=0.1)
    sweep = run(HIMMELBLAU, "adam", start=(-4.0, 4.0), steps=150, learning_rate=lrs, schedule=cos)
    assert sweep.xy.shape == (3, 151, 2)
    for i, lr in enumerate(lrs):
        alone = run(HIMMELBLAU, "adam", start=(-4.0, 4.0), steps=150, learning_rate=lr, schedule=cos)
        np.testing.assert_allclose(sweep.xy[i], alone.xy, rtol=1e-5, atol=1e-6)
        ref = optax_path(HIMMELBLAU.loss, optax.adam(cos.to_optax(lr)), np.float32([-4.0, 4.0]), 150, batched=False)
        np.testing.assert_allclose(sweep.xy[i], ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("lr, warmup", [(0.2, 100), (0.05, 200)])  # first block; second block or never
def test_divergence_under_a_schedule_is_found_exactly_by_the_blocks(lr, warmup):
    # GD's warmup to a too-large rate: fine at first, diverges once the rate has grown; a constant peak diverges at once
    kw = dict(start=STARTS, steps=300, learning_rate=lr)
    warm = Schedule("warmup_cosine", warmup_steps=warmup, decay_steps=300)
    every = run(HIMMELBLAU, "gd", schedule=warm, **kw)  # records (and tests) every step
    blocks = run(HIMMELBLAU, "gd", schedule=warm, record_every=300, **kw)  # block tests and replays
    np.testing.assert_array_equal(every.diverged_at, blocks.diverged_at)
    assert (every.diverged_at > 20).any() and ((every.diverged_at > 20) | (every.diverged_at == -1)).all()
    assert (run(HIMMELBLAU, "gd", **kw).diverged_at < 20).all()
    np.testing.assert_array_equal(blocks.xy[:, -1], every.xy[:, -1])  # frozen at the same last good point
    # the warmup's first steps are optax's (later, the bouncing before a blow-up amplifies rounding: chaos)
    ref = optax_path(HIMMELBLAU.loss, optax.sgd(warm.to_optax(np.float32(lr))), STARTS, 20)
    np.testing.assert_allclose(every.xy[:, :21], ref, rtol=1e-5, atol=1e-5)


def test_new_schedule_kinds_parameters_and_rates_do_not_recompile():
    jax.clear_caches()  # the program without a schedule below is new to this process, whatever ran before here
    kw = dict(start=STARTS, steps=110)
    run(HIMMELBLAU, "adam", schedule=ALL[1], learning_rate=0.01, **kw)  # compile once: the program with a schedule
    run(HIMMELBLAU, "adam", schedule=ALL[1], learning_rate=np.float32([0.01, 0.02, 0.03]), **kw)  # and the sweep
    ALL[1].multipliers(300)
    with CompileCounter() as counter:
        for i, s in enumerate(ALL):
            run(HIMMELBLAU, "adam", schedule=s, learning_rate=0.01 * (i + 1), **kw)
            run(HIMMELBLAU, "adam", schedule=s, learning_rate=np.float32([0.03, 0.02, 0.01]) * (i + 1), **kw)
            s.multipliers(300)
            s.multipliers(257)  # the same padded length
    assert counter.count == 0
    with CompileCounter() as counter:  # the counter does see compiles: no schedule is another program
        run(HIMMELBLAU, "adam", learning_rate=0.01, **kw)
    assert counter.count >= 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(kind="linear"), "unknown schedule"),
        (dict(kind="step", transition_steps=0), "transition_steps >= 1"),
        (dict(kind="exponential", decay_rate=0.0), "decay_rate > 0"),
        (dict(kind="exponential", decay_rate=float("nan")), "finite"),
        (dict(kind="step", transition_steps=2.5), "must be an int"),
        (dict(kind="cosine", decay_steps=-3), "must be an int >= 0"),
        (dict(kind="cosine", decay_steps=0), "decay_steps >= 1"),
        (dict(kind="cosine", alpha=1.5), "0 <= alpha <= 1"),
        (dict(kind="warmup_cosine", warmup_steps=300, decay_steps=300), "> warmup_steps"),
        (dict(kind="warmup_cosine", warmup_steps=10, init_value=-0.1), "0 <= init_value <= 1"),
        (dict(kind="cosine", alpha="0.1"), "finite number"),
    ],
)
def test_bad_parameters_raise_a_clear_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Schedule(**kwargs)


def test_run_rejects_what_is_not_a_schedule():
    with pytest.raises(ValueError, match="schedule must be"):
        run(HIMMELBLAU, "gd", start=(0.0, 0.0), steps=3, schedule="cosine")


def test_schedules_are_hashable_values_with_words():
    a, b = Schedule("cosine", decay_steps=300, alpha=0.1), Schedule("cosine", decay_steps=np.int64(300), alpha=0.1)
    assert a == b and hash(a) == hash(b) and isinstance(b.decay_steps, int)
    assert a.text == "cosine decay to 0.1× over 300 steps"
    assert Schedule("step", transition_steps=100).text == "step decay ×0.5 every 100 steps"
    warm = Schedule("warmup_cosine", warmup_steps=50, decay_steps=300)
    assert warm.text == "warmup 50 steps, then cosine to 0 by step 300"
    assert all(s.latex.startswith(r"\begin{gathered}\eta_t") for s in ALL)
