r"""The learning-rate and momentum lab: a sweep over learning rates, the regimes it shows and the (lr, β) phase diagram,
each one vectorised call of :func:`optim.run` (momentum's rates on quadratics: :mod:`scenes.momentum`).

The thresholds are not typed in: L and μ are the extreme eigenvalues of the Hessian (JAX) at the minimum the sweep's
best run heads for, and :mod:`optim.analysis` turns them into 2/L, 2/(μ+L), 2(1+β)/L, (2+2β)/((1+2β)L).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from optim import OPTIMIZERS, run
from optim import analysis as an
from scenes.compute import Result, compute, step_bucket
from scenes.outcome import REACH_TOL
from scenes.scene import RunSpec, Scene
from scenes.text import num, point
from surfaces import Point, Surface

SWEEP_SIZE = 200  # learning rates in a sweep (one vmapped call)
PHASE_LRS, PHASE_BETAS = 40, 30  # the phase diagram's grid
BELOW, ABOVE = 3.0, 0.7  # decades of the sweep below and above the stability limit
PHASE_BELOW, PHASE_ABOVE = 2.5, 0.7  # ... and of the phase diagram (the heavy ball is stable up to 2 × 2/L)
PHASE_BETA_MAX = 0.99


def _single(scene: Scene) -> RunSpec:
    return scene.runs[0]


@dataclass(frozen=True)
class Curvature:
    """The minimum the thresholds refer to and the Hessian's extreme eigenvalues there."""

    minimum: Point
    mu: float
    top: float  # L

    @property
    def kappa(self) -> float:
        return self.top / self.mu if self.mu > 0 else math.inf

    def text(self) -> str:
        return (
            f"at the minimum {point(self.minimum.x, self.minimum.y)}: L = {num(self.top)}, μ = {num(self.mu)}, "
            f"κ = L/μ = {num(self.kappa)}"
        )


def curvature_at(surface: Surface, near: tuple[float, float]) -> Curvature | None:
    """The documented minimum nearest ``near`` (or, on a surface that lists none there, the minimum Newton's iteration
    refines from it) and its Hessian's extreme eigenvalues; None where there is no minimum (saddle surfaces)."""
    if not surface.minima:
        return None
    d = [math.hypot(p.x - near[0], p.y - near[1]) for p in surface.minima]
    p = surface.minima[int(np.argmin(d))]
    if min(d) > 0.05 * surface.span:  # heading for a minimum the surface does not list (Lévi N.13's many)
        x, y = an.refine_minimum(surface, near)
        p = Point(float(x), float(y), float(surface.f(x, y)), "local")
    ev = an.eigenvalues(surface, (p.x, p.y))
    if not np.all(np.isfinite(ev)) or ev[0] <= 0:
        return None
    return Curvature(p, float(ev[0]), float(ev[-1]))


# -- the sweep -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sweep:
    scene: Scene  # one run: its optimizer, the other hyperparameters and the schedule; its learning rate is swept
    lrs: np.ndarray  # (N,) ascending, log-spaced
    final: np.ndarray  # (N,) loss after the scene's steps (the last good loss where a run diverged)
    reached: np.ndarray  # (N,) int: steps to come within tolerance of a minimum and stay, -1 if not within budget
    diverged_at: np.ndarray  # (N,) int, -1 never
    curvature: Curvature | None
    thresholds: tuple[an.Threshold, ...]
    limit: float | None  # the rule's stability limit (the first threshold), if it has one
    theory_steps: np.ndarray | None  # (N,) on a quadratic: log(tol/d0)/log ρ(η), NaN where ρ >= 1
    note: str  # why no threshold is drawn, if none is

    @property
    def optimizer(self) -> str:
        return _single(self.scene).optimizer

    @property
    def surface(self) -> Surface:
        return self.scene.surface_obj

    @property
    def two_over_l(self) -> float | None:
        return 2.0 / self.curvature.top if self.curvature else None

    def best(self) -> int | None:
        """Index of the fastest learning rate to reach a minimum (the largest of equals), None if none did."""
        ok = np.nonzero(self.reached >= 0)[0]
        if not ok.size:
            return None
        fastest = self.reached[ok].min()
        return int(ok[self.reached[ok] == fastest][-1])

    def relative(self, lr: float) -> str:
        """ "0.5 × 2/L": a learning rate against the surface's 2/L (the lesson's unit), or plain where there is none."""
        if self.two_over_l is None:
            return f"η = {num(lr)}"
        return f"η = {num(lr)} = {num(lr / self.two_over_l, 2)} × 2/L"


