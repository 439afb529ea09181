"""Every default teaches what its words say: the lessons of the pages' defaults and of the presets, computed with the
engine (no browser, no Streamlit), so that a change of a default, a rule or a surface cannot silently invert one.

One test per claim. Each preset is either checked here (PRESET_CLAIMS) or named in NO_CLAIM with why, so a new
preset comes with a decision.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from lab.pages import PAGES, PRESETS
from links import networks as pg
from optim import OPTIMIZERS, analysis, run
from scenes import RunSpec, Scene, compute, net_words
from scenes import networks as net
from scenes.saddles import saddle_study
from scenes.scene import DEFAULT_OPTIMIZERS, RACE_LEARNING_RATE
from surfaces import SURFACES


def preset_state(name: str):
    p = PRESETS[name]
    state, notices = PAGES[p.page].link.decode(dict(p.link))
    assert notices == []
    return state


def race(scene: Scene) -> dict[str, object]:
    """The scene's outcomes by optimizer."""
    return {r.spec.optimizer: r.outcome for r in compute(scene).runs}


def at_rate(scene: Scene, lr: float) -> Scene:
    return replace(scene, runs=tuple(RunSpec(r.optimizer, (("learning_rate", lr),)) for r in scene.runs))


# -- Trajectories: the opening race ----------------------------------------------------------------------------------
def test_the_opening_race_is_fair_and_momentum_then_adam_beat_gradient_descent():
    """All at one learning rate (the caption says so), every racer reaches the minimum, momentum first, Adam second,
    gradient descent last: measured 119, 314 and 405 steps."""
    scene = Scene()
    assert [r.optimizer for r in scene.runs] == list(DEFAULT_OPTIMIZERS)
    assert {r.hyper_dict()["learning_rate"] for r in scene.runs} == {RACE_LEARNING_RATE}
    result = compute(scene)
    assert f"all at η = {RACE_LEARNING_RATE}" in result.caption
    steps = {r.spec.optimizer: r.outcome.step for r in result.runs}
    assert all(r.outcome.kind == "reached" for r in result.runs)
    assert steps["momentum"] * 2 < steps["adam"] and steps["adam"] * 1.2 < steps["gd"]  # clear margins, not ties


@pytest.mark.parametrize("lr", [0.0125, 0.015, 0.02])
@pytest.mark.parametrize("start", [(-1.8, 1.2), (-1.6, 1.0), (-1.9, 1.1), (-1.5, 1.5), (-1.2, 1.8)])
def test_the_opening_lesson_is_no_knife_edge(lr, start):
    """The order holds a slider stop either side of the default rate and from starts nearby (a click away)."""
    told = race(replace(at_rate(Scene(), lr), start=start))
    assert told["momentum"].kind == "reached" and told["adam"].kind == "reached"
    assert told["momentum"].step < told["adam"].step
    assert told["gd"].kind != "reached" or told["adam"].step < told["gd"].step


# -- SGD's noise -----------------------------------------------------------------------------------------------------
def sgd_gd_gap(surface_key: str, seed: int) -> float:
    """The mean distance between SGD's path (at its defaults) and GD's at the same learning rate, over the opening
    race's steps, as a fraction of the domain's span."""
    s = SURFACES[surface_key]
    sgd = OPTIMIZERS["sgd"].defaults()
    kw = dict(start=s.default_start, steps=Scene().steps)
    gd = run(s, "gd", learning_rate=sgd["learning_rate"], **kw)
    noisy = run(s, "sgd", seed=seed, **sgd, **kw)
    return float(np.hypot(*(noisy.xy - gd.xy).T).mean() / s.span)


def test_sgd_at_its_defaults_draws_a_visibly_different_path_from_gd():
    """On the opening surface SGD strays from GD's path by 2.5% of the domain or more on average whatever the seed
    (3.5% in the median of five seeds; the old default σ₀² = 10 gave 1.1%), and by 2% or more over the catalogue."""
    assert min(sgd_gd_gap(Scene().surface, seed) for seed in range(3)) > 0.025
    gaps = [sgd_gd_gap(k, 0) for k in ("narrow_valley", "booth", "matyas", "rosenbrock", "beale", "six_hump_camel")]
    assert np.median(gaps) > 0.02


