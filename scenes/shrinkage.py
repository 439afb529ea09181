r"""Ridge and lasso, the classic picture: a least-squares fit of two weights on two correlated features, penalised.

The loss :math:`L(w) = \frac{1}{2N}\lVert y - Xw\rVert^2 = \tfrac12 w^\top G w - c^\top w + \text{const}` with
:math:`G = X^\top X/N`, :math:`c = X^\top y/N` (features standardised, y centred). Ridge minimises
:math:`L + \frac{\lambda}{2}\lVert w\rVert_2^2`: :math:`w = (G + \lambda I)^{-1} c`, shrinking both weights and never
zeroing one. Lasso minimises :math:`L + \lambda\lVert w\rVert_1`: in two dimensions exactly, by trying each set of
non-zero weights and keeping the one whose KKT conditions hold (|∂L/∂wⱼ| ≤ λ where wⱼ = 0, ∂L/∂wⱼ = −λ sign wⱼ where
not). Each is the same as minimising L on a disc, or a diamond, of the solution's own radius: the contour of L that
touches it there (Tibshirani 1996; Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning*, Fig. 3.11).
Everything is float64 NumPy.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

POINTS, NOISE = 60, 0.8
TRUE_W = (1.0, 0.35)  # the weaker feature's weight: the one lasso drops first
CORRELATIONS = (0.0, 0.3, 0.6, 0.9)  # the features' correlation, the slider's stops
LAMBDAS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)  # λ, the slider's stops
PATH = 200  # λs on the coefficient path


@dataclass(frozen=True)
class ShrinkScene:
    lam: float = 0.3
    rho: float = 0.6
    seed: int = 0


@dataclass(frozen=True)
class Problem:
    G: np.ndarray  # (2, 2) XᵀX/N
    c: np.ndarray  # (2,) Xᵀy/N
    yy: float  # yᵀy/(2N): L(0)

    def loss(self, w: np.ndarray) -> np.ndarray:
        """L at w (..., 2)."""
        w = np.asarray(w, float)
        return 0.5 * np.einsum("...i,ij,...j->...", w, self.G, w) - w @ self.c + self.yy

    def grad(self, w: np.ndarray) -> np.ndarray:
        return self.G @ w - self.c

    @property
    def ols(self) -> np.ndarray:
        return np.linalg.solve(self.G, self.c)

    @property
    def lam_max(self) -> float:
        """The smallest λ at which the lasso's weights are both 0: max |c|."""
        return float(np.abs(self.c).max())


@functools.lru_cache(maxsize=16)
def problem(rho: float, seed: int) -> Problem:
    """60 points of two standardised features with correlation ``rho`` (by construction, then estimated), y = Xw* +
    noise, centred."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(POINTS, 2))
    x = np.column_stack([z[:, 0], rho * z[:, 0] + np.sqrt(1 - rho**2) * z[:, 1]])
    x = (x - x.mean(0)) / x.std(0)
    y = x @ np.array(TRUE_W) + NOISE * rng.normal(size=POINTS)
    y = y - y.mean()
    return Problem(x.T @ x / POINTS, x.T @ y / POINTS, float(y @ y / (2 * POINTS)))


def ridge(p: Problem, lam: float) -> np.ndarray:
    return np.linalg.solve(p.G + lam * np.eye(2), p.c)


def lasso_objective(p: Problem, w: np.ndarray, lam: float) -> float:
    return float(p.loss(w) + lam * np.abs(w).sum())


def kkt(p: Problem, w: np.ndarray, lam: float, tol: float = 1e-10) -> bool:
    """The lasso's optimality conditions at w."""
    g = p.grad(w)
    on = np.abs(w) > 0
    return bool(np.all(np.abs(g[on] + lam * np.sign(w[on])) <= tol) and np.all(np.abs(g[~on]) <= lam + tol))