def _tops(surface: Surface, minima: list[Point] | None = None) -> np.ndarray:
    """The top Hessian eigenvalue at each documented minimum, or at each of ``minima`` (positive ones only)."""
    minima = surface.minima if minima is None else minima
    if not minima:
        return np.zeros(0)
    _, h = an.curvature(surface, np.array([[p.x, p.y] for p in minima]))
    tops = np.linalg.eigvalsh(h)[:, -1]
    return tops[np.isfinite(tops) & (tops > 0)]


def _span(surface: Surface, optimizer: str, hyper: dict[str, float], below: float, above: float):
    """Learning rates from ``below`` decades under the smallest stability limit over the documented minima to
    ``above`` decades over the largest; the registry's range (up to a quarter of the domain's span, the size of an
    adaptive rule's steps) for rules with no limit."""
    limits = [an.stability_limit(optimizer, float(t), hyper) for t in _tops(surface)]
    limits = [v for v in limits if v is not None]
    if not limits:
        h = OPTIMIZERS[optimizer].hyper("learning_rate")
        return h.lo, max(h.hi, surface.span / 4)
    return min(limits) * 10**-below, max(limits) * 10**above


def settling_limit(surface: Surface, optimizer: str, hyper: dict[str, float]) -> tuple[float, float] | None:
    """(the rule's stability limit at the surface's steepest global minimum, that minimum's top curvature L): at a
    learning rate from the limit up a run cannot settle in that minimum (GD: 2/L). None for the adaptive rules and
    on surfaces without a documented minimum."""
    tops = _tops(surface, [p for p in surface.minima if p.kind == "global"] or None)
    if not len(tops):
        return None
    top = float(tops.max())
    limit = an.stability_limit(optimizer, top, hyper)
    return None if limit is None else (limit, top)


def sweep_range(scene: Scene) -> tuple[float, float]:
    """The learning rates a sweep covers: 3 decades below the rule's stability limit to 0.7 above."""
    spec = _single(scene)
    return _span(scene.surface_obj, spec.optimizer, spec.hyper_dict(), BELOW, ABOVE)


def _nearest_minimum(points, ends: np.ndarray) -> np.ndarray:
    """(N, 2): the point of ``points`` (minima) nearest each end point."""
    mins = np.array([[p.x, p.y] for p in points])
    d = np.linalg.norm(ends[:, None, :] - mins[None], axis=-1)
    return mins[np.argmin(d, axis=1)]


def arrivals(surface: Surface, xy: np.ndarray, diverged_at: np.ndarray, minima=None) -> np.ndarray:
    """(N,) steps after which each path (N, R, 2) stays within tolerance of the documented minimum nearest its end
    (``minima``: of these only, the global ones say); -1 if it does not end there (or diverged). The tolerance is the
    outcome captions' (REACH_TOL of the span)."""
    n, minima = len(xy), surface.minima if minima is None else minima
    if not minima:
        return np.full(n, -1)
    target = _nearest_minimum(minima, xy[:, -1])
    far = np.linalg.norm(xy - target[:, None, :], axis=-1) > REACH_TOL * surface.span  # (N, R)
    last_far = np.where(far.any(axis=1), far.shape[1] - 1 - np.argmax(far[:, ::-1], axis=1), -1)
    out = np.where(far[:, -1] | (diverged_at >= 0), -1, last_far + 1)
    return out.astype(np.int64)


