"""Scene -> compute -> Result: what the page and the CLI both draw from."""

from __future__ import annotations

import collections
import pickle

import numpy as np
import pytest

from links.slider_values import log_grid, nearest, options
from optim import OPTIMIZERS, run
from optim.schedules import Schedule
from scenes import RunSpec, Scene, compute
from scenes.compute import local_models
from scenes.outcome import REACH_TOL, newton_distance, outcome
from scenes.scene import CUSTOM
from scenes.text import hyper_text, num, plural, point, run_label
from surfaces import SURFACES
from surfaces.formula import DEFAULT_DOMAIN


def test_default_scene_races_on_the_quadratic_and_says_what_happened():
    """The opening race (its lesson is checked in test_lessons.py): three racers, one learning rate, and the caption
    says so."""
    r = compute(Scene())
    assert r.surface.key == "quadratic" and len(r.runs) == 3
    for run_ in r.runs:
        assert run_.xy.shape == (501, 2) and np.isfinite(run_.xy).all() and np.isfinite(run_.loss).all()
    assert r.caption.startswith("Ill-conditioned quadratic, from (−1.8, 1.2), 500 steps, all at η = 0.015:")
    assert all(x.outcome.kind == "reached" for x in r.runs)


def test_the_caption_says_all_at_one_rate_only_when_it_is_so():
    gd, adam = RunSpec("gd", (("learning_rate", 0.01),)), RunSpec("adam", (("learning_rate", 0.01),))
    assert compute(Scene(runs=(gd, adam), steps=20)).shared_rate == "all at η = 0.01"
    assert compute(Scene(runs=(gd,), steps=20)).shared_rate == ""  # one racer: nothing to compare
    assert compute(Scene(runs=(gd, RunSpec.default("adam")), steps=20)).shared_rate == ""
    cos = RunSpec("adam", (("learning_rate", 0.01),), Schedule("cosine", decay_steps=20))
    assert compute(Scene(runs=(gd, cos), steps=20)).shared_rate == ""


def test_reached_means_it_stays_within_tolerance_from_that_step_on():
    r = compute(Scene(surface="himmelblau", runs=(RunSpec("adam", (("learning_rate", 0.05),)),), steps=500))
    o = r.runs[0].outcome
    assert o.kind == "reached" and o.target is not None
    d = np.hypot(r.runs[0].xy[:, 0] - o.target.x, r.runs[0].xy[:, 1] - o.target.y)
    tol = REACH_TOL * r.surface.span
    assert (d[o.step :] <= tol).all() and d[o.step - 1] > tol
    assert f"in {plural(o.step, 'step')}" in o.text


def test_a_run_that_comes_to_a_minimum_and_leaves_it_later_is_not_said_to_have_reached_it():
    """RMSProp on the quadratic at η 0.2: within the tolerance of (0, 0) from step 14 to the 21st and last step shown,
    0.44 away by step 60. It was told "reached the global minimum (0, 0) in 14 steps"."""
    r = compute(Scene(surface="quadratic", runs=(RunSpec("rmsprop", (("learning_rate", 0.2),)),), steps=21)).runs[0]
    d = np.hypot(*r.xy.T)
    assert (d[14:] <= REACH_TOL * SURFACES["quadratic"].span).all()  # what the run shows ends at the minimum
    assert r.outcome.kind == "passed" and "reached" not in r.outcome.text
    assert r.outcome.text.startswith("came within 0.004 of the global minimum (0, 0) at step 14 but left again:")
    far = run(SURFACES["quadratic"], "rmsprop", start=Scene().start_point, steps=100, learning_rate=0.2)
    d = np.hypot(*far.xy.T)
    assert f"{num(float(d[22:].max()), 2)} away at step {22 + int(np.argmax(d[22:]))}" in r.outcome.text


@pytest.mark.parametrize("surface", ["quadratic", "booth"])
def test_reached_holds_on_a_longer_run_of_the_same_racer(surface):
    """Every "reached" of a spread of racers (all six racing at once, one program each): the same runs continued a
    quarter longer stay at that minimum."""
    keys, reached = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"), 0
    for lr in (0.003, 0.03, 0.1, 0.3):
        res = compute(Scene(surface=surface, runs=tuple(RunSpec(k, (("learning_rate", lr),)) for k in keys), steps=200))
        tol = REACH_TOL * res.surface.span
        for k, r in zip(keys, res.runs, strict=True):
            if r.outcome.kind != "reached":
                continue
            longer = run(res.surface, k, start=res.start, steps=250, learning_rate=lr)
            assert longer.diverged_at is None, (k, lr)
            d = np.hypot(longer.xy[:, 0] - r.outcome.target.x, longer.xy[:, 1] - r.outcome.target.y)
            assert (d[r.outcome.step :] <= tol).all(), (k, lr, r.outcome.text)
            reached += 1
    assert reached >= 3  # the test is not vacuous