def lasso(p: Problem, lam: float) -> np.ndarray:
    """The exact lasso solution in two dimensions: of the candidates (each set of non-zero weights, each sign
    pattern), the one that satisfies the KKT conditions (the objective is strictly convex: G is positive definite)."""
    candidates = [np.zeros(2)]
    for j in range(2):  # one weight non-zero: w_j = S(c_j, λ)/G_jj
        w = np.zeros(2)
        w[j] = np.sign(p.c[j]) * max(abs(p.c[j]) - lam, 0.0) / p.G[j, j]
        candidates.append(w)
    for s in itertools.product((-1.0, 1.0), repeat=2):  # both non-zero, with signs s
        w = np.linalg.solve(p.G, p.c - lam * np.array(s))
        if np.all(np.sign(w) == s):
            candidates.append(w)
    for w in candidates:
        if kkt(p, w, lam):
            return w
    return min(candidates, key=lambda w: lasso_objective(p, w, lam))  # never reached for a positive-definite G


@dataclass(frozen=True)
class Paths:
    lams: np.ndarray  # (PATH,) ascending
    ridge: np.ndarray  # (PATH, 2)
    lasso: np.ndarray  # (PATH, 2)
    zeros: tuple[float | None, float | None]  # the λ at which each lasso weight becomes exactly 0 (None: never here)


def paths(p: Problem) -> Paths:
    lams = np.geomspace(p.lam_max * 1e-3, p.lam_max * 30, PATH)  # far enough for ridge to come near the origin
    r = np.array([ridge(p, v) for v in lams])
    la = np.array([lasso(p, v) for v in lams])
    return Paths(lams, r, la, tuple(_zero_at(p, j) for j in range(2)))


def _zero_at(p: Problem, j: int) -> float | None:
    """The λ at which the lasso's weight j reaches 0 and stays there: with both weights on, w(λ) = G⁻¹(c − λs) is
    linear in λ; the first of the two to reach 0 leaves at that λ; the last leaves at λ_max."""
    s = np.sign(p.ols)
    a, b = np.linalg.solve(p.G, p.c), np.linalg.solve(p.G, s)
    with np.errstate(divide="ignore"):
        hits = a / b  # λ at which each weight of the two-weight solution reaches 0
    first = int(np.argmin(np.where(hits > 0, hits, np.inf)))
    return float(hits[first]) if j == first else p.lam_max


@dataclass(frozen=True)
class Shrinkage:
    scene: ShrinkScene
    problem: Problem
    ols: np.ndarray
    ridge: np.ndarray
    lasso: np.ndarray
    paths: Paths


@functools.lru_cache(maxsize=16)
def data_paths(rho: float, seed: int) -> Paths:
    """The paths of one data set: they do not depend on the λ shown, so a λ move computes none of them again."""
    return paths(problem(rho, seed))


@functools.lru_cache(maxsize=64)
def shrinkage(scene: ShrinkScene) -> Shrinkage:
    """Everything the section shows for a scene (the view's words and the figures share it, computed once)."""
    p = problem(scene.rho, scene.seed)
    return Shrinkage(scene, p, p.ols, ridge(p, scene.lam), lasso(p, scene.lam), data_paths(scene.rho, scene.seed))


def fmt_formula(v: float) -> str:
    """A coefficient in a formula: 4 significant digits, plain ASCII."""
    return f"{v:.4g}"


def formula(p: Problem, lam: float, penalty: str) -> str:
    """The penalised loss as a formula of x = w₁, y = w₂ that Trajectories races on (surfaces/formula.py's syntax)."""
    a, b, d = 0.5 * p.G[0, 0], p.G[0, 1], 0.5 * p.G[1, 1]
    e, f = -p.c[0], -p.c[1]
    pen = f"{fmt_formula(lam / 2)}*(x^2 + y^2)" if penalty == "ridge" else f"{fmt_formula(lam)}*(abs(x) + abs(y))"
    return (
        f"{fmt_formula(a)}*x^2 + {fmt_formula(b)}*x*y + {fmt_formula(d)}*y^2 + {fmt_formula(e)}*x + "
        f"{fmt_formula(f)}*y + {pen}"
    ).replace("+ -", "- ")
