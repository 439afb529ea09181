r"""Small networks as plain functions over pytrees: the 2-parameter network (a Surface), MLPs, losses, penalties.

Everything here is pure JAX (no Flax): parameters are a tuple of layer dicts, a model is a function of them, and a
:class:`Problem` bundles the functions :func:`optim.run` descends (``objective``, and ``train_objective`` when dropout
is on), so networks are trained by the same code path as the 2-D surfaces.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.tree_util import Partial

from surfaces._points import critical_points
from surfaces.base import Surface
from surfaces.datasets import CLASSIFICATION, Dataset

# -- the 2-parameter network: y = w2 tanh(w1 x), a loss surface that is exactly 2-D -----------------------------------
TEACHER = (2.0, 1.5)  # (a, b): the data follow y = a tanh(b x) + noise
NET_POINTS, NET_NOISE, NET_SEED = 40, 0.05, 0


def _teacher_data() -> tuple[np.ndarray, np.ndarray]:
    """40 points x ~ U(−1, 1), y = 2 tanh(1.5x) + 0.05·N(0, 1), float64 from numpy.random.default_rng(0)."""
    rng = np.random.default_rng(NET_SEED)
    x = rng.uniform(-1.0, 1.0, NET_POINTS)
    return x, TEACHER[0] * np.tanh(TEACHER[1] * x) + NET_NOISE * rng.normal(size=NET_POINTS)


NET_X, NET_Y = _teacher_data()


def two_param_loss(w1, w2, xp=jnp):
    r""":math:`L(w_1, w_2) = \frac1N \sum_i (w_2 \tanh(w_1 x_i) - y_i)^2`, elementwise and broadcasting in w1, w2.

    Computed in the precision of w1, w2 (the data are cast to it); ``xp=np`` gives the NumPy version (complex
    inputs allowed: the complex-step derivatives of surfaces/_points.py).
    """
    if xp is jnp:
        dt = jnp.result_type(w1, w2, jnp.float32)
        x, y, w1, w2 = (jnp.asarray(a, dt) for a in (NET_X, NET_Y, w1, w2))
    else:
        x, y, w1, w2 = NET_X, NET_Y, np.asarray(w1), np.asarray(w2)
    return xp.mean((w2[..., None] * xp.tanh(w1[..., None] * x) - y) ** 2, axis=-1)


NET_DOMAIN = ((-3.0, 3.0), (-3.0, 3.0))
# Refined at import by Newton's method in float64 (surfaces/_points.py), re-verified by tests/test_surfaces.py: the
# minima lie near the teacher's (b, a) = (1.5, 2) and its mirror image; the origin is a saddle, the only other
# critical point (∂L/∂w1 carries a factor w2, ∂L/∂w2 a factor tanh(w1 x)).
_NET_POINTS = critical_points(
    functools.partial(two_param_loss, xp=np), [(1.5, 2.0), (-1.5, -2.0), (0.0, 0.0)], NET_DOMAIN
)

TWO_PARAM_NET = Surface(
    "two_param_net",
    "A 2-parameter network",
    two_param_loss,
    NET_DOMAIN,
    latex=r"\frac{1}{N}\sum_{i=1}^{N}\left(w_2 \tanh(w_1 x_i) - y_i\right)^2,\quad (w_1, w_2) = (x, y),\ "
    r"y_i = 2\tanh(1.5\,x_i) + \varepsilon_i",
    lesson="The network w₂·tanh(w₁x) fitted to 40 points has two mirror-image minima, (w₁, w₂) and (−w₁, −w₂), "
    "and a saddle at the origin with zero gradient: a zero initialisation never moves, a small random one escapes.",
    minima=_NET_POINTS[0],
    saddles=_NET_POINTS[1],
    maxima=_NET_POINTS[2],
    starts=((-2.5, 2.5), (0.0, 0.0), (0.01, -0.01)),  # (0.01, −0.01) lies on the saddle's stable direction
    source="A one-hidden-neuron tanh network on data from a teacher of the same form; minima refined here in float64",
)

# -- multilayer perceptrons ---------------------------------------------------------------------------------------
ACTIVATIONS: dict[str, Callable] = {
    "tanh": jnp.tanh,
    "relu": jax.nn.relu,
    "sigmoid": jax.nn.sigmoid,
    "gelu": jax.nn.gelu,  # the tanh approximation (Hendrycks & Gimpel 2016), jax's default
    "linear": lambda z: z,
}
INITS = ("zeros", "constant", "normal", "xavier", "he")
BN_EPS = 1e-5  # added to the batch variance (Ioffe & Szegedy 2015)

Params = tuple[dict[str, Any], ...]


def _check_widths(widths: Sequence[int]) -> tuple[int, ...]:
    for i, w in enumerate(widths):
        if int(w) != w or w < 1:
            raise ValueError(f"a layer needs at least one neuron: hidden layer {i + 1} has {w}")
    return tuple(int(w) for w in widths)


def init_mlp(
    widths: Sequence[int],
    in_dim: int,
    out_dim: int = 1,
    *,
    init: str = "xavier",
    scale: float = 0.1,
    seed: int = 0,
    batchnorm: bool = False,
) -> Params:
    r"""Parameters of an MLP in_dim → widths… → out_dim: a tuple of layers {"w": (in, out), "b": (out,)}, float32.

    Biases start at zero. Weights by ``init``: "zeros"; "constant" (every weight = ``scale``); "normal"
    (std = ``scale``); "xavier", Glorot & Bengio (2010), uniform on :math:`\pm\sqrt{6/(n_{in} + n_{out})}`, variance
    :math:`2/(n_{in} + n_{out})`; "he", He et al. (2015), normal with variance :math:`2/n_{in}`. ``scale`` is used
    by "constant" and "normal" only. With ``batchnorm``, hidden layers also carry "gamma" = 1 and "beta" = 0 (out,).
    No hidden layer (``widths=()``) is a linear model. Randomness: numpy.random.default_rng(seed).
    """
    widths = _check_widths(widths)
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; known: {', '.join(INITS)}")
    rng = np.random.default_rng(seed)
    dims = (int(in_dim), *widths, int(out_dim))
    layers = []
    for i, (n_in, n_out) in enumerate(zip(dims[:-1], dims[1:], strict=True)):
        shape = (n_in, n_out)
        if init == "zeros":
            w = np.zeros(shape)
        elif init == "constant":
            w = np.full(shape, scale)
        elif init == "normal":
            w = scale * rng.normal(size=shape)
        elif init == "xavier":
            w = rng.uniform(-1.0, 1.0, shape) * np.sqrt(6.0 / (n_in + n_out))
        else:
            w = rng.normal(size=shape) * np.sqrt(2.0 / n_in)
        layer = {"w": w.astype(np.float32), "b": np.zeros(n_out, np.float32)}
        if batchnorm and i < len(widths):
            layer |= {"gamma": np.ones(n_out, np.float32), "beta": np.zeros(n_out, np.float32)}
        layers.append(layer)
    return tuple(layers)


def mlp_apply(
    params: Params,
    x,
    *,
    activation: str = "tanh",
    batchnorm: bool = False,
    dropout: float = 0.0,
    key: jax.Array | None = None,
    stats_x=None,
) -> jax.Array:
    r"""The MLP's outputs (N, out_dim): :math:`h \leftarrow \phi(hW + b)` per hidden layer, then :math:`hW + b`.

    batchnorm: each hidden pre-activation z becomes :math:`\gamma (z - \mu)/\sqrt{\sigma^2 + \epsilon} + \beta`
    before φ (Ioffe & Szegedy 2015), μ and σ² (biased) taken over the batch. In full-batch training that batch is the
    training set; to evaluate other points (the test set, a decision-boundary grid) pass ``stats_x`` = the training
    inputs: the statistics then come from a forward pass of ``stats_x`` (with no dropout), as a trained network's
    running averages would. dropout: inverted dropout of rate p on every hidden layer's output (kept units scaled by
    1/(1 − p), Srivastava et al. 2014), only when a PRNG ``key`` is given; p may be a traced array (a new rate never
    recompiles).
    """
    act = ACTIVATIONS[activation]
    h = x
    ref = None if stats_x is None or not batchnorm else stats_x  # the batch whose statistics normalise h
    widths = [layer["w"].shape[1] for layer in params[:-1]]
    if key is not None:  # one draw for every hidden unit: one PRNG kernel to compile, not one per layer
        keep = jax.random.bernoulli(key, 1.0 - dropout, (*jnp.shape(x)[:-1], sum(widths)))
        masks = jnp.split(keep, np.cumsum(widths)[:-1], axis=-1)
    for i, layer in enumerate(params[:-1]):
        z = h @ layer["w"] + layer["b"]
        if batchnorm:
            zr = z if ref is None else ref @ layer["w"] + layer["b"]
            mu, inv = zr.mean(0), jax.lax.rsqrt(zr.var(0) + BN_EPS)
            z = layer["gamma"] * (z - mu) * inv + layer["beta"]
            if ref is not None:
                ref = act(layer["gamma"] * (zr - mu) * inv + layer["beta"])
        h = act(z)
        if key is not None:
            h = jnp.where(masks[i], h / (1.0 - dropout), 0.0)
    return h @ params[-1]["w"] + params[-1]["b"]


# -- losses and penalties ------------------------------------------------------------------------------------------
def mse(pred, y) -> jax.Array:
    r"""Mean squared error :math:`\frac1N\sum_i (\hat y_i - y_i)^2`."""
    return jnp.mean((pred - y) ** 2)


def cross_entropy(logits, y) -> jax.Array:
    r"""Binary cross-entropy from logits z, :math:`\frac1N\sum_i \log(1 + e^{z_i}) - y_i z_i`, written with softplus
    (never overflows); targets y in [0, 1] may be soft (mixup); minimal at :math:`\sigma(z) = y`."""
    return jnp.mean(jax.nn.softplus(logits) - y * logits)


LOSSES: dict[str, Callable] = {"mse": mse, "cross_entropy": cross_entropy}


def l2_penalty(params: Params) -> jax.Array:
    r"""Ridge: :math:`\sum w^2` over the weight matrices only (no biases, no batch-norm γ, β); the objective adds
    λ₂ times it (λ₂, not λ₂/2: its gradient is 2λ₂w)."""
    return sum(jnp.sum(layer["w"] ** 2) for layer in params)


def l1_penalty(params: Params) -> jax.Array:
    r"""Lasso: :math:`\sum |w|` over the weight matrices only; its gradient is λ₁·sign(w) (0 at w = 0 in jax)."""
    return sum(jnp.sum(jnp.abs(layer["w"])) for layer in params)


def count_params(params: Any) -> int:
    """The number of scalars in a parameter pytree."""
    return int(sum(np.size(a) for a in jax.tree.leaves(params)))


def accuracy(logits, y) -> float:
    """The share of points whose predicted class (logit > 0) is their label's (y > 0.5: soft labels round)."""
    return float(np.mean((np.asarray(logits) > 0) == (np.asarray(y) > 0.5)))


