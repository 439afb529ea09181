"""scenes.learning_rate and scenes.momentum: the sweep, the regimes, the phase diagram and the momentum race, checked
against the theory."""

from __future__ import annotations

import math

import numpy as np
import pytest

from charts import learning_rate as labfig
from optim import analysis as an
from scenes import RunSpec, Scene, momentum
from scenes import learning_rate as lab
from surfaces import SURFACES
from viz import THEMES


def scene(surface="quadratic", opt="gd", steps=500, params=(), **hyper) -> Scene:
    spec = RunSpec(opt, tuple(sorted({**RunSpec.default(opt).hyper_dict(), **hyper}.items())))
    return Scene(surface=surface, surface_params=params, runs=(spec,), steps=steps)


def test_a_sweep_is_one_vectorised_call_of_200_learning_rates(monkeypatch):
    calls = []
    real = lab.run
    monkeypatch.setattr(lab, "run", lambda *a, **k: calls.append(k["learning_rate"]) or real(*a, **k))
    sw = lab.sweep(scene())
    assert len(calls) == 1 and len(calls[0]) == lab.SWEEP_SIZE >= 100
    assert np.all(np.diff(np.log(sw.lrs)) > 0)


@pytest.mark.parametrize("kappa", [10.0, 100.0])
def test_gd_sweep_draws_2_over_L_and_the_runs_on_either_side_agree(kappa):
    sw = lab.sweep(scene(params=(("kappa", kappa),)))
    assert sw.curvature.top == pytest.approx(kappa, rel=1e-5) and sw.curvature.mu == pytest.approx(1.0, rel=1e-5)
    marks = {t.key: t.value for t in sw.thresholds}
    assert marks["stable"] == pytest.approx(2 / kappa, rel=1e-5)
    assert marks["optimal"] == pytest.approx(2 / (1 + kappa), rel=1e-5)
    below, above = sw.lrs < 0.98 * marks["stable"], sw.lrs > 1.02 * marks["stable"]
    assert (sw.diverged_at[below] < 0).all() and (sw.diverged_at[above] >= 0).all()
    # the fastest learning rate of the sweep sits at the optimal step (within the sweep's resolution)
    best = sw.lrs[sw.best()]
    assert best == pytest.approx(marks["optimal"], rel=0.1)


def test_momentum_and_nesterov_sweeps_draw_their_own_limits():
    for opt, beta, limit in (("momentum", 0.9, 2 * 1.9 / 10), ("nesterov", 0.5, 3 / (2 * 10))):
        sw = lab.sweep(scene(opt=opt, momentum=beta))
        assert [t.key for t in sw.thresholds] == ["stable"]
        assert sw.limit == pytest.approx(limit, rel=1e-5)
        assert (sw.diverged_at[sw.lrs < 0.97 * limit] < 0).all()
        assert (sw.diverged_at[sw.lrs > 1.03 * limit] >= 0).all()


def test_theory_steps_follow_the_measured_steps_on_a_quadratic():
    sw = lab.sweep(scene(params=(("kappa", 10.0),)))
    ok = (sw.reached > 20) & np.isfinite(sw.theory_steps)
    assert ok.sum() > 30
    assert np.median(np.abs(sw.theory_steps[ok] / sw.reached[ok] - 1)) < 0.1


def test_surfaces_without_a_minimum_or_rules_without_a_limit_say_so():
    sw = lab.sweep(scene("saddle"))
    assert sw.thresholds == () and sw.curvature is None and "no minimum" in sw.note
    sw = lab.sweep(scene(opt="adam"))
    assert sw.thresholds == () and sw.curvature is not None and "no threshold" in sw.note
    fig = labfig.sweep(sw, THEMES["normal"])  # 2/L is drawn for scale only
    assert [s["line"]["dash"] for s in fig.to_plotly_json()["layout"]["shapes"]] == ["dash"]


