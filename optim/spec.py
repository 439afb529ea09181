"""The registry's vocabulary: a hyperparameter, an optimizer (an (init, update) pair and its metadata), a run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np


@dataclass(frozen=True)
class Hyper:
    """One hyperparameter: optax's name and default, what it is called, and the range its slider covers."""

    name: str  # optax's argument name: learning_rate, momentum, b1, b2, eps, decay, ...
    label: str  # LaTeX symbol: \eta, \beta, \beta_1, ...
    default: float
    lo: float
    hi: float
    log: bool = False  # slider on a log scale (learning rates, noise scales)
    help: str = ""  # one sentence for the slider's tooltip
    slider: bool = True  # False: kept at its default, not offered as a slider (eps)
    # the words beside the symbol ("first-moment decay"): the rule's own, as one optax name (b1) means different
    # things to different rules (Adam's first-moment decay, Lion's weight of the momentum)
    title: str = field(kw_only=True)


@dataclass(frozen=True)
class Optimizer:
    """An update rule as optax has them: init(params) -> state; update(grads, state, params, hyper) -> (updates, state).

    `hyper` is a dict of scalar arrays keyed by Hyper.name. A rule with `needs_hessian` also receives
    `hessian=` (the Hessian of the loss with respect to the raveled parameters, shape (P, P)); a rule with
    `stochastic` also receives `key=` (a PRNG key, fresh every step).

    The row is all there is to know about a rule: every page, figure, link and test reads it, so a new optimizer is
    one rule in optim/rules.py and one row here. Its look (``color``, ``symbol``) is plain strings that the figure
    code hands to the jax-free plotting layer with each path.
    """

    key: str
    title: str
    latex: str  # the update rule in its textbook form, LaTeX without delimiters (aligned lines allowed); see ``note``
    summary: str  # one sentence: what it does and what it teaches
    init: Callable[[Any], Any]
    update: Callable[..., tuple[Any, Any]]
    hypers: tuple[Hyper, ...]
    color: str  # "#RRGGBB": its paths, markers and dots on every page and in every export
    symbol: str  # Plotly marker symbol of its racer's head and its loss curve's end
    needs_hessian: bool = False
    stochastic: bool = False
    momentum_hyper: str | None = None  # its momentum-like hyperparameter (swept by the phase diagram), if any
    # ``latex`` is the rule as textbooks write it; ``note`` is one line under it naming optax's variant (which the
    # rule computes, step for step) where it differs: ε inside the root, a starting sum, the look-ahead in other
    # coordinates. "" where the two agree.
    note: str = ""

    def __post_init__(self):
        if self.momentum_hyper is not None:
            self.hyper(self.momentum_hyper)  # raises if the rule has no such hyperparameter

    @property
    def scales_to_networks(self) -> bool:
        """Cheap enough for a network's P parameters: a rule needing the P×P Hessian is not (Newton)."""
        return not self.needs_hessian

    def defaults(self) -> dict[str, float]:
        return {h.name: h.default for h in self.hypers}

    def hyper(self, name: str) -> Hyper:
        for h in self.hypers:
            if h.name == name:
                return h
        raise KeyError(f"{self.title} has no hyperparameter {name!r}")


class Trajectory(NamedTuple):
    """A recorded run, as NumPy arrays.

    xy: (R, 2) for one start, (M, R, 2) for M starts (for a pytree objective: the parameter pytree with those
        leading axes); R recorded steps, the start first and the last step last.
    loss: (R,) or (M, R).
    diverged_at: one start: None or the first step whose value was not finite or left the safe box;
        a batch: int array (M,), -1 where the run never diverged. After that step the run is frozen at its last
        good point (xy and loss repeat it), so nothing downstream sees NaN.
    steps: (R,) the step number of each record.
    """

    xy: Any
    loss: np.ndarray
    diverged_at: Any
    steps: np.ndarray