# -- a problem: data + model + loss, as the functions run() descends ---------------------------------------------------
@dataclass(frozen=True)
class Model:
    """An MLP's architecture: hidden widths, activation, batch norm, dropout rate (hashable: a cache key)."""

    widths: tuple[int, ...] = (8,)
    activation: str = "tanh"
    batchnorm: bool = False
    dropout: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "widths", _check_widths(self.widths))
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {self.activation!r}; known: {', '.join(ACTIVATIONS)}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout is a rate in [0, 1), got {self.dropout}")

    def apply(self, params: Params, x, *, key=None, stats_x=None) -> jax.Array:
        """Outputs (N,) of a one-output network (see :func:`mlp_apply`)."""
        return mlp_apply(
            params,
            x,
            activation=self.activation,
            batchnorm=self.batchnorm,
            dropout=self.dropout,
            key=key,
            stats_x=stats_x,
        )[:, 0]


@dataclass(frozen=True, eq=False)
class Problem:
    """A data set, a model and a loss, as the functions an optimizer descends and a page evaluates.

    objective(params): the training loss plus penalties with dropout off, what ``run`` records and tests.
    train_objective(params, key): the same with dropout on, or on a random minibatch (None without either): its
    gradient drives the updates.
    test_loss(params): the data loss on the test split (no penalty); predict(params, x) -> (N,) logits or values,
    batch norm with the training statistics. Both jitted.
    """

    data: Dataset
    model: Model
    loss: str
    l2: float
    l1: float
    objective: Callable
    train_objective: Callable | None
    test_loss: Callable
    predict: Callable
    batch: int = 0  # the minibatch size train_objective draws (0: none, full batch)

    def init(self, init: str = "xavier", scale: float = 0.1, seed: int = 0) -> Params:
        """Initial parameters for this problem's model and data (see :func:`init_mlp`)."""
        return init_mlp(
            self.model.widths, self.data.in_dim, 1, init=init, scale=scale, seed=seed, batchnorm=self.model.batchnorm
        )


