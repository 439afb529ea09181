r"""Signals through depth: what each initialisation does to a deep MLP's activations and gradients at the start of
training, layer by layer (Glorot & Bengio 2010, He et al. 2015). Vanishing and exploding made visible.

A stack of ``depth`` hidden layers of WIDTH units on inputs x ~ N(0, 1) and a linear read-out fitted (mean squared
error) to targets y ~ N(0, 1). One compiled program whatever the depth: the weights are always MAX_DEPTH layers and
the layers past ``depth`` pass h on unchanged (the read-out reads layer ``depth``), so their gradients are 0 and
the depth is data. The inits compared are surfaces.networks.init_mlp's: zeros, a small normal (std 0.01), Xavier
(variance 2/(n_in + n_out)) and He (variance 2/n_in).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from surfaces.networks import ACTIVATIONS, BN_EPS, init_mlp

WIDTH, SAMPLES, MAX_DEPTH = 100, 500, 20
DEPTHS = (2, MAX_DEPTH)  # the depth slider's range
SMALL = 0.01  # the small normal's std
COMPARED = {"zeros": "zeros", "normal": f"normal, std {SMALL}", "xavier": "Xavier", "he": "He"}
DEPTH_ACTIVATIONS = ("tanh", "relu")
BINS = 41


@dataclass(frozen=True)
class DepthScene:
    depth: int = 10
    activation: str = "tanh"
    batchnorm: bool = False
    seed: int = 0


@dataclass(frozen=True)
class Signals:
    """One initialisation's signals at every layer 1…depth: the hidden activations' and the weight gradients' std,
    and their histograms (``counts[l]`` over ``edges[l]``, a share of the layer's values per bin)."""

    init: str
    act_std: np.ndarray  # (depth,)
    grad_std: np.ndarray  # (depth,) of ∂L/∂W_l
    act_hist: tuple[np.ndarray, np.ndarray]  # (depth, BINS) shares, (BINS + 1,) common edges
    grad_hist: tuple[np.ndarray, np.ndarray]


def _data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(SAMPLES, WIDTH)).astype(np.float32), rng.normal(size=SAMPLES).astype(np.float32)


def weights(init: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MAX_DEPTH hidden layers (MAX_DEPTH, WIDTH, WIDTH) and the read-out (WIDTH,), by surfaces.networks.init_mlp."""
    params = init_mlp((WIDTH,) * MAX_DEPTH, WIDTH, 1, init=init, scale=SMALL, seed=seed)
    return np.stack([p["w"] for p in params[:-1]]), params[-1]["w"][:, 0]


@functools.partial(jax.jit, static_argnames=("activation", "batchnorm"))
def _signals(ws, out, x, y, depth, *, activation: str, batchnorm: bool):
    """The hidden activations (MAX_DEPTH, SAMPLES, WIDTH) and ∂L/∂W (MAX_DEPTH, WIDTH, WIDTH); biases are 0 (the
    inits' own), batch norm's γ = 1, β = 0 (its inits)."""
    act = ACTIVATIONS[activation]

    def forward(ws):
        def layer(h, wl):
            w, index = wl
            z = h @ w
            if batchnorm:
                z = (z - z.mean(0)) * jax.lax.rsqrt(z.var(0) + BN_EPS)
            new = act(z)
            new = jnp.where(index < depth, new, h)  # past the depth: h passes on unchanged
            return new, new

        h, hs = jax.lax.scan(layer, x, (ws, jnp.arange(MAX_DEPTH)))
        return jnp.mean((h @ out - y) ** 2), hs

    grads, hs = jax.grad(forward, has_aux=True)(ws)
    return hs, grads


def _hist(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each layer's share of values per bin, over common symmetric edges (the largest |value| of any layer)."""
    top = float(np.max(np.abs(values))) or 1.0
    edges = np.linspace(-top, top, BINS + 1)
    counts = np.stack([np.histogram(v, edges)[0] for v in values.reshape(len(values), -1)])
    return (counts / counts.sum(axis=1, keepdims=True)).astype(np.float32), edges.astype(np.float32)


def signals(scene: DepthScene, init: str) -> Signals:
    x, y = _data(scene.seed)
    ws, out = weights(init, scene.seed)
    hs, grads = _signals(ws, out, x, y, jnp.int32(scene.depth), activation=scene.activation, batchnorm=scene.batchnorm)
    # the std in float64: the values of a vanishing signal are float32's (1e−23), their squares are not
    hs, grads = (np.asarray(a)[: scene.depth].astype(np.float64) for a in (hs, grads))
    return Signals(
        init,
        hs.reshape(scene.depth, -1).std(axis=1),
        grads.reshape(scene.depth, -1).std(axis=1),
        _hist(hs),
        _hist(grads),
    )


def all_signals(scene: DepthScene) -> dict[str, Signals]:
    return {init: signals(scene, init) for init in COMPARED}


def ratio(s: np.ndarray) -> float:
    """How much a std changes from the first layer to the last (NaN where the first is 0)."""
    return float(s[-1] / s[0]) if s[0] > 0 else float("nan")