@pytest.mark.parametrize(
    "surface,opt",
    [
        ("quadratic", "gd"),
        ("narrow_valley", "momentum"),
        ("himmelblau", "gd"),
        ("rosenbrock", "nesterov"),
        ("beale", "adam"),
        ("saddle", "gd"),
    ],
)
def test_regimes_are_ordered_and_do_what_their_names_say(surface, opt):
    sw = lab.sweep(scene(surface, opt))
    regimes = lab.regimes(sw)
    names = [r.name for r in regimes]
    rates = dict((r.name, r.lr) for r in regimes)
    assert names[0] == "too small"
    assert list(rates.values()) == sorted(rates.values())
    if "divergent" in rates:
        assert regimes[-1].result.runs[0].diverged_at is not None
    if "above the limit" in rates:  # thrown out of the minimum's basin without diverging
        assert regimes[-1].result.runs[0].outcome.target != sw.curvature.minimum
    if "about right" in rates and surface != "rosenbrock":  # Rosenbrock's valley outlasts 500 steps of GD-like rules
        assert regimes[1].result.runs[0].outcome.kind == "reached"
    if sw.two_over_l is not None:
        assert all("× 2/L" in r.label for r in regimes)


def test_regimes_on_the_quadratic_are_labelled_against_2_over_L():
    regimes = lab.regimes(lab.sweep(scene(params=(("kappa", 10.0),))))
    assert [r.label for r in regimes] == [
        "η = 0.00909 = 0.045 × 2/L",
        "η = 0.182 = 0.91 × 2/L",
        "η = 0.195 = 0.98 × 2/L",
        "η = 0.215 = 1.1 × 2/L",
    ]
    assert regimes[0].result.runs[0].outcome.kind == "approaching"  # too small: still on its way after 500 steps
    xy = regimes[2].result.runs[0].xy  # too large: the steep coordinate flips sign every step
    assert (np.sign(xy[1:40, 1]) != np.sign(xy[:39, 1])).all()


@pytest.mark.parametrize("opt", ["momentum", "nesterov"])
def test_phase_diagram_boundary_optimum_and_cells_agree_with_theory(opt):
    ph = lab.phase(scene(opt=opt, params=(("kappa", 10.0),)))
    assert ph.quadratic and ph.reached.shape == ph.diverged.shape == (lab.PHASE_BETAS, lab.PHASE_LRS)
    expected = [an.stability_limit(opt, 10.0, {"momentum": b}) for b in ph.betas]
    assert ph.boundary == pytest.approx(expected, rel=1e-5)
    lr, beta = np.meshgrid(ph.lrs, ph.betas)
    edge = ph.boundary[:, None]
    assert not ph.diverged[lr < 0.97 * edge].any()
    assert ph.diverged[lr > 1.03 * edge].all()
    best = an.optimal_setting(opt, 1.0, 10.0)
    assert ph.optimum == pytest.approx(best)
    r, c = ph.best()  # the fastest cell lies near the theoretical optimum
    assert abs(math.log(ph.lrs[c] / best["learning_rate"])) < 0.5 and abs(ph.betas[r] - best["momentum"]) < 0.15


def test_phase_diagram_on_a_non_convex_surface_has_no_boundary_but_is_measured():
    ph = lab.phase(scene("himmelblau", "momentum"))
    assert not ph.quadratic and ph.boundary is None and ph.optimum is None
    assert (ph.reached >= 0).any() and ph.diverged.any()
    fig = labfig.phase(ph, THEMES["normal"], picked=(0.01, 0.5)).to_plotly_json()
    layer = fig["data"][0]  # the click layer: one transparent cell per run of the grid, hovering its steps
    assert layer["type"] == "heatmap" and layer["meta"] == "click layer" and np.allclose(layer["x"], np.log10(ph.lrs))
    assert np.asarray(layer["customdata"]).shape == ph.reached.shape
    assert sum(t["type"] == "heatmap" for t in fig["data"]) == 4


def test_adam_phase_diagram_sweeps_b1():
    ph = lab.phase(scene("quadratic", "adam"))
    assert ph.beta_name == "b1" and ph.boundary is None
    s = lab.with_lr_beta(ph, 0.1, 0.5)
    assert s.runs[0].hyper_dict()["b1"] == 0.5 and s.runs[0].hyper_dict()["learning_rate"] == 0.1


@pytest.mark.parametrize(
    "surface,params", [("quadratic", (("kappa", 100.0),)), ("narrow_valley", (("angle", 45.0), ("kappa", 100.0)))]
)
def test_momentum_race_measures_the_published_rates(surface, params):
    race = momentum.momentum_race(Scene(surface=surface, surface_params=params, steps=1000))
    assert [r.optimizer for r in race.rows] == ["gd", "momentum", "nesterov"]
    k = 100.0
    theory = [(k - 1) / (k + 1), (math.sqrt(k) - 1) / (math.sqrt(k) + 1), 1 - 2 / math.sqrt(3 * k + 1)]
    assert [r.theory for r in race.rows] == pytest.approx(theory)
    for row in race.rows:
        assert row.measured == pytest.approx(row.theory, rel=0.03)
    fig = labfig.rates(race, THEMES["normal"]).to_plotly_json()
    assert len(fig["data"]) == 6  # measured and theory per rule