def problem(
    data: Dataset, model: Model, *, loss: str | None = None, l2: float = 0.0, l1: float = 0.0, batch: int = 0
) -> Problem:
    """The Problem of fitting ``model`` to ``data``; loss defaults to cross-entropy (classification) or MSE.

    ``batch``: minibatch training, each step's gradient that of the loss over ``batch`` training points drawn at
    random without replacement (a fresh draw every step; batch norm's statistics are the batch's, dropout as set); 0,
    or as many as the training points, is full-batch training. The recorded objective stays the full loss.

    The functions are ``jax.tree_util.Partial``s of functions cached on (model, loss), with the data and λ bound as
    traced arguments: ``run``, the landscape slices and Lanczos compile once per model, loss and data shapes, and new
    data of the same shapes (noise, seed) or a new λ reuse the programs.
    """
    loss = loss or ("cross_entropy" if data.task == CLASSIFICATION else "mse")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; known: {', '.join(LOSSES)}")
    if loss == "cross_entropy" and data.task != CLASSIFICATION:
        raise ValueError("cross-entropy needs class labels; use mse for regression")
    if l2 < 0 or l1 < 0:
        raise ValueError(f"penalty weights must be >= 0, got l2={l2}, l1={l1}")
    if int(batch) != batch or batch < 0:
        raise ValueError(f"batch must be an int >= 0 (0: the whole training set), got {batch!r}")
    full = batch == 0 or batch >= len(data.y_train)
    return _problem(data, model, loss, float(l2), float(l1), 0 if full else int(batch))