def test_divergence_is_told_with_its_step_and_nothing_is_nan():
    scene = Scene(surface="himmelblau", runs=(RunSpec("gd", (("learning_rate", 1.0),)),), steps=100)
    r = compute(scene).runs[0]
    direct = run(SURFACES["himmelblau"], "gd", start=SURFACES["himmelblau"].default_start, steps=100, learning_rate=1.0)
    assert r.diverged_at == direct.diverged_at is not None
    assert r.outcome.kind == "diverged" and f"diverged at step {r.diverged_at}" in r.outcome.text
    assert np.isfinite(r.xy).all() and np.isfinite(r.loss).all()


@pytest.mark.parametrize("steps", [10, 150, 730])
def test_step_buckets_cut_exactly(steps):
    """Runs are computed for a bucket of steps and cut: the cut equals a run of exactly that length."""
    spec = RunSpec("momentum", (("learning_rate", 0.003), ("momentum", 0.9)))
    r = compute(Scene(surface="himmelblau", runs=(spec,), steps=steps)).runs[0]
    hb = SURFACES["himmelblau"]
    direct = run(hb, "momentum", start=hb.default_start, steps=steps, **spec.hyper_dict())
    np.testing.assert_array_equal(r.xy, direct.xy)


def test_sgd_noise_does_not_depend_on_the_step_bucket():
    spec = RunSpec("sgd", (("learning_rate", 0.01), ("eta", 1.0)))
    short = compute(Scene(surface="himmelblau", runs=(spec,), steps=90, seed=3)).runs[0]
    long = compute(Scene(surface="himmelblau", runs=(spec,), steps=600, seed=3)).runs[0]
    np.testing.assert_array_equal(short.xy, long.xy[:91])


def test_every_surface_computes_without_nan():
    """Every surface with three optimizers, rotating so that each optimizer meets six or more surfaces."""
    rules = list(OPTIMIZERS)
    for i, key in enumerate(SURFACES):
        chosen = [rules[(i + j * 3) % len(rules)] for j in range(3)]
        r = compute(Scene(surface=key, runs=tuple(RunSpec.default(k) for k in chosen), steps=50))
        for x in r.runs:
            assert np.isfinite(x.xy).all() and np.isfinite(x.loss).all(), (key, x.spec.optimizer)
            assert x.outcome.text
        assert np.isfinite(r.landscape.color).all()


def test_result_pickles_for_the_cache():
    r = compute(Scene(steps=20))
    again = pickle.loads(pickle.dumps(r))
    assert again.caption == r.caption


def test_bad_scenes_are_refused_with_a_message():
    with pytest.raises(ValueError, match="surface"):
        Scene(surface="nope")
    with pytest.raises(ValueError, match="optimizer"):
        Scene(surface="himmelblau", runs=(RunSpec("nope"),))
    with pytest.raises(ValueError, match="steps"):
        Scene(steps=0)
    with pytest.raises(ValueError, match="between 1 and 6"):
        Scene(surface="himmelblau", runs=tuple(RunSpec.default("gd") for _ in range(7)))


def test_numbers_read_as_a_lecturer_writes_them():
    assert num(0.05) == "0.05" and num(-4.0) == "−4" and num(3.0) == "3" and num(1e-4) == "1e−4"
    assert num(123456.0) == "1.23e5" and num(-2.805118) == "−2.81"
    assert point(-4, 4) == "(−4, 4)"
    assert hyper_text(OPTIMIZERS["adam"], {**OPTIMIZERS["adam"].defaults(), "learning_rate": 0.05}) == "η 0.05"
    assert "β 0.9" in hyper_text(OPTIMIZERS["momentum"], {"learning_rate": 0.01, "momentum": 0.9})


