r"""Learning-rate schedules as data: a multiplier :math:`m(t)` with :math:`\eta_t = \eta\, m(t)` for any optimizer.

The kinds and parameter names are optax's (``optax.exponential_decay``, ``optax.cosine_decay_schedule``,
``optax.warmup_cosine_decay_schedule``); step decay is ``exponential_decay(..., staircase=True)``. :math:`t` is the
0-based update count as optax counts it: the first update uses :math:`m(0)`.

The kind and every parameter reach the compiled code as float32 scalars (:meth:`Schedule.data`) and one function,
:func:`multiplier`, selects among the kinds with ``jnp.where``: a new kind or parameter value never recompiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

KINDS = ("constant", "step", "exponential", "cosine", "warmup_cosine")
TITLES = {
    "constant": "Constant",
    "step": "Step decay",
    "exponential": "Exponential decay",
    "cosine": "Cosine decay",
    "warmup_cosine": "Linear warmup, then cosine",
}
SHORT = {
    "constant": "constant",
    "step": "step decay",
    "exponential": "exp. decay",
    "cosine": "cosine",
    "warmup_cosine": "warmup + cosine",
}

# The schedule under an optimizer's update rule (\eta_t replaces \eta there); lines of a KaTeX "gathered" block.
_C = r"c(u) = \tfrac12\left(1 + \cos \pi \min(u, 1)\right)"
LATEX = {
    "constant": r"\eta_t = \eta",
    "step": r"\eta_t = \eta\; r^{\lfloor t / s \rfloor}",
    "exponential": r"\eta_t = \eta\; r^{t / s}",
    "cosine": r"\eta_t = \eta \left(\alpha + (1-\alpha)\, c\!\left(\tfrac{t}{T}\right)\right) \\ " + _C,
    "warmup_cosine": r"""\eta_t = \eta \begin{cases}