def minibatch(key: jax.Array, n: int, batch: int) -> tuple[jax.Array, jax.Array]:
    """(the key left for dropout, the indices of ``batch`` of ``n`` points drawn without replacement): what a minibatch
    training objective draws from its step's key."""
    key, pick = jax.random.split(key)
    return key, jax.random.choice(pick, n, (batch,), replace=False)


def batch_objective(prob: Problem, idx) -> Callable:
    """``prob``'s objective (penalties, dropout off) on the training points ``idx`` only: a minibatch's loss, as a
    ``Partial`` of the same function (one program per batch size)."""
    x, y, *rest = prob.objective.args
    idx = np.asarray(idx)
    return Partial(prob.objective.func, np.asarray(x)[idx], np.asarray(y)[idx], *rest)


@functools.lru_cache(maxsize=32)
def _functions(model: Model, loss: str, batch: int = 0) -> tuple[Callable, Callable, Callable, Callable]:
    """The problem's functions with the data, the penalty weights and the dropout rate as leading arguments, cached on
    (model, loss) alone, the model's dropout rate left out (:func:`_problem` passes ``Model`` with rate 0): bound by
    ``jax.tree_util.Partial``, new data, weights or rates of the same shapes reuse every compiled program
    (surfaces.bound): a noise, seed, λ or dropout slider never recompiles. ``batch`` > 0: the training objective is
    a random minibatch's (its size is a shape: one program per size), dropout's rate still data (0: none)."""
    data_loss = LOSSES[loss]

    def penalised(value, l2, l1, params):
        return value + l2 * l2_penalty(params) + l1 * l1_penalty(params)

    def objective(x, y, l2, l1, params):
        return penalised(data_loss(model.apply(params, x), y), l2, l1, params)

    def train_objective(x, y, l2, l1, rate, params, key):
        if batch:  # a fresh draw of ``batch`` points each step, without replacement
            key, idx = minibatch(key, y.shape[0], batch)
            x, y = jnp.asarray(x)[idx], jnp.asarray(y)[idx]
        out = mlp_apply(params, x, activation=model.activation, batchnorm=model.batchnorm, dropout=rate, key=key)
        return penalised(data_loss(out[:, 0], y), l2, l1, params)

    @jax.jit
    def predict(x, params, points):
        return model.apply(params, points, stats_x=x)

    @jax.jit
    def test_loss(x, x_test, y_test, params):
        return data_loss(model.apply(params, x_test, stats_x=x), y_test)

    return objective, train_objective, predict, test_loss


@functools.lru_cache(maxsize=64)
def _problem(data: Dataset, model: Model, loss: str, l2: float, l1: float, batch: int = 0) -> Problem:
    """Cached on (data by identity, model, loss, l2, l1, batch): the functions of :func:`_functions` bound to this
    data."""
    objective, train_objective, predict, test_loss = _functions(replace(model, dropout=0.0), loss, batch)
    x, y, w2, w1 = data.x_train, data.y_train, np.float64(l2), np.float64(l1)  # float32 unless x64 is on
    rate = np.float64(model.dropout)
    return Problem(
        data,
        model,
        loss,
        l2,
        l1,
        Partial(objective, x, y, w2, w1),
        Partial(train_objective, x, y, w2, w1, rate) if model.dropout > 0 or batch else None,
        Partial(test_loss, x, data.x_test, data.y_test),
        Partial(predict, x),
        batch,
    )