def test_a_fraction_just_below_one_never_reads_as_one():
    """β = 0.9999 labelled "β 1" would mean no damping at all: the slider's stops 0.9995 and 0.9999 read as such."""
    assert [num(v) for v in (0.99, 0.995, 0.999, 0.9995, 0.9999)] == ["0.99", "0.995", "0.999", "0.9995", "0.9999"]
    assert num(-0.99999999) == "−0.99999999" and num(1.0004) == "1" and num(0.5) == "0.5"
    assert "β 0.9999" in hyper_text(OPTIMIZERS["momentum"], {"learning_rate": 0.01, "momentum": 0.9999})
    stops = [v for v in log_grid(1e-4, 1.0) + options(0.0, 0.9999, False, 0.9) if v < 1]
    assert all(num(v) != "1" for v in stops)  # no slider stop below 1 shows as 1


def test_machine_noise_is_printed_as_zero():
    """float32 underflow and rounding are not values: a run that reached (0, 0) ends at (0, 0), not (−6.55e−44, …)."""
    assert point(-6.55e-44, -6.91e-44) == "(0, 0)" and point(3e-13, 2.0) == "(0, 2)"
    assert point(1e-9, 0.5) == "(1e−9, 0.5)"  # a deliberate offset still shows (the Saddles perturbation: 1e−9 up)
    assert num(3e-13) == "0" and num(-1e-30) == "0" and num(2e-12) == "2e−12" and num(1e-4) == "1e−4"


def test_counts_agree_with_their_number():
    assert plural(1, "step") == "1 step" and plural(0, "step") == "0 steps" and plural(19, "step") == "19 steps"
    assert plural(1, "minimum", "minima") == "1 minimum" and plural(2, "minimum", "minima") == "2 minima"


def test_a_racer_label_has_one_pair_of_parentheses_at_most():
    spec = OPTIMIZERS["momentum"]
    label = run_label(spec.title, spec, {"learning_rate": 0.002, "momentum": 0.9})
    assert label == "Momentum (heavy ball) · η 0.002, β 0.9"


def test_sgd_noise_is_sigma_squared_never_eta():
    """η is the learning rate only: SGD's noise variance reads σ₀² in labels, sliders and its rule."""
    sgd = OPTIMIZERS["sgd"]
    label = hyper_text(sgd, sgd.defaults())
    assert label.count("η") == 1 and "σ₀² 10" in label
    assert sgd.hyper("eta").label == r"\sigma_0^2" and "noise" in sgd.hyper("eta").title
    assert sgd.latex.count(r"\eta") == 1  # the learning rate's, once


def test_newtons_damping_is_delta_as_lambda_is_an_eigenvalue():
    newton = OPTIMIZERS["newton"]
    assert hyper_text(newton, newton.defaults()) == "η 1, δ 0.001" and newton.hyper("damping").label == r"\delta"
    assert r"\lambda" not in newton.latex


def test_slider_grids():
    g = log_grid(1e-4, 1.0)
    assert g[0] == 1e-4 and g[-1] == 1.0 and all(a < b for a, b in zip(g, g[1:], strict=False))
    assert 0.05 in g and 0.002 in g and len(g) == 41
    opts = options(0.0, 0.999, False, 0.9)
    assert 0.9 in opts and 0.99 in opts and max(opts) == 0.999
    assert nearest(g, 0.0021, log=True) == 0.002
    for k, spec in OPTIMIZERS.items():
        for h in spec.hypers:
            o = options(h.lo, h.hi, h.log, h.default)
            assert h.default in o and min(o) >= h.lo - 1e-12 and max(o) <= h.hi + 1e-12, (k, h.name)


def test_newton_distance_is_the_exact_distance_on_a_quadratic():
    h = np.array([[1.0, 0.0], [0.0, 100.0]])
    x = np.array([0.3, -0.02])
    assert newton_distance(h @ x, h) == pytest.approx(np.hypot(*x))
    assert np.isfinite(newton_distance(np.array([1.0, 0.0]), np.zeros((2, 2))))  # singular: least squares


def test_a_slow_run_is_approaching_not_at_rest():
    """GD on Booth crawls along the shallow direction: small gradient, but the minimum is still ahead."""
    r = compute(Scene(surface="booth", runs=(RunSpec("gd", (("learning_rate", 0.01),)),), steps=300)).runs[0]
    assert r.outcome.kind == "approaching" and r.outcome.target.x == 1 and r.outcome.target.y == 3
    d = np.hypot(r.xy[-1, 0] - 1, r.xy[-1, 1] - 3)
    assert f"({num(d, 2)} away)" in r.outcome.text and d > REACH_TOL * 20


