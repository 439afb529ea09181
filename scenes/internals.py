r"""What an optimizer does inside each step, as arrows on the map: the gradient step :math:`-\eta_t \nabla f(\theta_t)`,
what the rule adds to it (momentum carried from past steps, or noise), the step actually taken, and for the rules
that rescale each coordinate (AdaGrad, RMSProp, Adam, AdamW) that rescaling as an axis-aligned ellipse.

Read off the race itself: the gradient at every point of the path (``optim.analysis.curvature``, the path padded to
``PAD`` points, so one program per surface whatever the steps), the step taken from the path (its next point minus
this one), and the adaptive rules' second moments replayed from those gradients in float64, exactly as
``optim/rules.py`` accumulates them (tests/test_internals.py checks each against optax's state and the replayed step
against the path). Step t is the update from :math:`\theta_t`; at the last step shown, the update the race takes next
(it runs past what is shown, ``RunResult.ahead``).

The ellipse of a rescaling rule is the image of the circle of radius :math:`\eta_t \lVert d_t \rVert` under the
rescaling, :math:`d_t` being what the rule rescales (the gradient, Adam's bias-corrected first moment): the unscaled
step :math:`-\eta_t d_t` ends on that circle, the step taken on the ellipse; its semi-axes are
:math:`\eta_t \lVert d_t\rVert s_i`, with :math:`s_i` the coordinate's scale, :math:`1/(\sqrt{\hat v_i}+\epsilon)` for
Adam. Wide along a coordinate whose gradients have been small: the rule stretches its steps there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optim import analysis
from scenes.compute import Result, RunResult

PAD = 2048  # the path's points are padded to this many for the gradients: one program per surface (steps ≤ 2000)
CARRY = {  # what the rule adds to the gradient step, by rule: the arrow's name
    "momentum": "momentum carried",
    "nesterov": "momentum carried",
    "sgd": "gradient noise",
}
SCALED = ("adagrad", "rmsprop", "adam", "adamw")  # the rules whose ellipse is drawn


@dataclass(frozen=True)
class Internals:
    """One racer's steps, each (n + 1, 2) float64 for steps 0..n; NaN from the step it diverged at."""

    gradient: np.ndarray  # −η_t ∇f(θ_t)
    step: np.ndarray  # θ_{t+1} − θ_t (at t = n: the next update)
    carry: np.ndarray | None  # step − gradient step: momentum carried, or noise (None: nothing to add)
    carry_name: str  # "momentum carried", "gradient noise", ""
    axes: np.ndarray | None  # the ellipse's semi-axes along x and y (None: no rescaling)


def internals(result: Result) -> tuple[Internals, ...]:
    """Every racer's internals at each step of the race shown."""
    return tuple(_one(result, r) for r in result.runs)


def _rates(r: RunResult, n: int) -> np.ndarray:
    """η_t for t = 0..n (a schedule's for t < n: it ends with the race), float64."""
    lr = r.spec.hyper_dict()["learning_rate"]
    if r.lr is None:
        return np.full(n + 1, lr, np.float64)
    return np.r_[np.asarray(r.lr, np.float64), np.nan][: n + 1]


def _one(result: Result, r: RunResult) -> Internals:
    n = len(r.xy) - 1
    xy = np.asarray(r.xy, np.float64)
    following = np.asarray(r.ahead, np.float64)[None] if r.ahead is not None else np.full((1, 2), np.nan)
    step = np.diff(np.concatenate([xy, following]), axis=0)
    g = gradients(result, xy)
    eta = _rates(r, n)
    gradient = -eta[:, None] * g
    rule, hyper = r.spec.optimizer, r.spec.hyper_dict()
    axes = None
    if rule in SCALED:
        scale, direction = replay(rule, hyper, g)
        axes = eta[:, None] * np.linalg.norm(direction, axis=1, keepdims=True) * scale
    carry = step - gradient if rule in CARRY else None
    if r.ahead is None:  # the race ends at n (a schedule, a divergence): no step from there
        gradient[n] = np.nan
        if axes is not None:
            axes[n] = np.nan
    if (k := r.diverged_at) is not None:  # update k − 1 threw it out; the path stays at its last good point
        for a in (step, carry):
            if a is not None:
                a[max(k - 1, 0) :] = np.nan
        for a in (gradient, axes):
            if a is not None:
                a[k:] = np.nan
    return Internals(gradient, step, carry, CARRY.get(rule, ""), axes)


def gradients(result: Result, xy: np.ndarray) -> np.ndarray:
    """∇f at each point of a path (n + 1, 2), float64 (the path padded to PAD points: one program per surface)."""
    m = len(xy)
    if m > PAD:
        raise ValueError(f"a path of at most {PAD} points")
    padded = np.concatenate([xy, np.repeat(xy[-1:], PAD - m, axis=0)]).astype(np.float32)
    return analysis.curvature(result.surface, padded)[0][:m]


def replay(rule: str, hyper: dict[str, float], g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scale, direction), each (T, 2) float64: the per-coordinate scale s_t and what it rescales d_t at each step,
    so that the rule's update is u_t = −η_t s_t ⊙ d_t (AdamW adds its decay), replayed from the gradients g (T, 2)
    as optim/rules.py accumulates them."""
    sq = g * g
    if rule == "adagrad":
        total = hyper["initial_accumulator_value"] + np.cumsum(sq, axis=0)
        scale = np.where(total > 0, 1 / np.sqrt(total + hyper["eps"]), 0.0)
        return scale, g
    if rule == "rmsprop":
        rho = hyper["decay"]
        return 1 / np.sqrt(_ema(sq, rho) + hyper["eps"]), g
    b1, b2 = hyper["b1"], hyper["b2"]
    t = np.arange(1, len(g) + 1, dtype=np.float64)[:, None]
    m_hat = _ema(g, b1) / (1 - b1**t)
    v_hat = _ema(sq, b2) / (1 - b2**t)
    return 1 / (np.sqrt(v_hat + hyper["eps_root"]) + hyper["eps"]), m_hat


def _ema(x: np.ndarray, decay: float) -> np.ndarray:
    """a_t = decay·a_{t−1} + (1 − decay)·x_t from a_{−1} = 0, along axis 0."""
    out, a = np.empty_like(x), np.zeros(x.shape[1:])
    for i, v in enumerate(x):
        a = decay * a + (1 - decay) * v
        out[i] = a
    return out
