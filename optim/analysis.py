r"""Curvature and stability: Hessian eigenvalues, the learning-rate thresholds of the momentum family, the best
(learning rate, momentum) on a quadratic, and convergence rates, in theory and as measured on a path.

Near a minimum :math:`\theta^*` with Hessian :math:`H` (eigenvalues :math:`\mu \le \dots \le L`) a step of gradient
descent multiplies the error along the eigenvector of :math:`\lambda` by :math:`1 - \eta\lambda`, so the run is stable
iff :math:`\eta < 2/L`; the momentum rules are linear recurrences of order two whose stability regions are
(Polyak 1964; Lessard, Recht & Packard, SIAM J. Optim. 2016):

=================== =============================== ===========================================================
rule                stable iff                      best setting on a quadratic, and its rate
=================== =============================== ===========================================================
gradient descent    :math:`\eta < 2/L`              :math:`\eta = 2/(\mu+L)`, rate :math:`(\kappa-1)/(\kappa+1)`
heavy ball          :math:`\eta < 2(1+\beta)/L`     :math:`\eta = 4/(\sqrt L+\sqrt\mu)^2,\ \beta = r^2`, rate
                                                    :math:`r = (\sqrt\kappa-1)/(\sqrt\kappa+1)`
Nesterov            :math:`\eta < (2+2\beta)/((1+2\beta)L)` :math:`\eta = 4/(3L+\mu),\ \beta = (\sqrt{3\kappa+1}-2)/
                                                    (\sqrt{3\kappa+1}+2)`, rate :math:`1 - 2/\sqrt{3\kappa+1}`
=================== =============================== ===========================================================

with :math:`\kappa = L/\mu` and :math:`0 \le \beta < 1`. Nesterov's rule is optax's form (the gradient at the
current point, the look-ahead folded into the update, Sutskever et al. 2013), whose iterates are the classic
look-ahead points, so its recurrence is the classic one. The adaptive rules (AdaGrad, RMSProp, Adam) rescale each step
by the gradients they have seen: no threshold follows from the Hessian alone.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from optim.registry import OPTIMIZERS
from surfaces.base import PROGRAM_CACHES

GD_FAMILY = ("gd", "sgd")  # no momentum: the threshold is 2/L
# key -> the name of the rule's momentum-like hyperparameter, for the rules that have one (the registry's rows say)
MOMENTUM_HYPER = {k: o.momentum_hyper for k, o in OPTIMIZERS.items() if o.momentum_hyper is not None}


@dataclass(frozen=True)
class Threshold:
    """A learning rate drawn on the sweep: its name, formula and value."""

    key: str  # "stable" | "optimal"
    latex: str  # 2/L, 2/(\mu+L), ...
    text: str  # plain text for legends: "2/L", "2(1+β)/L"
    value: float
    meaning: str  # one clause: "above it the run diverges"


# -- curvature ---------------------------------------------------------------------------------------------------
@functools.cache
def _derivatives(loss):
    """Jitted gradient and Hessian of loss(p, theta) over a batch of points; theta (a family's parameters) is data."""
    one = lambda p, theta: (jax.grad(loss)(p, theta), jax.hessian(loss)(p, theta))  # noqa: E731
    return jax.jit(jax.vmap(one, in_axes=(0, None)))


@functools.cache
def _plain(loss):
    def with_theta(p, theta):
        del theta
        return loss(p)

    return with_theta


PROGRAM_CACHES.extend([_derivatives, _plain])  # surfaces.base.forget_programs clears them with JAX's own


def curvature(objective, points) -> tuple[np.ndarray, np.ndarray]:
    """Gradients (M, 2) and Hessians (M, 2, 2) at points (M, 2), float64, NaN (a kink) as 0. ``objective``: a Surface
    (one program for its whole family: κ is data) or a loss of a point.

    The batch is padded to a power of two (at least 8), so a page asking for 3, 5 or 200 points compiles a handful
    of programs per surface, not one per count."""
    loss, theta = objective.traced() if hasattr(objective, "traced") else (_plain(objective), np.zeros(0, np.float32))
    p = np.atleast_2d(np.asarray(points, np.float32))
    m = len(p)
    size = max(8, 1 << (m - 1).bit_length())
    padded = np.concatenate([p, np.repeat(p[-1:], size - m, axis=0)]) if m else np.zeros((size, 2), np.float32)
    g, h = _derivatives(loss)(jnp.asarray(padded), theta)
    return (
        np.nan_to_num(np.asarray(g, np.float64)[:m], nan=0.0),
        np.nan_to_num(np.asarray(h, np.float64)[:m], nan=0.0),
    )


def eigenvalues(objective, point) -> np.ndarray:
    """The Hessian's eigenvalues at one point, ascending (float64 arithmetic on the float32 Hessian)."""
    return np.linalg.eigvalsh(curvature(objective, np.asarray(point, np.float64)[None])[1][0])


def is_quadratic(surface) -> bool:
    """The Hessian is the same at the domain's corners and centre: the theory of a quadratic holds everywhere."""
    (x0, x1), (y0, y1) = surface.domain
    pts = np.array([[x0, y0], [x1, y1], [x0, y1], [(x0 + x1) / 2, (y0 + y1) / 2]])
    _, h = curvature(surface, pts)
    return bool(np.allclose(h, h[0], rtol=1e-4, atol=1e-6 * max(1.0, np.abs(h).max())))


def refine_minimum(objective, point, iterations: int = 8) -> np.ndarray:
    """Newton's iteration from ``point`` (near a minimum) to the critical point, in float32: a path's end is only
    within the run's tolerance of its minimum, the Hessian's extremes are read where the gradient vanishes."""
    p = np.asarray(point, np.float64)
    for _ in range(iterations):
        g, h = (a[0] for a in curvature(objective, p[None]))
        if not np.all(np.isfinite(h)) or np.linalg.eigvalsh(h).min() <= 0:
            break
        p = p - np.linalg.solve(h, g)
    return p


# -- thresholds and best settings -----------------------------------------------------------------------------
def momentum_of(optimizer: str, hyper: dict[str, float]) -> float:
    """The rule's momentum β (0 for the plain rules)."""
    name = MOMENTUM_HYPER.get(optimizer)
    return float(hyper.get(name, 0.0)) if name else 0.0


def stability_limit(optimizer: str, top: float, hyper: dict[str, float] | None = None) -> float | None:
    r"""The largest stable learning rate for the top Hessian eigenvalue ``top`` (= L): 2/L, 2(1+β)/L,
    (2+2β)/((1+2β)L), and for damped Newton 2(1 + δ/L), δ the damping (each step scales the error along λ_i by
    1 − ηλ_i/(λ_i+δ)); None for the adaptive rules (no closed form) or where the top curvature is not positive."""
    hyper = hyper or {}
    if top <= 0 or not math.isfinite(top):
        return None
    beta = momentum_of(optimizer, hyper)
    if optimizer in GD_FAMILY:
        return 2.0 / top
    if optimizer == "momentum":
        return 2.0 * (1.0 + beta) / top
    if optimizer == "nesterov":
        return (2.0 + 2.0 * beta) / ((1.0 + 2.0 * beta) * top)
    if optimizer == "newton":
        return 2.0 * (1.0 + float(hyper.get("damping", 0.0)) / top)
    return None


_LIMIT_NAMES = {  # (LaTeX, plain text, what crossing it does)
    "gd": (r"2/L", "2/L", "above it every step amplifies the steepest direction"),
    "momentum": (r"2(1+\beta)/L", "2(1+β)/L", "above it the heavy ball diverges"),
    "nesterov": (r"(2+2\beta)/((1+2\beta)L)", "(2+2β)/((1+2β)L)", "above it Nesterov's momentum diverges"),
    "newton": (r"2(1+\delta/L)", "2(1+δ/L)", "above it Newton overshoots the minimum by more than it started"),
}


def thresholds(optimizer: str, mu: float, top: float, hyper: dict[str, float] | None = None) -> tuple[Threshold, ...]:
    """The learning rates the sweep marks for a rule at a minimum with Hessian extremes mu <= top."""
    limit = stability_limit(optimizer, top, hyper)
    if limit is None:
        return ()
    latex, text, meaning = _LIMIT_NAMES["gd" if optimizer in GD_FAMILY else optimizer]
    out = [Threshold("stable", latex, text, limit, meaning)]
    if optimizer in GD_FAMILY and mu > 0:
        out.append(
            Threshold(
                "optimal",
                r"2/(\mu+L)",
                "2/(μ+L)",
                2.0 / (mu + top),
                "the fastest constant step: both extreme directions shrink alike",
            )
        )
    return tuple(out)


def optimal_setting(optimizer: str, mu: float, top: float) -> dict[str, float] | None:
    """The best constant (learning_rate, momentum) on a quadratic with extremes mu, top, and the rate it achieves."""
    if not (0 < mu <= top):
        return None
    k = top / mu
    if optimizer in GD_FAMILY:
        return {"learning_rate": 2.0 / (mu + top), "momentum": 0.0, "rate": (k - 1) / (k + 1)}
    if optimizer == "momentum":
        r = (math.sqrt(k) - 1) / (math.sqrt(k) + 1)
        return {"learning_rate": 4.0 / (math.sqrt(top) + math.sqrt(mu)) ** 2, "momentum": r * r, "rate": r}
    if optimizer == "nesterov":
        q = math.sqrt(3 * k + 1)
        return {"learning_rate": 4.0 / (3 * top + mu), "momentum": (q - 2) / (q + 2), "rate": 1 - 2 / q}
    return None


def spectral_rate(optimizer: str, learning_rate: float, beta: float, eigenvalues) -> float | None:
    """The asymptotic rate of a linear rule on a quadratic with these Hessian eigenvalues: the largest spectral
    radius of its iteration matrix over them (< 1 converges). None for rules that are not linear."""
    radii = []
    for lam in np.atleast_1d(eigenvalues):
        h = learning_rate * lam
        if optimizer in GD_FAMILY:
            radii.append(abs(1 - h))
            continue
        if optimizer == "momentum":  # (θ_t, θ_{t-1}) -> (θ_{t+1}, θ_t)
            m = np.array([[1 + beta - h, -beta], [1.0, 0.0]])
        elif optimizer == "nesterov":  # optax's state (θ_t, m_{t-1}) with g = λθ
            m = np.array([[1 - h - beta * h, -learning_rate * beta * beta], [lam, beta]])
        else:
            return None
        radii.append(float(np.abs(np.linalg.eigvals(m)).max()))
    return float(max(radii))


# -- measured rates --------------------------------------------------------------------------------------------
def measured_rate(distances, floor: float = 1e-30) -> float | None:
    """The per-step contraction of a path's distance to its minimum: exp of the slope of log distance over the
    path's second half (after the transient), where the distance is still above ``floor`` (float32's reach).

    A least-squares slope, so a zig-zag (GD's sign flips) or a spiral (momentum's complex roots) is averaged out."""
    d = np.asarray(distances, np.float64)
    good = np.nonzero((d > floor) & np.isfinite(d))[0]
    if good.size < 8:
        return None
    end = good[-1] if good.size == good[-1] + 1 else good[np.argmax(np.diff(good) > 1)]
    t = np.arange(end // 2, end + 1)
    if t.size < 4:
        return None
    slope = np.polyfit(t, np.log(d[t]), 1)[0]
    return float(np.exp(slope))