def test_rest_at_an_undocumented_minimum_is_named_as_such():
    """Lévi N.13 lists only its global minimum; a run stopping in one of its ~300 local minima says so."""
    r = compute(Scene(surface="levi_n13", runs=(RunSpec.default("adam"),))).runs[0]
    assert r.outcome.kind == "rest" and "a local minimum not among the documented points" in r.outcome.text
    assert r.outcome.detail.startswith("The loss there is")
    ((g, h),) = local_models(SURFACES["levi_n13"], r.xy[-1:])
    assert newton_distance(g, h) < REACH_TOL * SURFACES["levi_n13"].span and np.linalg.eigvalsh(h).min() > 0


def test_a_run_bouncing_with_too_large_a_step_is_not_approaching():
    """GD at lr 0.01 on Rastrigin: 2/L is about 0.005 at its minima, so it bounces from well to well."""
    r = compute(Scene(surface="rastrigin", runs=(RunSpec("gd", (("learning_rate", 0.01),)),))).runs[0]
    assert r.outcome.kind == "moving"


def test_scene_label_and_learning_rates_of_a_scheduled_run():
    cos = Schedule("cosine", decay_steps=100, alpha=0.1)
    spec = RunSpec("adam", (("learning_rate", 0.05),), cos)
    r = compute(Scene(surface="himmelblau", runs=(spec, RunSpec.default("gd")), steps=100))
    assert r.runs[0].label == "Adam · η 0.05, cosine" and "Adam · η 0.05, cosine" in r.caption
    assert r.runs[1].label == "Gradient descent · η 0.01" and r.runs[1].lr is None
    np.testing.assert_allclose(r.runs[0].lr, 0.05 * cos.multipliers(100), rtol=1e-7)
    assert r.runs[0].lr.shape == (100,)
    alone = run(SURFACES["himmelblau"], "adam", start=r.start, steps=100, learning_rate=0.05, schedule=cos)
    np.testing.assert_allclose(r.runs[0].xy, alone.xy, rtol=1e-6)
    assert hash(spec) != hash(RunSpec("adam", (("learning_rate", 0.05),)))
    assert pickle.loads(pickle.dumps(r)).runs[0].spec.schedule == cos  # st.cache_data pickles results


def test_a_run_caught_in_a_two_cycle_is_told_so_not_still_approaching():
    """RMSProp on Booth at η 0.3 ends jumping between two points 0.21 from the minimum (1, 3), for good: it was told
    "is still approaching the global minimum (1, 3)" at every length of run (issue 17). Checked on a run of 2000."""
    far = run(SURFACES["booth"], "rmsprop", start=SURFACES["booth"].default_start, steps=2000, learning_rate=0.3)
    d = np.hypot(far.xy[:, 0] - 1, far.xy[:, 1] - 3)
    for steps in (200, 300):
        o = compute(Scene(surface="booth", runs=(RunSpec("rmsprop", (("learning_rate", 0.3),)),), steps=steps))
        o = o.runs[0].outcome
        assert o.kind == "bouncing" and "approaching" not in o.text, o.text
        assert o.text.startswith(f"bounces across the global minimum (1, 3) and back, about {num(d[-1], 2)} away")
        assert d[steps:].min() > 0.9 * d[-1]  # never closer, to step 2000
        np.testing.assert_allclose(far.xy[-1], far.xy[-3], atol=1e-5)  # the same point every other step
        assert np.hypot(*(far.xy[-1] - far.xy[-2])) > d[-1]  # ... across the minimum from the one between


@pytest.mark.parametrize("surface", ["himmelblau", "booth", "six_hump_camel"])
def test_still_approaching_comes_closer_and_a_cycle_stays_away_on_a_longer_run(surface):
    """Every "still approaching" of a spread of racers comes nearer on the same run continued to 2000 steps, and every
    "bounces/circles ... no closer" stays as far as it said, to 2000 steps."""
    keys, told = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"), collections.Counter()
    for lr in (0.01, 0.03, 0.1, 0.3):
        res = compute(Scene(surface=surface, runs=tuple(RunSpec(k, (("learning_rate", lr),)) for k in keys), steps=200))
        for k, r in zip(keys, res.runs, strict=True):
            o = r.outcome
            if o.kind not in ("approaching", "bouncing", "circling"):
                continue
            longer = run(res.surface, k, start=res.start, steps=2000, learning_rate=lr)
            d = np.hypot(longer.xy[:, 0] - o.target.x, longer.xy[:, 1] - o.target.y)
            now = d[200]
            if o.kind == "approaching":
                assert d[201:].min() < 0.9 * now, (k, lr, o.text)
            else:
                assert d[201:].min() > 0.9 * o.band[0] and f"{num(o.band[1], 2)} away" in o.text, (k, lr, o.text)
            told[o.kind] += 1
    assert told["approaching"] and (told["bouncing"] or told["circling"]), told  # not vacuous