def test_momentum_race_refuses_a_non_quadratic():
    with pytest.raises(ValueError, match="not a convex quadratic"):
        momentum.momentum_race(Scene(surface="himmelblau"))


@pytest.mark.parametrize(
    "opt,hyper,expected",
    [
        (
            "gd",
            {"learning_rate": 0.25},
            "λmax = 10 exceeds 2/η = 8, so each step multiplied the error along that direction by |1 − ηλmax| = 1.5",
        ),
        ("momentum", {"learning_rate": 0.45, "momentum": 0.9}, "λmax = 10 exceeds 2(1+β)/η = 8.44"),
        ("nesterov", {"learning_rate": 0.2, "momentum": 0.5}, "λmax = 10 exceeds (2+2β)/((1+2β)η) = 7.5"),
    ],
)
def test_a_divergence_is_explained_by_the_curvature_against_the_step(opt, hyper, expected):
    from scenes import compute

    result = compute(scene(opt=opt, params=(("kappa", 10.0),), **hyper))
    told = result.runs[0].outcome
    assert told.text == f"diverged at step {told.step}" and expected in told.detail  # the why, on demand


def test_divergence_reasons_for_adaptive_rules_and_runaways():
    from scenes.outcome import divergence_reason

    h = np.diag([1.0, 50.0])
    adam = divergence_reason("adam", {}, 0.1, h)
    assert "only a guide" in adam and "λmax = 50 against 2/η = 20" in adam
    assert "is below 2/η = 20" in divergence_reason("gd", {}, 0.1, np.diag([1.0, 3.0]))
    assert divergence_reason("newton", {"damping": 1e-3}, 1.0, h) == ""


def test_the_warm_up_covers_every_section_of_the_lab_at_its_defaults():
    from charts import learning_rate as learning_rate_charts

    jobs = list(learning_rate_charts.likely_work())
    assert [fn.__name__ for fn, _ in jobs[:4]] == ["sweep", "regimes", "phase", "momentum_race"]
    assert {arg.runs[0].optimizer for fn, arg in jobs if fn is lab.sweep} == set(lab.OPTIMIZERS)
    for fn, arg in jobs[:4]:
        assert fn(arg) is not None


def test_moving_the_condition_number_or_the_angle_never_recompiles():
    from test_optim_run import CompileCounter

    from scenes import compute

    def every_section(params):
        s = scene("narrow_valley", "momentum", params=params)
        lab.sweep(s)
        lab.phase(s)
        momentum.momentum_race(replace_runs(s))
        compute(s)

    def replace_runs(s):
        return Scene(surface=s.surface, surface_params=s.surface_params, steps=s.steps)

    every_section((("angle", 45.0), ("kappa", 100.0)))  # compile once
    with CompileCounter() as counter:
        every_section((("angle", 30.0), ("kappa", 20.0)))
        every_section((("angle", 90.0), ("kappa", 1000.0)))
    assert counter.count == 0


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_every_surface_sweeps_and_maps_and_says_why_when_there_is_no_threshold(key):
    s = scene(key, "momentum", steps=200)
    sw = lab.sweep(s)
    assert len(sw.lrs) == lab.SWEEP_SIZE and np.isfinite(sw.final).all()
    if sw.thresholds:
        assert sw.curvature.mu > 0 and sw.limit == sw.thresholds[0].value
    else:
        assert sw.note  # no minimum, or no minimum with positive curvature: said, not drawn
    names = [n for n, _ in lab.regime_rates(sw)]
    assert names[0] == "too small" and len(names) >= 2
    ph = lab.phase(s)
    assert ph.reached.shape == (lab.PHASE_BETAS, lab.PHASE_LRS)
    assert (ph.boundary is not None) == (key in ("quadratic", "narrow_valley", "booth", "matyas"))  # the quadratics


def test_the_warm_up_covers_the_minima_page():
    from charts import minima as minima_charts

    jobs = list(minima_charts.likely_work())
    assert len(jobs) == 8 and all(callable(fn) for fn, _ in jobs)