def sweep(scene: Scene) -> Sweep:
    """Final loss and steps to tolerance for SWEEP_SIZE learning rates, one vmapped call."""
    spec = _single(scene)
    surface = scene.surface_obj
    start = scene.start_point
    lo, hi = sweep_range(scene)
    lrs = np.geomspace(lo, hi, SWEEP_SIZE).astype(np.float32)
    hyper = {**spec.hyper_dict(), "learning_rate": lrs}
    tr = run(
        surface,
        spec.optimizer,
        start=start,
        steps=step_bucket(scene.steps),
        seed=scene.seed,
        schedule=spec.schedule,
        **hyper,
    )
    n = scene.steps
    xy, loss = tr.xy[:, : n + 1], tr.loss[:, : n + 1]
    div = np.where((tr.diverged_at >= 0) & (tr.diverged_at <= n), tr.diverged_at, -1)
    reached = arrivals(surface, xy, div)

    ok = np.nonzero(div < 0)[0]
    curv, note = None, ""
    if not surface.minima:
        note = f"{surface.title} has no minimum, so there is no curvature L at a minimum and no threshold 2/L."
    elif ok.size:
        best = ok[np.argmin(loss[ok, -1])]
        curv = curvature_at(surface, tuple(float(v) for v in xy[best, -1]))
        if curv is None:
            note = "The best run does not head for a minimum with positive curvature: no threshold."
    else:
        note = "Every learning rate of the sweep diverged."
    limits = an.thresholds(spec.optimizer, curv.mu, curv.top, spec.hyper_dict()) if curv else ()
    if curv and not limits:
        note = (
            f"{OPTIMIZERS[spec.optimizer].title} rescales each step by the gradients it has seen, so no "
            "threshold follows from the Hessian alone; 2/L is shown for scale."
        )
    theory = None
    if curv and an.is_quadratic(surface) and spec.schedule is None:
        beta = an.momentum_of(spec.optimizer, spec.hyper_dict())
        d0 = math.hypot(start[0] - curv.minimum.x, start[1] - curv.minimum.y)
        rho = np.array([an.spectral_rate(spec.optimizer, float(v), beta, (curv.mu, curv.top)) or np.nan for v in lrs])
        tol = REACH_TOL * surface.span
        with np.errstate(divide="ignore", invalid="ignore"):
            theory = np.where((rho < 1) & (rho > 0), np.log(tol / d0) / np.log(rho), np.nan) if d0 > tol else None
    return Sweep(scene, lrs, loss[:, -1], reached, div, curv, limits, limits[0].value if limits else None, theory, note)


def rate_text(sw: Sweep, lr: float) -> str:
    """What the theory says of one learning rate near the minimum: the steepest direction's factor for GD, the
    local rate for the momentum rules."""
    c = sw.curvature
    beta = an.momentum_of(sw.optimizer, _single(sw.scene).hyper_dict())
    rho = an.spectral_rate(sw.optimizer, lr, beta, (c.mu, c.top))
    if rho is None:
        return ""
    verdict = "diverges" if rho > 1 else "converges"
    if sw.optimizer in an.GD_FAMILY:
        f = 1 - lr * c.top
        how = ", zig-zagging" if -1 < f < 0 else ""
        return (
            f"{sw.relative(lr)}: near the minimum each step multiplies the error along the steepest direction "
            f"by 1 − ηL = {num(f, 3)}, so it {verdict}{how} (rate {num(rho, 4)} per step)."
        )
    return f"{sw.relative(lr)}: near the minimum the error shrinks by {num(rho, 4)} per step, so it {verdict}."


# -- the regimes -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Regime:
    name: str  # "too small" | "about right" | "too large" | "divergent"
    lr: float
    label: str  # "η = 0.004 = 0.02 × 2/L"
    result: Result


def regime_rates(sw: Sweep) -> list[tuple[str, float]]:
    """Four learning rates: too small, about right, too large (oscillating), divergent.

    About right: GD's optimum 2/(μ+L) where it applies, else the middle (geometric) of the sweep's fastest band
    (within 10% of the fewest steps: the heavy ball has a plateau of equal rates), else the rate with the lowest
    final loss; kept below 0.8ℓ where the rule has a stability limit ℓ (a run that has not reached the minimum yet
    can do best with a step the minimum would not tolerate). Too small: a twentieth of that. Too large: three
    quarters of the way (in ratio) from about right to GD's limit, 0.95ℓ for the other rules with a limit, else
    the sweep's largest rate that does not diverge. Divergent: the sweep's smallest rate that diverges (above 1.05ℓ);
    on a non-convex surface a step above ℓ may only throw the run out of the basin: it is then "above the limit"."""
    lrs, steps = sw.lrs.astype(np.float64), sw.reached
    ok, alive = np.nonzero(steps >= 0)[0], np.nonzero(sw.diverged_at < 0)[0]
    right = next((t.value for t in sw.thresholds if t.key == "optimal"), None)
    if right is None:
        if ok.size:
            band = ok[steps[ok] <= 1.1 * steps[ok].min()]
            right = float(np.sqrt(lrs[band[0]] * lrs[band[-1]]))
        elif alive.size and sw.surface.minima:
            right = float(lrs[alive[np.argmin(sw.final[alive])]])
        if right is not None and sw.limit is not None:
            right = min(right, 0.8 * sw.limit)
    out = [("too small", max(right / 20, float(lrs[0])) if right else float(lrs[0]))]
    if right is not None:
        out.append(("about right", right))
    gone = np.nonzero(sw.diverged_at >= 0)[0]
    if sw.limit is not None:
        large = 0.95 * sw.limit
        if sw.optimizer in an.GD_FAMILY and right is not None:
            large = max(right, sw.limit * (right / sw.limit) ** 0.25)
        out.append(("too large", large))
        beyond = gone[lrs[gone] >= 1.05 * sw.limit]
        if beyond.size:
            return [*out, ("divergent", float(lrs[beyond[0]]))]
        return [*out, ("above the limit", 1.1 * sw.limit)]
    if gone.size:
        alive = alive[alive < gone[0]]
    if alive.size and (right is None or lrs[alive[-1]] > 1.5 * right):
        out.append(("too large", float(lrs[alive[-1]])))
    if gone.size:
        out.append(("divergent", float(lrs[gone[0]])))
    return out


