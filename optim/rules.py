r"""The update rules as optax has them: ``init(params) -> state`` and ``update(grads, state, params, hyper) -> (updates,
state)`` on pytrees, where ``updates`` are ADDED to the parameters, :math:`\theta_{t+1} = \theta_t + u_t`.

``hyper`` is a dict of scalar arrays keyed by optax's argument names (``learning_rate``, ``momentum``, ``b1``, ...),
so a new slider value is new data, never new code. Every rule computes a direction and :func:`_descend` applies the
one sign flip, :math:`u = -\eta\, d`. Each rule equals its optax counterpart (tests/test_optim_rules.py checks it),
up to rounding: Adam carries :math:`\beta_1^t, \beta_2^t` as running products instead of a ``pow`` per step, and
AdaGrad adds its initial accumulator at each step (``init`` sees only the parameters, not the hyperparameters).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

Hyper = dict[str, jax.Array]  # scalar float32 arrays keyed by optax's argument names


def _descend(hyper: Hyper, direction: Any) -> Any:
    r"""The one sign flip: :math:`u = -\eta\, d`."""
    lr = hyper["learning_rate"]
    return jax.tree.map(lambda d: -lr * d, direction)


def _zeros(params: Any) -> Any:
    return jax.tree.map(jnp.zeros_like, params)


class EmptyState(NamedTuple):
    """No state (gradient descent, Newton)."""


# -- gradient descent -------------------------------------------------------------------------------------------------
def gd_init(params: Any) -> EmptyState:
    del params
    return EmptyState()


def gd_update(grads: Any, state: EmptyState, params: Any, hyper: Hyper) -> tuple[Any, EmptyState]:
    r"""Gradient descent, as ``optax.sgd(learning_rate)``: :math:`u_t = -\eta\, g_t`."""
    del params
    return _descend(hyper, grads), state


# -- SGD: gradient plus annealed Gaussian noise ---------------------------------------------------------------------
class NoiseState(NamedTuple):
    count: jax.Array  # () int32: steps taken


def sgd_init(params: Any) -> NoiseState:
    del params
    return NoiseState(count=jnp.zeros([], jnp.int32))


def sgd_update(grads: Any, state: NoiseState, params: Any, hyper: Hyper, *, key: jax.Array) -> tuple[Any, NoiseState]:
    r"""Gradient noise, parametrised as ``optax.noisy_sgd(learning_rate, eta, gamma)``:

    .. math:: u_t = -\eta\,(g_t + \xi_t),\quad \xi_t \sim \mathcal N\!\left(0, \frac{\sigma_0^2}{(1+t)^{\gamma}}\right)

    with :math:`t = 0` at the first step and :math:`\sigma_0^2` optax's ``eta`` (a variance, not a learning rate).
    ``key`` is a fresh PRNG key every step (the noise need not equal optax's draws, only their law).
    """
    del params
    count = state.count + 1
    std = jnp.sqrt(hyper["eta"] / count.astype(jnp.float32) ** hyper["gamma"])
    leaves, treedef = jax.tree.flatten(grads)
    keys = jax.random.split(key, len(leaves)) if len(leaves) > 1 else [key]
    noisy = [g + std * jax.random.normal(k, g.shape, g.dtype) for g, k in zip(leaves, keys, strict=True)]
    return _descend(hyper, jax.tree.unflatten(treedef, noisy)), NoiseState(count=count)


# -- heavy-ball and Nesterov momentum --------------------------------------------------------------------------------
class TraceState(NamedTuple):
    trace: Any  # like params: the velocity m_t


def momentum_init(params: Any) -> TraceState:
    return TraceState(trace=_zeros(params))


def momentum_update(grads: Any, state: TraceState, params: Any, hyper: Hyper) -> tuple[Any, TraceState]:
    r"""Heavy ball, as ``optax.sgd(learning_rate, momentum)``: :math:`m_t = g_t + \beta m_{t-1},\ u_t = -\eta\, m_t`."""
    del params
    beta = hyper["momentum"]
    trace = jax.tree.map(lambda g, m: g + beta * m, grads, state.trace)
    return _descend(hyper, trace), TraceState(trace=trace)


def nesterov_update(grads: Any, state: TraceState, params: Any, hyper: Hyper) -> tuple[Any, TraceState]:
    r"""Nesterov, as ``optax.sgd(learning_rate, momentum, nesterov=True)``:

    .. math:: m_t = g_t + \beta m_{t-1},\quad u_t = -\eta\,(g_t + \beta m_t)
    """
    del params
    beta = hyper["momentum"]
    trace = jax.tree.map(lambda g, m: g + beta * m, grads, state.trace)
    look_ahead = jax.tree.map(lambda g, m: g + beta * m, grads, trace)
    return _descend(hyper, look_ahead), TraceState(trace=trace)


# -- AdaGrad -------------------------------------------------------------------------------------------------------
class SumOfSquaresState(NamedTuple):
    sum_of_squares: Any  # like params: sum of g_s^2 over the steps so far (without the initial value)


def adagrad_init(params: Any) -> SumOfSquaresState:
    return SumOfSquaresState(sum_of_squares=_zeros(params))


def adagrad_update(grads: Any, state: SumOfSquaresState, params: Any, hyper: Hyper) -> tuple[Any, SumOfSquaresState]:
    r"""AdaGrad, as ``optax.adagrad(learning_rate, initial_accumulator_value, eps)``:

    .. math:: G_t = G_0 + \sum_{s \le t} g_s^2,\quad u_t = -\eta\, \frac{g_t}{\sqrt{G_t + \epsilon}}

    The state keeps the sum without :math:`G_0` (``initial_accumulator_value``), which is a hyperparameter and
    so is added at each step: ``init`` sees only the parameters.
    """
    del params
    acc0, eps = hyper["initial_accumulator_value"], hyper["eps"]
    sums = jax.tree.map(lambda g, s: g * g + s, grads, state.sum_of_squares)

    def scaled(g, s):
        total = acc0 + s
        return jnp.where(total > 0, jax.lax.rsqrt(total + eps), 0.0) * g

    return _descend(hyper, jax.tree.map(scaled, grads, sums)), SumOfSquaresState(sum_of_squares=sums)


# -- RMSProp -------------------------------------------------------------------------------------------------------
class RmsState(NamedTuple):
    nu: Any  # like params: the moving average of g^2


def rmsprop_init(params: Any) -> RmsState:
    return RmsState(nu=_zeros(params))


def rmsprop_update(grads: Any, state: RmsState, params: Any, hyper: Hyper) -> tuple[Any, RmsState]:
    r"""RMSProp, as ``optax.rmsprop(learning_rate, decay, eps)`` (``eps_in_sqrt=True``, ``initial_scale=0``):

    .. math:: v_t = \rho v_{t-1} + (1-\rho) g_t^2,\quad u_t = -\eta\, \frac{g_t}{\sqrt{v_t + \epsilon}}
    """
    del params
    rho, eps = hyper["decay"], hyper["eps"]
    nu = jax.tree.map(lambda g, v: (1 - rho) * (g * g) + rho * v, grads, state.nu)
    direction = jax.tree.map(lambda g, v: jax.lax.rsqrt(v + eps) * g, grads, nu)
    return _descend(hyper, direction), RmsState(nu=nu)


# -- Adam and AdamW ------------------------------------------------------------------------------------------------
class AdamState(NamedTuple):
    mu: Any  # like params: first moment m_t
    nu: Any  # like params: second moment v_t
    b1_pow: jax.Array  # () float32: beta_1^t, carried instead of a pow per step
    b2_pow: jax.Array  # () float32: beta_2^t


def adam_init(params: Any) -> AdamState:
    one = jnp.ones([], jnp.float32)
    return AdamState(mu=_zeros(params), nu=_zeros(params), b1_pow=one, b2_pow=one)


def _adam_direction(grads: Any, state: AdamState, hyper: Hyper) -> tuple[Any, AdamState]:
    b1, b2, eps, eps_root = hyper["b1"], hyper["b2"], hyper["eps"], hyper["eps_root"]
    mu = jax.tree.map(lambda g, m: (1 - b1) * g + b1 * m, grads, state.mu)
    nu = jax.tree.map(lambda g, v: (1 - b2) * (g * g) + b2 * v, grads, state.nu)
    b1_pow, b2_pow = state.b1_pow * b1, state.b2_pow * b2
    c1, c2 = 1 - b1_pow, 1 - b2_pow
    direction = jax.tree.map(lambda m, v: (m / c1) / (jnp.sqrt(v / c2 + eps_root) + eps), mu, nu)
    return direction, AdamState(mu=mu, nu=nu, b1_pow=b1_pow, b2_pow=b2_pow)


def adam_update(grads: Any, state: AdamState, params: Any, hyper: Hyper) -> tuple[Any, AdamState]:
    r"""Adam, as ``optax.adam(learning_rate, b1, b2, eps, eps_root)``:

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
        u_t = -\eta\, \frac{m_t / (1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t) + \epsilon_{root}} + \epsilon}
    """
    del params
    direction, state = _adam_direction(grads, state, hyper)
    return _descend(hyper, direction), state


def adamw_update(grads: Any, state: AdamState, params: Any, hyper: Hyper) -> tuple[Any, AdamState]:
    r"""AdamW, as ``optax.adamw(learning_rate, b1, b2, eps, eps_root, weight_decay=λ)``: decoupled weight decay,

    .. math:: u_t = -\eta\,\left(\frac{\hat m_t}{\sqrt{\hat v_t + \epsilon_{root}} + \epsilon} + \lambda \theta_t\right)
    """
    direction, state = _adam_direction(grads, state, hyper)
    wd = hyper["weight_decay"]
    direction = jax.tree.map(lambda d, p: d + wd * p, direction, params)
    return _descend(hyper, direction), state


# -- Lion ----------------------------------------------------------------------------------------------------------
class LionState(NamedTuple):
    mu: Any  # like params: the momentum m_t, a running mean of gradients with decay beta_2


def lion_init(params: Any) -> LionState:
    return LionState(mu=_zeros(params))


def lion_update(grads: Any, state: LionState, params: Any, hyper: Hyper) -> tuple[Any, LionState]:
    r"""Lion (Chen et al. 2023), as ``optax.lion(learning_rate, b1, b2, weight_decay=λ)``: the sign of a blend of the
    momentum and the gradient, with decoupled weight decay; the momentum follows the gradient at its own rate,

    .. math::
        c_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad
        u_t = -\eta\,\left(\operatorname{sign}(c_t) + \lambda \theta_t\right),\quad
        m_t = \beta_2 m_{t-1} + (1-\beta_2) g_t

    Every coordinate moves by exactly :math:`\eta` (besides the decay), whatever the gradient's size.
    """
    b1, b2, wd = hyper["b1"], hyper["b2"], hyper["weight_decay"]
    direction = jax.tree.map(lambda g, m, p: jnp.sign((1 - b1) * g + b1 * m) + wd * p, grads, state.mu, params)
    mu = jax.tree.map(lambda g, m: (1 - b2) * g + b2 * m, grads, state.mu)
    return _descend(hyper, direction), LionState(mu=mu)


# -- damped Newton -------------------------------------------------------------------------------------------------
def newton_update(grads: Any, state: EmptyState, params: Any, hyper: Hyper, *, hessian: jax.Array) -> tuple[Any, Any]:
    r"""Damped Newton with the exact Hessian on the raveled parameters:

    .. math:: u_t = -\eta\, (H_t + \delta I)^{-1} g_t

    :math:`\delta` (``damping``) only shifts the spectrum, so an indefinite :math:`H` stays indefinite and the
    step still points at the nearest critical point, saddles included: the lesson. ``hessian`` is (P, P).
    """
    del params
    flat, unravel = ravel_pytree(grads)
    system = hessian + hyper["damping"] * jnp.eye(flat.shape[0], dtype=flat.dtype)
    return _descend(hyper, unravel(jnp.linalg.solve(system, flat))), state
