"""What happened to a run, in words: reached a minimum in k steps, diverged at step k, stalled at a saddle."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim import analysis
from optim.registry import OPTIMIZERS
from scenes.text import num, plural, point
from surfaces import Point, Surface

MAX_WORDS = 20  # an outcome's line (its text) is read aloud in class: at most this many words, the rest in its detail
REACH_TOL = 1e-3  # a run has reached a point when it stays within this fraction of the domain's span of it
NEAR = 0.05  # a run still moving within this fraction of the span of a documented minimum is "approaching" it


@dataclass(frozen=True)
class Outcome:
    kind: str  # "reached" | "passed" | "saddle" | "maximum" | "flat" | "rest" | "approaching" | "bouncing" |
    # "circling" | "moving" | "diverged" | "runaway"
    text: str  # the clause after the optimizer's name, ≤ MAX_WORDS: "reached the global minimum (3, 2) in 143 steps"
    step: int | None = None  # steps to reach / step of divergence
    target: Point | None = None
    detail: str = ""  # what more there is to say, on demand (a tooltip, an expander): why it diverged, the loss there
    band: tuple[float, float] | None = None  # bouncing/circling: how near and how far from target it stays


def _arrival(xy: np.ndarray, p: Point, tol: float) -> int | None:
    """The first step from which the path stays within tol of p, or None if it does not end there."""
    d = np.hypot(xy[:, 0] - p.x, xy[:, 1] - p.y)
    if d[-1] > tol:
        return None
    outside = np.nonzero(d > tol)[0]
    return int(outside[-1] + 1) if outside.size else 0


def _leaves(after: np.ndarray | None, diverged: int | None, p: Point, tol: float, steps: int):
    """How a run that ended within ``tol`` of p leaves it when continued (``after``: its positions past step
    ``steps``): "0.23 away at step 97" (its farthest), "diverged at step 97"; None if it stays."""
    if diverged is not None:
        return f"diverged at step {diverged}"
    if after is None or not len(after):
        return None
    d = np.hypot(after[:, 0] - p.x, after[:, 1] - p.y)
    if not (d > tol).any():
        return None
    i = int(np.argmax(d))
    return f"{num(float(d[i]), 2)} away at step {steps + 1 + i}"


def _nearest(points: tuple[Point, ...], x: float, y: float) -> tuple[Point | None, float]:
    if not points:
        return None, np.inf
    d = [np.hypot(p.x - x, p.y - y) for p in points]
    i = int(np.argmin(d))
    return points[i], float(d[i])


def _minimum_name(surface: Surface, p: Point) -> str:
    if p.kind != "global":
        return "a local minimum"
    return "the global minimum" if len(surface.global_minima) == 1 else "a global minimum"


def _closing_in(xy: np.ndarray, p: Point) -> bool:
    """Over the last fifth of the run, the distance to p shrinks in mean and in envelope (a zig-zag or a spiral
    that decays), which a run bouncing chaotically around a basin (too large a step) does not do."""
    d = np.hypot(xy[:, 0] - p.x, xy[:, 1] - p.y)[-max(10, (len(xy) - 1) // 5) :]
    first, second = np.array_split(d, 2)
    return bool(second.mean() < first.mean() and second.max() < first.max())


def _motion(after: np.ndarray | None, p: Point, tol: float, near: float):
    """How a run near the minimum p moves on when continued (``after``: its positions past the steps shown), told
    from the largest distance to p in each third of the continuation and from its last third:
    - "closing": it ends within tol of p (all its last third), or the largest distance shrinks third after third (a
      slow approach: AdaGrad's shrinking steps, a long valley);
    - (how, lo, hi), its last third lo to hi away, within ``near``: "bouncing" (jumping across p between the same two
      points, a 2-cycle, which no longer changes), else, neither closing in nor leaving, "circling" (winding around p
      one way);
    - "leaving" when it goes farther; None when the continuation is too short to tell, or it neither closes in nor
      leaves nor cycles."""
    if after is None or len(after) < 30:
        return None
    d = np.hypot(after[:, 0] - p.x, after[:, 1] - p.y)
    third = len(after) // 3
    first, middle = float(d[:third].max()), float(d[third : 2 * third].max())
    last, lo = float(d[-third:].max()), float(d[-third:].min())
    if last <= tol:
        return "closing"
    v = after[-third:] - np.array([p.x, p.y])
    jump, back = np.hypot(*(v[1:] - v[:-1]).T), np.hypot(*(v[2:] - v[:-2]).T)
    if last <= near and jump.min() > lo and back.max() < 0.05 * lo:  # across p to the same two points, again and again
        return "bouncing", lo, last
    if last <= middle <= first and last < 0.98 * first:
        return "closing"
    if last > 1.1 * first or last > near:
        return "leaving"
    turn = np.angle(np.exp(1j * np.diff(np.arctan2(v[:, 1], v[:, 0]))))
    if max((turn > 0).mean(), (turn < 0).mean()) >= 0.9 and abs(turn.sum()) >= 2 * np.pi:
        return "circling", lo, last
    return None  # a decaying oscillation or a chaotic bounce: a continuation this long does not tell them apart


def newton_distance(grad: np.ndarray, hessian: np.ndarray) -> float:
    """How far the local quadratic model puts the nearest critical point: |H⁻¹ ∇f| (least squares if H is singular)."""
    step = np.linalg.lstsq(hessian, grad, rcond=1e-10)[0]
    return float(np.linalg.norm(step))


def _kind_of(hessian: np.ndarray) -> str:
    ev = np.linalg.eigvalsh(hessian)
    scale = max(float(np.abs(ev).max()), 1e-12)
    if ev.min() > 1e-6 * scale:
        return "a local minimum"
    if ev.max() < -1e-6 * scale:
        return "a local maximum"
    return "a saddle point" if ev.min() < -1e-6 * scale else "a flat (degenerate) point"


_LIMIT_TEXT = {"gd": "2/η", "sgd": "2/η", "momentum": "2(1+β)/η", "nesterov": "(2+2β)/((1+2β)η)"}


def divergence_reason(optimizer: str, hyper: dict[str, float], lr: float, hessian: np.ndarray) -> str:
    """Why a run diverged, told with the Hessian where it last was: its top eigenvalue λmax against the largest
    curvature the step tolerates (2/η for GD, 2(1+β)/η for the heavy ball, ...); "" where that says nothing."""
    if optimizer == "newton" or not lr > 0 or not np.all(np.isfinite(hessian)):
        return ""
    lam = float(np.linalg.eigvalsh(hessian).max())
    limit = analysis.stability_limit(optimizer, 1.0, hyper)  # = c for a limit c/λ on the learning rate
    if limit is None:  # the adaptive rules: 2/η for scale only
        return (
            f"where it last was, the top Hessian eigenvalue λmax = {num(lam)} against 2/η = {num(2 / lr)} "
            f"({OPTIMIZERS[optimizer].title} rescales its steps, so that bound is only a guide)"
        )
    crit = limit / lr
    if lam <= crit:
        return (
            f"where it last was, the top Hessian eigenvalue λmax = {num(lam)} is below {_LIMIT_TEXT[optimizer]} "
            f"= {num(crit)}: it was thrown out by a long step, not by the curvature there"
        )
    text = (
        f"where it last was, the top Hessian eigenvalue λmax = {num(lam)} exceeds {_LIMIT_TEXT[optimizer]} "
        f"= {num(crit)}"
    )
    if optimizer in analysis.GD_FAMILY:
        text += f", so each step multiplied the error along that direction by |1 − ηλmax| = {num(abs(1 - lr * lam))}"
    return text


def outcome(
    surface: Surface,
    xy: np.ndarray,
    loss: np.ndarray,
    diverged_at: int | None,
    grad: np.ndarray,
    hessian: np.ndarray,
    *,
    rule: tuple[str, dict[str, float], float] | None = None,
    after: np.ndarray | None = None,
    diverged_after: int | None = None,
) -> Outcome:
    """Classify a run from its path and the gradient and Hessian at its end (after a divergence: its last good
    point). rule: (optimizer, hyperparameters, learning rate of the diverging step) to explain a divergence.
    ``after``: the same run's positions past its last step (not shown), and ``diverged_after`` the step where it
    diverged there: a run said to have reached a minimum must stay there, not only until the run is cut."""
    steps = len(xy) - 1
    if diverged_at is not None:
        first, last = float(loss[0]), float(loss[diverged_at])  # the start's, and the last good point's
        if not surface.minima and last < first:  # it went downhill all the way out
            none = (
                "No minimum was found on this domain (degenerate ones are not looked for)"
                if surface.key == "custom"
                else "This surface has no minimum to reach: it falls away without bound"
            )
            return Outcome(
                "runaway",
                f"ran away downhill, out of the safe box at step {diverged_at}",
                diverged_at,
                detail=f"{none}; the loss fell from {num(first)} to {num(last)} on the way.",
            )
        why = divergence_reason(rule[0], rule[1], rule[2], hessian) if rule else ""
        parts = [why[:1].upper() + why[1:] + "."] if why else []
        if last > first:  # thrown out uphill: each step overshot
            parts.append(f"The loss rose from {num(first)} at the start to {num(last)} before it: the steps overshot.")
        return Outcome("diverged", f"diverged at step {diverged_at}", diverged_at, detail=" ".join(parts))
    tol = REACH_TOL * surface.span
    x, y = (float(v) for v in xy[-1])
    for kind, points in (("reached", surface.minima), ("saddle", surface.saddles), ("maximum", surface.maxima)):
        p, _ = _nearest(points, x, y)
        k = _arrival(xy, p, tol) if p is not None else None
        if k is None:
            continue
        where = point(p.x, p.y)
        if kind == "reached":
            if (left := _leaves(after, diverged_after, p, tol, steps)) is not None:
                return Outcome(
                    "passed",
                    f"came within {num(tol, 2)} of {_minimum_name(surface, p)} {where} at step {k} but left "
                    f"again: {left}",
                    None,
                    p,
                    detail="The same run continued past the steps shown leaves the minimum again.",
                )
            return Outcome(kind, f"reached {_minimum_name(surface, p)} {where} in {plural(k, 'step')}", k, p)
        name = "the saddle point" if kind == "saddle" else "the maximum"
        return Outcome(
            kind,
            f"converged to {name} {where} in {plural(k, 'step')}: not a minimum",
            k,
            p,
            detail="The gradient vanishes there too, so the rule stops as it would at a minimum.",
        )
    scale = max(float(np.ptp(loss)), abs(float(loss[0])), 1e-12)
    if np.abs(grad).max() * surface.span + np.abs(hessian).max() * surface.span**2 < 1e-20 * scale:
        (x0, x1), (y0, y1) = surface.domain
        outside = not (x0 <= x <= x1 and y0 <= y <= y1)
        return Outcome(
            "flat",
            f"stopped at {point(x, y)}{', outside the map,' if outside else ''} where the surface has no slope left "
            "in float32",
            detail="The surface falls off so fast that there its slope and curvature are below the smallest float32 "
            "numbers, so the steps stop: not a critical point of the formula. "
            f"The loss there is {num(float(loss[-1]))}.",
        )
    if newton_distance(grad, hessian) < tol:  # at a critical point the surface does not list
        return Outcome(
            "rest",
            f"came to rest at {point(x, y)}, {_kind_of(hessian)} not among the documented points",
            detail=f"The loss there is {num(float(loss[-1]))}.",
        )
    p, d = _nearest(surface.minima, x, y)
    motion = _motion(after, p, tol, NEAR * surface.span) if p is not None and d < NEAR * surface.span else None
    if motion == "closing" or (motion is None and p is not None and d < NEAR * surface.span and _closing_in(xy, p)):
        return Outcome(
            "approaching",
            f"is still approaching {_minimum_name(surface, p)} {point(p.x, p.y)} after {plural(steps, 'step')} "
            f"({num(d, 2)} away)",
            None,
            p,
            detail="The same run continued past the steps shown comes closer still."
            if motion
            else "Its distance to that minimum was still shrinking over the last fifth of the run.",
        )
    if isinstance(motion, tuple):
        how, lo, hi = motion
        where = f"{_minimum_name(surface, p)} {point(p.x, p.y)}"
        away = f"about {num(hi, 2)} away" if lo > 0.9 * hi else f"{num(lo, 2)} to {num(hi, 2)} away"
        by = f"still at step {steps + len(after)}"
        text = {
            "bouncing": f"bounces across {where} and back, {away}, {by}",
            "circling": f"circles {where}, {away}, {by}",
        }[how]
        return Outcome(
            how,
            text,
            None,
            p,
            detail=f"The same run continued {plural(len(after), 'step')} past those shown stays {away} from that "
            "minimum without closing in: its steps are too long to settle there.",
            band=(lo, hi),
        )
    return Outcome(
        "moving", f"still moving after {plural(steps, 'step')}, at {point(x, y)} with loss {num(float(loss[-1]))}"
    )