def test_a_run_thrown_out_uphill_is_told_diverged_not_ran_away_downhill():
    """(x²+y²)³ has a minimum at (0, 0), degenerate, so the formula's search (Newton on nondegenerate points) lists
    none: gradient descent's overshoot there (the loss 3855 -> 2.61e10) was told "ran away downhill ... (this
    surface has no minimum)". A saddle surface's real runaway still is, its loss falling (issue 17)."""
    scene = Scene(surface=CUSTOM, formula=("(x^2+y^2)^3", DEFAULT_DOMAIN), runs=(RunSpec.default("gd"),), steps=100)
    r = compute(scene).runs[0]
    assert not scene.surface_obj.minima and r.diverged_at is not None
    assert r.outcome.kind == "diverged" and "downhill" not in r.outcome.text
    first, last = float(r.loss[0]), float(r.loss[r.diverged_at])
    assert last > 1e6 * first
    assert f"The loss rose from {num(first)} at the start to {num(last)}" in r.outcome.detail
    away = compute(Scene(surface="monkey_saddle", runs=(RunSpec.default("gd"),), steps=300)).runs[0]
    assert away.outcome.kind == "runaway" and away.outcome.text.startswith("ran away downhill")
    assert away.loss[away.diverged_at] < away.loss[0] and "the loss fell from" in away.outcome.detail


def test_a_run_that_leaves_the_slope_of_easom_is_told_so_not_at_a_flat_point():
    """Adam at η 1 leaves Easom's well for (11.9, 7.9), outside the map, where exp(−(x−π)² − (y−π)²) ≈ e⁻¹⁰⁰ puts
    the slope below float32's smallest numbers: it was told "came to rest at ..., a flat (degenerate) point"."""
    res = compute(Scene(surface="easom", runs=(RunSpec("adam", (("learning_rate", 1.0),)),), steps=200))
    r = res.runs[0]
    x, y = (float(v) for v in r.xy[-1])
    (x0, x1), (y0, y1) = res.surface.domain
    assert not (x0 <= x <= x1 and y0 <= y <= y1)
    assert r.outcome.kind == "flat" and "flat (degenerate)" not in r.outcome.text
    said = f"stopped at {point(x, y)}, outside the map, where the surface has no slope left in float32"
    assert r.outcome.text == said
    # ∂f/∂x there in float64, f = −cos x cos y exp(−(x−π)² − (y−π)²): real, but far below float32's smallest normal
    # number (1.2e−38)
    bump = np.exp(-((x - np.pi) ** 2) - (y - np.pi) ** 2)
    slope = abs(np.sin(x) * np.cos(y) + 2 * (x - np.pi) * np.cos(x) * np.cos(y)) * bump
    assert 0 < slope < 1e-38


def test_a_run_circling_a_minimum_is_told_circling_and_one_spiralling_in_approaching():
    """outcome() on made paths around the quadratic's minimum (0, 0): a circle of radius 0.05 at 0.3 rad a step is
    "circles ... about 0.05 away, still at step 300"; the same circle shrinking 1% a step is still approaching."""
    surface = SURFACES["quadratic"]
    t = np.arange(301)
    for shrink, kind in ((1.0, "circling"), (0.99, "approaching")):
        r = 0.05 * shrink**t
        path = np.stack([r * np.cos(0.3 * t), r * np.sin(0.3 * t)], axis=1).astype(np.float32)
        xy, after = path[:201], path[201:]
        loss = np.asarray(surface.f(xy[:, 0], xy[:, 1]), np.float32)
        g, h = local_models(surface, xy[-1:])[0]
        o = outcome(surface, xy, loss, None, g, h, after=after)
        assert o.kind == kind, o.text
        if kind == "circling":
            assert o.text == "circles the global minimum (0, 0), about 0.05 away, still at step 300"
            assert o.band == pytest.approx((0.05, 0.05), rel=1e-3)
