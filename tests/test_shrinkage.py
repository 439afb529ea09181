"""Ridge and lasso on two weights (scenes/shrinkage.py): the closed forms against independent solvers, each solution
as the least-squares minimum on its own disc or diamond, the lasso's exact zeros, and the formula Trajectories
races on."""

from __future__ import annotations

import numpy as np
import pytest

from charts import shrinkage as cs
from scenes import shrinkage as sh
from surfaces import from_formula
from viz import THEMES


def coordinate_descent(p: sh.Problem, lam: float, sweeps: int = 5000) -> np.ndarray:
    """The lasso by cyclic coordinate descent with soft-thresholding (Friedman et al. 2007), to convergence."""
    w = np.zeros(2)
    for _ in range(sweeps):
        for j in range(2):
            r = p.c[j] - p.G[j, 1 - j] * w[1 - j]
            w[j] = np.sign(r) * max(abs(r) - lam, 0.0) / p.G[j, j]
    return w


CASES = [(rho, lam) for rho in sh.CORRELATIONS for lam in sh.LAMBDAS]


@pytest.mark.parametrize("rho, lam", CASES)
def test_the_lasso_is_coordinate_descent_s_and_meets_its_optimality_conditions(rho, lam):
    p = sh.problem(rho, 0)
    w = sh.lasso(p, lam)
    np.testing.assert_allclose(w, coordinate_descent(p, lam), atol=1e-9)
    assert sh.kkt(p, w, lam)


@pytest.mark.parametrize("rho, lam", CASES)
def test_ridge_is_least_squares_on_the_augmented_data(rho, lam):
    """min ½N⁻¹‖y − Xw‖² + ½λ‖w‖² is least squares on X stacked over √(Nλ)·I (y over zeros), here through G and c."""
    p = sh.problem(rho, 0)
    root = np.linalg.cholesky(p.G)  # X's role: XᵀX/N = R Rᵀ
    a = np.vstack([root.T, np.sqrt(lam) * np.eye(2)])
    b = np.concatenate([np.linalg.solve(root, p.c), np.zeros(2)])
    np.testing.assert_allclose(sh.ridge(p, lam), np.linalg.lstsq(a, b, rcond=None)[0], atol=1e-12)


@pytest.mark.parametrize("rho", sh.CORRELATIONS)
def test_each_solution_is_the_least_squares_minimum_on_its_own_disc_or_diamond(rho):
    p = sh.problem(rho, 0)
    t = np.linspace(0, 2 * np.pi, 20001)
    for lam in (0.03, 0.3):
        r = sh.ridge(p, lam)
        circle = np.hypot(*r) * np.column_stack([np.cos(t), np.sin(t)])
        assert p.loss(r) <= p.loss(circle).min() + 1e-9
        w = sh.lasso(p, lam)
        size = np.abs(w).sum()
        diamond = size * np.column_stack([np.cos(t), np.sin(t)]) / (np.abs(np.cos(t)) + np.abs(np.sin(t)))[:, None]
        assert p.loss(w) <= p.loss(diamond).min() + 1e-9


@pytest.mark.parametrize("rho", sh.CORRELATIONS)
def test_a_lasso_weight_is_exactly_zero_from_where_the_path_says_and_ridge_never_zeroes_one(rho):
    p = sh.problem(rho, 0)
    paths = sh.paths(p)
    for j, at in enumerate(paths.zeros):
        assert sh.lasso(p, at * (1 + 1e-9))[j] == 0.0
        assert sh.lasso(p, at * (1 - 1e-3))[j] != 0.0
    assert max(paths.zeros) == pytest.approx(p.lam_max)
    assert np.all(paths.ridge != 0)


def test_the_default_scene_teaches_it_and_the_figures_draw_it():
    r = sh.shrinkage(sh.ShrinkScene())
    assert r.lasso[1] == 0.0 and r.lasso[0] > 0 and np.all(r.ridge != 0)  # λ 0.3: lasso drops w₂, ridge keeps both
    assert np.hypot(*r.ridge) < np.hypot(*r.ols)
    figs = cs.figures(sh.ShrinkScene(), THEMES["normal"])
    names = [t.name for t in figs["constraint"].data if t.name]
    assert names == [
        "L2 disc ‖w‖₂ ≤ ‖ridge‖₂",
        "L1 diamond ‖w‖₁ ≤ ‖lasso‖₁",
        "ridge as λ grows",
        "lasso as λ grows",
        "least squares",
        "ridge",
        "lasso",
    ]
    marks = next(t for t in figs["path"].data if t.name == "lasso weight reaches 0")
    np.testing.assert_allclose(sorted(marks.x), sorted(sh.paths(r.problem).zeros))


@pytest.mark.parametrize("penalty", ["ridge", "lasso"])
def test_the_formula_trajectories_races_on_is_the_penalised_loss(penalty):
    p, lam = sh.problem(0.6, 0), 0.3
    surface = from_formula(sh.formula(p, lam, penalty), ((-1.0, 2.0), (-1.0, 2.0)))
    w = np.random.default_rng(1).uniform(-1, 2, (50, 2))
    pen = lam / 2 * (w**2).sum(1) if penalty == "ridge" else lam * np.abs(w).sum(1)
    want = p.loss(w) - p.yy + pen  # the formula leaves out L(0), a constant
    np.testing.assert_allclose(np.asarray(surface.f(w[:, 0], w[:, 1])), want, rtol=2e-3, atol=2e-3)
