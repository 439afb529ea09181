r"""Minibatch SGD on the 2-parameter network w₂·tanh(w₁x): each step descends the loss of a few points only.

An epoch shuffles the 40 points (NumPy's generator, by ``seed``) and cuts them into 40/B batches of B; a step is
:math:`w \leftarrow w - \eta \frac1B \sum_{i \in \text{batch}} \nabla \ell_i(w)`, each point's gradient by
backpropagation (scenes/backprop.py). Over an epoch the batches' gradients at one w average to the full gradient;
a batch's gradient scatters about it with variance :math:`\frac{\sigma^2}{B}\frac{N-B}{N-1}` (sampling without
replacement), so the step's noise grows with η/B: the noise scale of Smith & Le (2018), Goyal et al. (2017). B = 40
is full-batch gradient descent. Everything is float64 NumPy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from scenes.backprop import TANH_START, tanh_pass
from surfaces.networks import NET_X, NET_Y, two_param_loss

N = len(NET_X)
BATCHES = (1, 4, 10, N)  # each divides N: every epoch is whole batches
MB_LRS = (0.01, 0.03, 0.1, 0.3)
EPOCHS = (1, 40)  # the epochs slider's range


@dataclass(frozen=True)
class MinibatchScene:
    batch: int = 4
    lr: float = 0.1
    epochs: int = 10
    seed: int = 0
    step: int = 0  # the step whose batch's loss surface is drawn

    @property
    def steps(self) -> int:
        return self.epochs * (N // self.batch)


def batches(scene: MinibatchScene) -> np.ndarray:
    """(steps, B) the points of each step's batch: each epoch a new permutation of the points, cut in order."""
    rng = np.random.default_rng(scene.seed)
    per = N // scene.batch
    return np.concatenate([rng.permutation(N).reshape(per, scene.batch) for _ in range(scene.epochs)])


def batch_grad(w: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """The mean over the batch of each point's gradient, from one backward pass over all points."""
    p = tanh_pass(w)
    return np.array([p.backward["w₁"][idx].mean(), p.backward["w₂"][idx].mean()])


def batch_loss(w1, w2, idx: np.ndarray):
    """The batch's loss (1/B) Σ (w₂ tanh(w₁xᵢ) − yᵢ)², elementwise in w1, w2 (a surface to draw)."""
    w1, w2 = np.asarray(w1, float), np.asarray(w2, float)
    x, y = NET_X[idx], NET_Y[idx]
    return np.mean((w2[..., None] * np.tanh(w1[..., None] * x) - y) ** 2, axis=-1)


def full_loss(w: np.ndarray) -> np.ndarray:
    """The loss on all 40 points at each w (..., 2)."""
    w = np.asarray(w, float)
    return two_param_loss(w[..., 0], w[..., 1], xp=np)


@dataclass(frozen=True)
class Walk:
    """Minibatch SGD's weights at every step (steps + 1, 2) with each step's batch, and full-batch GD with the same η
    for as many epochs (epochs + 1, 2)."""

    scene: MinibatchScene
    sgd: np.ndarray
    batches: np.ndarray
    gd: np.ndarray

    @property
    def per_epoch(self) -> int:
        return N // self.scene.batch


@functools.lru_cache(maxsize=64)
def walk(scene: MinibatchScene) -> Walk:
    idx = batches(scene)
    w = np.array(TANH_START, float)
    sgd = [w]
    for b in idx:
        w = w - scene.lr * batch_grad(w, b)
        sgd.append(w)
    g = np.array(TANH_START, float)
    gd = [g]
    for _ in range(scene.epochs):
        g = g - scene.lr * tanh_pass(g).grad
        gd.append(g)
    out = Walk(scene, np.array(sgd), idx, np.array(gd))
    for a in (out.sgd, out.batches, out.gd):
        a.flags.writeable = False
    return out


def noise(w: np.ndarray, batch: int) -> tuple[float, float]:
    """At w: the per-point gradients' total variance σ² (the trace of their covariance, over the 40 points) and a
    batch's gradient's, σ²/B · (N − B)/(N − 1) (without replacement)."""
    p = tanh_pass(w)
    per_point = np.stack([p.backward["w₁"], p.backward["w₂"]], axis=1)
    s2 = float(per_point.var(axis=0).sum())
    return s2, s2 / batch * (N - batch) / (N - 1)