def with_lr(scene: Scene, lr: float) -> Scene:
    spec = _single(scene)
    hyper = tuple(sorted({**dict(spec.hyper), "learning_rate": float(lr)}.items()))
    return replace(scene, runs=(replace(spec, hyper=hyper),))


def regimes(sw: Sweep) -> tuple[Regime, ...]:
    return tuple(Regime(name, lr, sw.relative(lr), compute(with_lr(sw.scene, lr))) for name, lr in regime_rates(sw))


# -- the phase diagram -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Phase:
    scene: Scene  # the rule (momentum, nesterov, adam, adamw) and everything else but lr and β
    beta_name: str  # "momentum" or "b1"
    lrs: np.ndarray  # (nl,) columns
    betas: np.ndarray  # (nb,) rows
    reached: np.ndarray  # (nb, nl) steps to converge, -1 if not
    diverged: np.ndarray  # (nb, nl) bool
    curvature: Curvature | None
    quadratic: bool
    boundary: np.ndarray | None  # (nb,) the theoretical largest stable lr for each β (quadratics, linear rules)
    optimum: dict[str, float] | None  # the best (learning_rate, momentum, rate) on a quadratic

    def best(self) -> tuple[int, int] | None:
        """(row, column) of the fastest converging cell, None if none converged."""
        steps = np.where(self.reached >= 0, self.reached, np.iinfo(np.int64).max)
        if not (self.reached >= 0).any():
            return None
        r, c = np.unravel_index(int(np.argmin(steps)), steps.shape)
        return int(r), int(c)


def phase(scene: Scene) -> Phase:
    """Steps to converge over a (learning rate, momentum) grid: PHASE_LRS × PHASE_BETAS runs in one call."""
    spec = _single(scene)
    beta_name = an.MOMENTUM_HYPER[spec.optimizer]
    surface = scene.surface_obj
    curv = curvature_at(surface, scene.start_point)
    rule = "gd" if spec.optimizer in ("momentum", "nesterov") else spec.optimizer  # 2/L: β = 0's limit
    lrs = np.geomspace(*_span(surface, rule, {}, PHASE_BELOW, PHASE_ABOVE), PHASE_LRS)
    betas = np.linspace(0.0, PHASE_BETA_MAX, PHASE_BETAS)
    gl, gb = np.meshgrid(lrs, betas)  # (nb, nl)
    hyper = {
        **spec.hyper_dict(),
        "learning_rate": gl.ravel().astype(np.float32),
        beta_name: gb.ravel().astype(np.float32),
    }
    tr = run(
        surface,
        spec.optimizer,
        start=scene.start_point,
        steps=step_bucket(scene.steps),
        seed=scene.seed,
        schedule=spec.schedule,
        **hyper,
    )
    n = scene.steps
    div = np.where((tr.diverged_at >= 0) & (tr.diverged_at <= n), tr.diverged_at, -1)
    reached = arrivals(surface, tr.xy[:, : n + 1], div).reshape(gb.shape)
    quad = curv is not None and an.is_quadratic(surface)
    boundary = optimum = None
    if quad and spec.optimizer in ("momentum", "nesterov"):
        boundary = np.array([an.stability_limit(spec.optimizer, curv.top, {"momentum": b}) for b in betas])
        optimum = an.optimal_setting(spec.optimizer, curv.mu, curv.top)
    return Phase(scene, beta_name, lrs, betas, reached, (div >= 0).reshape(gb.shape), curv, quad, boundary, optimum)


def with_lr_beta(ph: Phase, lr: float, beta: float) -> Scene:
    spec = _single(ph.scene)
    hyper = {**dict(spec.hyper), "learning_rate": float(lr), ph.beta_name: float(beta)}
    return replace(ph.scene, runs=(replace(spec, hyper=tuple(sorted(hyper.items()))),))