# -- Networks: train vs test, batch norm ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def test_runs():
    """Train vs test's default and the runs its two switches make (at what each switches on by default)."""
    base = net.SECTION_DEFAULTS["test"]
    on = {
        what: replace(base, **pg.change_defaults(what))
        for what in (pg.COMPARE[pg.TEST]["l2"], pg.COMPARE[pg.TEST]["aug"])
    }
    return net.train(base), {what: net.train(s) for what, s in on.items()}


def test_l2_lowers_the_test_loss_and_the_caption_and_the_preset_say_so(test_runs):
    off, on = test_runs
    l2 = on["L2 regularisation"]
    assert l2.test_loss[-1] < 0.5 * off.test_loss[-1]  # measured 1.47 -> 0.486 on one CPU, 0.45 on another
    assert "L2 regularisation lowered the test loss" in net_words.train_vs_test_caption("L2 regularisation", off, l2)
    lesson = PRESETS["train-vs-test"].lesson  # a lesson's words hold on every machine: the training is chaotic
    assert "falls by more than half" in lesson and l2.test_loss[-1] < 0.5
    assert f"from about {off.test_loss[-1]:.1f} to under 0.5" in lesson


def test_the_augmentation_caption_matches_what_augmentation_did(test_runs):
    """At the default (jitter 0.1) augmentation does not lower the test loss (1.47 -> 2.81), and the caption says so
    and why: the network still fits its training points, and the few test points it gets wrong, called with near
    certainty, carry almost all the test loss."""
    off, on = test_runs
    aug = on["Augmentation"]
    said = net_words.train_vs_test_caption("Augmentation", off, aug)
    if aug.test_loss[-1] < off.test_loss[-1]:
        assert "augmentation lowered the test loss" in said
        return
    assert "augmentation did not lower the test loss" in said
    assert aug.train_loss[-1] < 0.01 and "probability above 0.999" in said
    k, n, share, sure = net_words._wrong(aug)
    assert 0 < k < n / 2 and share > 0.9 and sure > 0.999


def test_batch_norm_s_jump_in_lambda_max_is_what_the_caption_says():
    """λmax at init 0.867 without and 5.98 with batch norm; with batch norm, doubling the hidden weights gives the same
    loss (the function is unchanged) and a much smaller λmax (2.25), halving them a larger one (21.8)."""
    scene = net.SECTION_DEFAULTS["variants"]
    on, off = replace(scene, batchnorm=True), replace(scene, batchnorm=False)
    p = on.initial()
    lam, lam_off = net.top_at(on, p), net.top_at(off, off.initial())
    assert lam > 3 * lam_off  # the jump the caption explains
    loss = float(on.problem.objective(p))
    for c in (0.5, 2.0):
        q = net_words.scaled_hidden(p, c)
        assert float(on.problem.objective(q)) == pytest.approx(loss, rel=1e-4)
    assert (
        net.top_at(on, net_words.scaled_hidden(p, 2.0))
        < lam / 2
        < lam * 2
        < net.top_at(on, net_words.scaled_hidden(p, 0.5))
    )
    text = net_words.batchnorm_caption(scene)
    assert "1/c²" in text and "same loss" in text


# -- the presets' lessons --------------------------------------------------------------------------------------------
def check_stuck_on_rastrigin(state):
    """All three settle in the local minimum next to the start, (0.995, 0) beside the global one, and no path goes
    farther from its end than the start; the bowls' curvature ≈ 397 puts 2/λ just above 0.005; at η = 0.01 gradient
    descent settles nowhere."""
    scene = state.scene
    result = compute(scene)
    start = np.array(result.start)
    nearest = min(scene.surface_obj.minima, key=lambda m: np.hypot(m.x - start[0], m.y - start[1]))
    assert nearest.kind == "local" and (nearest.x, nearest.y) == pytest.approx((0.995, 0.0), abs=1e-3)
    for r in result.runs:
        assert r.outcome.kind == "reached" and r.outcome.target == nearest
        end = r.xy[-1]
        assert np.hypot(*(r.xy - end).T).max() <= np.hypot(*(start - end)) + 1e-6  # no scribble
    _, h = analysis.curvature(scene.surface_obj, np.array([[nearest.x, nearest.y]]))
    lam = float(np.linalg.eigvalsh(h[0]).max())
    assert lam == pytest.approx(397, rel=0.005) and 0.002 < 2 / lam < 0.0051
    gd = replace(scene, runs=(RunSpec("gd", (("learning_rate", 0.01),)),))
    assert race(gd)["gd"].kind not in ("reached", "approaching", "rest")