\eta_0 + (1-\eta_0)\, t / W & t < W \\
\alpha + (1-\alpha)\, c\!\left(\frac{t - W}{T - W}\right) & t \ge W
\end{cases} \\ """
    + _C,
}

Data = dict[str, jax.Array]  # float32 scalars: the kind's index and every parameter


@dataclass(frozen=True)
class Schedule:
    r"""A learning-rate schedule: the multiplier of any optimizer's ``learning_rate``, by optax's names.

    Only the fields the kind uses matter; the others keep their defaults (and equal schedules compare equal).
    """

    kind: str = "constant"  # one of KINDS
    transition_steps: int = 100  # step, exponential: steps over which the rate is multiplied by decay_rate
    decay_rate: float = 0.5  # step, exponential: r, the factor per transition_steps
    decay_steps: int = 300  # cosine, warmup_cosine: T, where the decay ends (warmup included, as in optax)
    alpha: float = 0.0  # cosine, warmup_cosine: the final multiplier (optax's alpha; end_value / peak_value)
    warmup_steps: int = 0  # warmup_cosine: W, the length of the linear warmup
    init_value: float = 0.0  # warmup_cosine: the multiplier at t = 0 (optax's init_value / peak_value)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown schedule {self.kind!r}; known: {', '.join(KINDS)}")
        for name in ("transition_steps", "decay_steps", "warmup_steps"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
                raise ValueError(f"schedule {name} must be an int >= 0, got {v!r}")
            object.__setattr__(self, name, int(v))
        for name in ("decay_rate", "alpha", "init_value"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float | np.number) or not math.isfinite(v):
                raise ValueError(f"schedule {name} must be a finite number, got {v!r}")
            object.__setattr__(self, name, float(v))
        if self.kind in ("step", "exponential"):
            if self.transition_steps < 1:
                raise ValueError(f"{self.kind} decay needs transition_steps >= 1, got {self.transition_steps}")
            if self.decay_rate <= 0:
                raise ValueError(f"{self.kind} decay needs decay_rate > 0, got {self.decay_rate}")
        if self.kind in ("cosine", "warmup_cosine"):
            if not 0 <= self.alpha <= 1:
                raise ValueError(f"cosine decay needs 0 <= alpha <= 1 (the final multiplier), got {self.alpha}")
            if self.decay_steps <= self.warmup_steps * (self.kind == "warmup_cosine"):
                raise ValueError(
                    f"cosine decay needs decay_steps >= 1 (and > warmup_steps), got decay_steps {self.decay_steps}"
                    + (f", warmup_steps {self.warmup_steps}" if self.kind == "warmup_cosine" else "")
                )
        if self.kind == "warmup_cosine" and not 0 <= self.init_value <= 1:
            raise ValueError(f"warmup needs 0 <= init_value <= 1 (the first multiplier), got {self.init_value}")

    # -- as data for the compiled code ---------------------------------------------------------------------------
    def data(self) -> Data:
        """The kind's index and every parameter as float32 scalars: fixed shapes and dtypes, so never a recompile."""
        warmup = self.warmup_steps if self.kind == "warmup_cosine" else 0  # plain cosine: no warmup
        values = dict(
            kind=KINDS.index(self.kind),
            transition_steps=self.transition_steps,
            decay_rate=self.decay_rate,
            decay_steps=self.decay_steps,
            alpha=self.alpha,
            warmup_steps=warmup,
            init_value=self.init_value,
        )
        return {k: np.float32(v) for k, v in values.items()}

    def multipliers(self, steps: int) -> np.ndarray:
        """m(t) for the updates t = 0 .. steps - 1, float32 (for drawing), by the function the runs use."""
        n = 64
        while n < steps:  # a few padded lengths: a new number of steps rarely compiles
            n *= 2
        return np.asarray(_multipliers(np.arange(n, dtype=np.float32), self.data()))[:steps]

    def to_optax(self, learning_rate: float):
        """The equivalent optax schedule of the learning rate (the reference the tests compare with)."""
        import optax

        lr = learning_rate
        if self.kind == "constant":
            return optax.constant_schedule(lr)
        if self.kind in ("step", "exponential"):
            return optax.exponential_decay(lr, self.transition_steps, self.decay_rate, staircase=self.kind == "step")
        if self.kind == "cosine":
            return optax.cosine_decay_schedule(lr, self.decay_steps, self.alpha)
        return optax.warmup_cosine_decay_schedule(
            lr * self.init_value, lr, self.warmup_steps, self.decay_steps, end_value=lr * self.alpha
        )

    # -- as words and formulas -----------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def short(self) -> str:
        """One or two words for a run's label: "Adam · η 0.05, cosine"."""
        return SHORT[self.kind]

    @property
    def text(self) -> str:
        """A caption: "cosine decay to 0.1× over 300 steps", "step decay ×0.5 every 100 steps", ..."""
        if self.kind == "constant":
            return "constant learning rate"
        if self.kind in ("step", "exponential"):
            name = "step decay" if self.kind == "step" else "exponential decay"
            return f"{name} ×{_num(self.decay_rate)} every {_steps(self.transition_steps)}"
        to = f"to {_num(self.alpha)}×" if self.alpha else "to 0"
        if self.kind == "cosine":
            return f"cosine decay {to} over {_steps(self.decay_steps)}"
        warm = f"warmup {_steps(self.warmup_steps)}" + (f" from {_num(self.init_value)}×" if self.init_value else "")
        return f"{warm}, then cosine {to} by step {self.decay_steps}"

    @property
    def latex(self) -> str:
        """The schedule's formula and, on a last line, this schedule's values (LaTeX, no delimiters)."""
        values = {
            "constant": "",
            "step": rf"r = {_num(self.decay_rate)},\ s = {self.transition_steps}",
            "exponential": rf"r = {_num(self.decay_rate)},\ s = {self.transition_steps}",
            "cosine": rf"\alpha = {_num(self.alpha)},\ T = {self.decay_steps}",
            "warmup_cosine": rf"\eta_0 = {_num(self.init_value)},\ W = {self.warmup_steps},\ "
            rf"\alpha = {_num(self.alpha)},\ T = {self.decay_steps}",
        }[self.kind]
        return r"\begin{gathered}" + LATEX[self.kind] + (rf" \\ {values}" if values else "") + r"\end{gathered}"


def _num(v: float) -> str:
    return f"{v:.3g}"


def _steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def multiplier(t: jax.Array, s: Data) -> jax.Array:
    r"""m(t) for the schedule data ``s`` (:meth:`Schedule.data`), elementwise in t (int or float, 0-based).

    step / exponential (optax's ``exponential_decay``): :math:`r^{\lfloor t/s \rfloor}` or :math:`r^{t/s}`;
    cosine (``cosine_decay_schedule``, and after the warmup ``warmup_cosine_decay_schedule``; plain cosine has
    :math:`W = 0`): :math:`\alpha + (1-\alpha)\tfrac12(1+\cos(\pi \min(t', T')/T'))`, :math:`t' = t - W,\ T' = T - W`;
    warmup (optax's ``linear_schedule``): :math:`(\eta_0 - 1)(1 - t/W) + 1` for :math:`t < W`.
    """
    t = jnp.asarray(t, jnp.float32)
    kind = s["kind"]
    e = t / s["transition_steps"]
    e = jnp.where(kind == KINDS.index("step"), jnp.floor(e), e)
    decay = jnp.power(s["decay_rate"], e)
    w = s["warmup_steps"]
    span = jnp.maximum(s["decay_steps"] - w, 1.0)
    cos = 0.5 * (1 + jnp.cos(jnp.pi * jnp.clip(t - w, 0.0, span) / span))
    cosine = (1 - s["alpha"]) * cos + s["alpha"]
    warm = (s["init_value"] - 1) * (1 - t / jnp.maximum(w, 1.0)) + 1
    cosine = jnp.where(t < w, warm, cosine)
    return jnp.where(kind < 0.5, 1.0, jnp.where(kind < 2.5, decay, cosine))


_multipliers = jax.jit(multiplier)
