"""optim.analysis: the thresholds equal the theory on quadratics of known spectrum, runs just below converge and just
above diverge, and the rates measured at the best settings match (κ−1)/(κ+1), (√κ−1)/(√κ+1), 1 − 2/√(3κ+1)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optim import analysis as an
from optim import run
from surfaces import SURFACES


def quadratic(kappa: float):
    return SURFACES["quadratic"].with_params(kappa=kappa)


def valley(kappa: float, angle: float = 30.0):
    return SURFACES["narrow_valley"].with_params(kappa=kappa, angle=angle)


def theory_limit(rule: str, top: float, beta: float, damping: float) -> float:
    return {
        "gd": 2 / top,
        "momentum": 2 * (1 + beta) / top,
        "nesterov": (2 + 2 * beta) / ((1 + 2 * beta) * top),
        "newton": 2 * (1 + damping / top),
    }[rule]


@pytest.mark.parametrize(
    "surface",
    [quadratic(10), quadratic(100), valley(100), valley(25, 70)],
    ids=["q10", "q100", "valley100", "valley25"],
)
def test_eigenvalues_are_the_known_spectrum(surface):
    kappa = dict(surface.values)["kappa"]
    ev = an.eigenvalues(surface, (0.0, 0.0))
    assert ev == pytest.approx([1.0, kappa], rel=1e-5)
    # away from the minimum too: the Hessian of a quadratic is constant
    assert an.eigenvalues(surface, (1.3, -0.7)) == pytest.approx([1.0, kappa], rel=1e-5)


RULES = [
    ("gd", 0.0, 0.0),
    ("momentum", 0.0, 0.0),
    ("momentum", 0.5, 0.0),
    ("momentum", 0.9, 0.0),
    ("nesterov", 0.0, 0.0),
    ("nesterov", 0.5, 0.0),
    ("nesterov", 0.9, 0.0),
    ("newton", 0.0, 0.5),
]


@pytest.mark.parametrize("rule,beta,damping", RULES)
@pytest.mark.parametrize("surface", [quadratic(10), valley(100)], ids=["q10", "valley100"])
def test_threshold_equals_theory_and_separates_convergence_from_divergence(surface, rule, beta, damping):
    mu, top = an.eigenvalues(surface, (0.0, 0.0))
    hyper = {"momentum": beta} if rule in ("momentum", "nesterov") else {}
    if rule == "newton":
        hyper = {"damping": damping}
    limit = an.stability_limit(rule, top, hyper)
    assert limit == pytest.approx(theory_limit(rule, float(dict(surface.values)["kappa"]), beta, damping), rel=1e-5)
    drawn = an.thresholds(rule, mu, top, hyper)
    assert drawn[0].key == "stable" and drawn[0].value == limit
    start = surface.starts[0]
    below = run(surface, rule, start=start, steps=2000, **hyper, learning_rate=0.98 * limit)
    above = run(surface, rule, start=start, steps=2000, **hyper, learning_rate=1.02 * limit)
    assert below.diverged_at is None
    assert np.hypot(*below.xy[-1]) < 1e-3
    assert above.diverged_at is not None


def test_gd_also_marks_the_optimal_step_and_the_adaptive_rules_have_no_threshold():
    mu, top = 1.0, 10.0
    marks = {t.key: t.value for t in an.thresholds("gd", mu, top)}
    assert marks == pytest.approx({"stable": 0.2, "optimal": 2 / 11})
    for rule in ("adam", "adamw", "rmsprop", "adagrad"):
        assert an.thresholds(rule, mu, top) == ()
        assert an.stability_limit(rule, top) is None
    assert an.stability_limit("gd", -1.0) is None  # no positive curvature: no threshold


@pytest.mark.parametrize("rule", ["gd", "momentum", "nesterov"])
@pytest.mark.parametrize("kappa", [4.0, 10.0, 100.0, 1000.0])
def test_spectral_rate_at_the_optimal_setting_is_the_published_rate(rule, kappa):
    s = an.optimal_setting(rule, 1.0, kappa)
    published = {
        "gd": (kappa - 1) / (kappa + 1),
        "momentum": (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1),
        "nesterov": 1 - 2 / math.sqrt(3 * kappa + 1),
    }[rule]
    assert s["rate"] == pytest.approx(published, rel=1e-12)
    assert an.spectral_rate(rule, s["learning_rate"], s["momentum"], (1.0, kappa)) == pytest.approx(published, rel=1e-6)
    # slightly off the optimum is slower
    for f in (0.9, 1.1):
        assert an.spectral_rate(rule, f * s["learning_rate"], s["momentum"], (1.0, kappa)) > published
    # and the rate crosses 1 at the stability limit
    limit = an.stability_limit(rule, kappa, {"momentum": s["momentum"]})
    assert an.spectral_rate(rule, 0.999 * limit, s["momentum"], (1.0, kappa)) < 1
    assert an.spectral_rate(rule, 1.001 * limit, s["momentum"], (1.0, kappa)) > 1


@pytest.mark.parametrize("rule", ["gd", "momentum", "nesterov"])
@pytest.mark.parametrize(
    "surface",
    [quadratic(10), quadratic(100), valley(100, 30), valley(1000, 45)],
    ids=["q10", "q100", "valley100", "valley1000"],
)
def test_measured_rate_at_the_optimal_setting_matches_theory_within_a_few_percent(surface, rule):
    mu, top = an.eigenvalues(surface, (0.0, 0.0))
    s = an.optimal_setting(rule, mu, top)
    hyper = {"momentum": s["momentum"]} if rule != "gd" else {}
    tr = run(surface, rule, start=surface.starts[0], steps=2000, learning_rate=s["learning_rate"], **hyper)
    measured = an.measured_rate(np.hypot(*tr.xy.T.astype(np.float64)))
    assert measured == pytest.approx(s["rate"], rel=0.03)


def test_measured_rate_reads_a_geometric_sequence_and_ignores_the_underflow():
    d = 2.0 * 0.7 ** np.arange(400)
    d[300:] = 0.0  # float32 underflow
    assert an.measured_rate(d) == pytest.approx(0.7, rel=1e-9)
    zigzag = d * np.where(np.arange(400) % 2, 1.5, 1.0)  # a zig-zag averages out
    assert an.measured_rate(zigzag) == pytest.approx(0.7, rel=1e-3)
    assert an.measured_rate(np.zeros(10)) is None


def test_refine_minimum_and_curvature_batches():
    s = SURFACES["himmelblau"]
    p = an.refine_minimum(s, (2.9, 2.1))
    assert p == pytest.approx([3.0, 2.0], abs=1e-4)
    g, h = an.curvature(s, np.array([[3.0, 2.0]] * 3))
    assert g.shape == (3, 2) and h.shape == (3, 2, 2)
    assert np.abs(g).max() < 1e-3