def check_three_minima(state):
    told = race(state.scene)
    assert all(o.kind == "reached" and o.target.kind == "global" for o in told.values())
    assert len({o.target for o in told.values()}) == 3


def check_stuck_in_a_local_minimum(state):
    told = race(state.scene)
    assert all(o.kind == "reached" and o.target.kind == "local" for o in told.values())
    assert len({o.target for o in told.values()}) == 1


def check_narrow_valley(state):
    """GD crawls (not there in 300 steps), heavy ball and Nesterov reach the minimum."""
    told = race(state.scene)
    assert told["gd"].kind != "reached"
    assert told["momentum"].kind == told["nesterov"].kind == "reached"


def check_rosenbrock(state):
    """The step that suits the floor (the race's gradient descent, η = 0.01) is too large on the walls: it diverges
    at once; momentum at its smaller step does get along the floor to (1, 1)."""
    told = race(state.scene)
    assert told["gd"].kind == "diverged" and told["gd"].step <= 5
    assert told["momentum"].kind == "reached"


def check_too_large_a_learning_rate(state):
    scene = state.scene
    _, h = analysis.curvature(scene.surface_obj, np.array([[0.0, 0.0]]))
    lam = float(np.linalg.eigvalsh(h[0]).max())
    lr = scene.runs[0].hyper_dict()["learning_rate"]
    assert lam == pytest.approx(20) and lr == 0.125 > 2 / lam
    assert race(scene)["gd"].kind == "diverged"


def check_sharp_minima(state):
    """With η = 0.02 GD settles at Himmelblau's two minima whose λmax is below 2/η = 100 (about 82 and 81) and not at
    the other two (about 134 and 105): started next to each, it stays only at those two."""
    scene = state.scene
    surface = scene.surface_obj
    lr = scene.runs[0].hyper_dict()["learning_rate"]
    points = np.array([[m.x, m.y] for m in surface.minima])
    _, h = analysis.curvature(surface, points)
    lam = np.linalg.eigvalsh(h).max(axis=1)
    assert sorted(np.round(lam).astype(int)) == [81, 82, 105, 134]
    starts = points + 0.05
    tr = run(surface, "gd", start=starts, steps=scene.steps, learning_rate=lr)
    settled = np.hypot(*(tr.xy[:, -1] - points).T) < 1e-3
    np.testing.assert_array_equal(settled, lam < 2 / lr)


def check_newton_finds_the_saddle(state):
    """From the stable direction exactly GD (and Newton) stop at the saddle; ε off it GD escapes at its rate
    (1 + 2η)^t, while Newton still goes to the saddle."""
    study = saddle_study(state.scene, state.saddle, state.eps)
    exact = {r.spec.optimizer: r.outcome.kind for r in study.exact.runs}
    perturbed = {r.spec.optimizer: r.outcome.kind for r in study.perturbed.runs}
    assert exact["gd"] == exact["newton"] == "saddle"
    assert perturbed["gd"] != "saddle" and perturbed["newton"] == "saddle"
    theory, measured = study.escape["gd"]
    lr = state.scene.runs[0].hyper_dict()["learning_rate"]
    assert theory == pytest.approx(1 + 2 * lr) and measured == pytest.approx(theory, rel=1e-3)


def check_learning_rate_sweep(state):
    """On ½(x² + κy²), κ = 10: the fewest steps near 2/(μ+L) = 2/11, a zig-zag above it, divergence beyond 2/L = 0.2."""
    surface = state.scene.surface_obj
    lrs = np.array([0.05, 0.1, 0.15, 2 / 11, 0.19, 0.21, 0.25], np.float32)
    tr = run(surface, "gd", start=surface.default_start, steps=500, learning_rate=lrs)
    assert list(tr.diverged_at >= 0) == [False] * 5 + [True] * 2  # a batch tells no divergence by -1
    tol = 1e-3 * surface.span
    steps = [int(np.argmax(np.hypot(*tr.xy[i].T) < tol)) for i in range(5)]
    assert steps[3] == min(steps)
    y = tr.xy[4, 1:20, 1]  # above 2/(μ+L): the steep coordinate changes sign every step
    assert np.all(np.sign(y[1:]) != np.sign(y[:-1]))


def check_zero_initialisation(state):
    """w₂·tanh(w₁x) from zero: the gradient is exactly zero and nothing moves; from the preset's small random start
    each racer escapes to one of the two mirror-image minima (gradient descent is still closing in at step 2000)."""
    surface = SURFACES["two_param_net"]
    for r in state.whole.runs:
        still = run(surface, r.optimizer, start=(0.0, 0.0), steps=100, **r.hyper_dict())
        assert np.all(still.xy == 0)
    start = state.whole.scale * np.random.default_rng(state.whole.seed).normal(size=2)
    scene = Scene(surface="two_param_net", runs=state.whole.runs, start=tuple(start), steps=state.whole.steps)
    told = race(scene)
    assert all(o.kind in ("reached", "approaching") and o.target.kind == "global" for o in told.values()), told
    a, b = surface.global_minima
    assert (a.x, a.y) == pytest.approx((-b.x, -b.y))  # mirror images


def check_symmetric_initialisation(state):
    zeros = net.train(state.scene)
    xavier = net.train(replace(state.scene, init="xavier"))
    assert net.distinct_units(zeros.final) == 1 and net.distinct_units(xavier.final) == state.scene.widths[0]


def check_vanishing_signals(state):
    from scenes import depth as dp

    sig = dp.all_signals(state.depth)
    assert dp.ratio(sig["normal"].act_std) < 1e-15  # vanishes
    assert 0.3 < dp.ratio(sig["xavier"].act_std) / 2 ** (-(state.depth.depth - 1) / 2) < 3  # half the variance a layer
    assert 0.3 < dp.ratio(sig["he"].act_std) < 3  # keeps its size
    bn = dp.all_signals(replace(state.depth, batchnorm=True))
    assert all(0.5 < dp.ratio(bn[k].act_std) < 2 for k in ("normal", "xavier", "he"))


def check_ridge_and_lasso(state):
    from scenes import shrinkage as sh

    r = sh.shrinkage(state.shrink)
    assert r.lasso[1] == 0.0 and r.lasso[0] != 0.0  # the lasso drops w₂ exactly
    assert np.all(r.ridge != 0.0) and np.hypot(*r.ridge) < np.hypot(*r.ols)  # ridge shrinks, zeroes nothing


def check_minibatch_sgd(state):
    from scenes import minibatch as mb

    w = mb.walk(state.minibatch)
    assert mb.full_loss(w.sgd[-1]) < 0.1 * mb.full_loss(w.gd[-1])  # further per epoch than full-batch descent


def check_a_fair_race(state):
    """The preset's rates are the fair race of the opening race, and the outcomes are the lesson's."""
    from charts.trajectories import fair_race

    assert fair_race(Scene()).fair == state.scene
    told = race(state.scene)
    assert [told[k].step for k in ("gd", "momentum", "adam")] == [38, 104, 110]
    assert all(told[k].kind == "reached" for k in told)
    assert race(Scene())["momentum"].step < race(Scene())["gd"].step  # at one shared η, momentum won


def check_inside_each_step(state):
    from scenes.internals import internals

    assert state.internals and state.scene == Scene()
    gd, mom, adam = internals(compute(state.scene))
    ratio = [np.linalg.norm(mom.carry[t]) / np.linalg.norm(mom.gradient[t]) for t in range(10, 101)]
    assert np.median(ratio) == pytest.approx(2.9, abs=0.05)
    wide = adam.axes[1:300, 0] / adam.axes[1:300, 1]
    assert 5 < wide.min() and wide.max() < 7


def check_minibatch_on_a_line(state):
    from scenes import minibatch as mb

    fit, w = state.minibatch.fit, mb.walk(state.minibatch)
    low = fit.loss(*fit.minimum)
    assert fit.key == "linear" and state.minibatch.batch == 1
    assert mb.full_loss(w.sgd[-1], fit) < 1.1 * low and mb.full_loss(w.gd[-1], fit) > 9 * low
    ws = np.linspace(-1, 3, 9)  # one point's loss is zero along the whole line b = yᵢ − w·xᵢ
    np.testing.assert_allclose(fit.loss(ws, fit.y[5] - ws * fit.x[5], [5]), 0, atol=1e-24)


PRESET_CLAIMS = {
    "a-fair-race": check_a_fair_race,
    "inside-each-step": check_inside_each_step,
    "minibatch-on-a-line": check_minibatch_on_a_line,
    "stuck-on-rastrigin": check_stuck_on_rastrigin,
    "three-minima": check_three_minima,
    "stuck-in-a-local-minimum": check_stuck_in_a_local_minimum,
    "momentum-through-a-narrow-valley": check_narrow_valley,
    "rosenbrock-banana": check_rosenbrock,
    "too-large-a-learning-rate": check_too_large_a_learning_rate,
    "a-step-too-large-for-sharp-minima": check_sharp_minima,
    "newton-finds-the-saddle": check_newton_finds_the_saddle,
    "learning-rate-sweep": check_learning_rate_sweep,
    "zero-initialisation": check_zero_initialisation,
    "symmetric-initialisation": check_symmetric_initialisation,
    "vanishing-signals": check_vanishing_signals,
    "ridge-and-lasso": check_ridge_and_lasso,
    "minibatch-sgd": check_minibatch_sgd,
    "train-vs-test": None,  # test_l2_lowers_the_test_loss_and_the_caption_and_the_preset_say_so
}
NO_CLAIM = {  # presets whose lesson names no outcome to compute, or whose claim a test of its own checks
    "basins": "describes the picture (each optimizer carves the plane differently)",
    "pca-landscape": "describes the picture",
    "regimes": "describes the picture (four rates labelled as multiples of 2/L)",
    "momentum-rates": "the measured rates against theory: tests/test_lab.py",
    "phase-diagram": "the boundary 2(1+β)/L and Polyak's optimum: tests/test_lab.py",
    "escaping-with-noise": "noise and momentum escape more often: tests/test_escape.py",
    "edge-of-stability": "3000 steps of a network and its sharpness: tests/test_app_networks.py",
    "backpropagation-by-hand": "the products equal jax.grad and make the run's step: tests/test_backprop.py",
    "map-the-edge-of-stability-together": "diverged beyond 2(1+β)/L, fastest near η*: tests/test_class_round.py",
}


def test_every_preset_is_checked_or_says_why_not():
    assert set(PRESET_CLAIMS) | set(NO_CLAIM) == set(PRESETS)
    assert not set(PRESET_CLAIMS) & set(NO_CLAIM)


@pytest.mark.parametrize("name", [k for k, v in PRESET_CLAIMS.items() if v is not None])
def test_a_preset_s_lesson_holds(name):
    PRESET_CLAIMS[name](preset_state(name))


def test_a_surface_chosen_from_the_menu_starts_its_racers_where_they_can_settle():
    """At the opening race's η = 0.015 gradient descent scribbled over Rastrigin (2/L = 0.005 at its minimum):
    choosing a surface lowers a rate at or above its rule's stability limit there, says so, and the race settles."""
    from pages import open_link

    at = open_link("trajectories", {})
    at.selectbox(key="surface").set_value("rastrigin").run()
    top = 2 + 40 * np.pi**2  # Rastrigin's curvature at its minimum: 2 + 4π²·A, A = 10
    gd, hb, adam = (at.session_state[f"{k}.learning_rate"] for k in ("gd", "momentum", "adam"))
    assert gd <= 1 / top < 2 / top and hb <= 1.9 / top  # below half of 2/L and of 2(1+β)/L
    assert adam == RACE_LEARNING_RATE  # an adaptive rule has no such limit: kept
    said = at.info[0].value
    assert "L = 397" in said and f"settles below {2 / top:.3g}" in said and "Adam" not in said
    result = compute(
        replace(Scene(surface="rastrigin", runs=(RunSpec("gd", (("learning_rate", gd),)),)), start=(4.2, -3.8))
    )
    assert "reached" in result.runs[0].outcome.text and result.runs[0].diverged_at is None
    linked = open_link("trajectories", {"surface": "rastrigin"})  # a link opens as it says
    assert linked.session_state["gd.learning_rate"] == RACE_LEARNING_RATE and not linked.info
