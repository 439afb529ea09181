r"""Minibatch SGD on a two-weight model, the 2-parameter network w₂·tanh(w₁x) or a linear regression w·x + b: each step
descends the loss of a few points only.

An epoch shuffles the 40 points (NumPy's generator, by ``seed``) and cuts them into 40/B batches of B; a step is
:math:`w \leftarrow w - \eta \frac1B \sum_{i \in \text{batch}} \nabla \ell_i(w)`, each point's gradient by
backpropagation (scenes/backprop.py; the line's by hand, 2eᵢxᵢ and 2eᵢ). Over an epoch the batches' gradients at one
w average to the full gradient; a batch's gradient scatters about it with variance
:math:`\frac{\sigma^2}{B}\frac{N-B}{N-1}` (sampling without replacement), so the step's noise grows with η/B: the
noise scale of Smith & Le (2018), Goyal et al. (2017). B = 40 is full-batch gradient descent. Everything is float64
NumPy. A run thrown out of the box |w| ≤ BOX stops there and says so (none of the rates the slider offers is thrown
out; a larger one, as from code, is).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import numpy as np

from scenes.backprop import TANH_START, tanh_pass
from surfaces.networks import NET_DOMAIN, NET_X, NET_Y

N = len(NET_X)
BATCHES = (1, 4, 10, N)  # each divides N: every epoch is whole batches
MB_LRS = (0.01, 0.03, 0.1, 0.3)
EPOCHS = (1, 40)  # the epochs slider's range
BOX = 1e3  # a run whose weights leave |w| ≤ BOX has diverged: it stops there


def _line_data() -> tuple[np.ndarray, np.ndarray]:
    """40 points of y = 1.5x − 1 + noise, x uniform on [0, 2]: x not centred, so w and b trade off (a long valley)."""
    rng = np.random.default_rng(7)
    x = np.sort(rng.uniform(0.0, 2.0, N))
    return x, 1.5 * x - 1.0 + 0.4 * rng.standard_normal(N)


@dataclass(frozen=True)
class Fit:
    """A two-weight model fitted by least squares to N points: what the section descends."""

    key: str
    title: str  # the control's label
    names: tuple[str, str]  # the weights' names (the map's axes)
    x: np.ndarray
    y: np.ndarray
    start: tuple[float, float]
    domain: tuple[tuple[float, float], tuple[float, float]]

    def predict(self, w1, w2, x):
        """The model's output, elementwise over broadcast weights and points."""
        return w2 * np.tanh(w1 * x) if self.key == "tanh" else w1 * x + w2

    def per_point(self, w: np.ndarray) -> np.ndarray:
        """(N, 2): each point's gradient of its squared error at w (the tanh network's by backpropagation)."""
        if self.key == "tanh":
            p = tanh_pass(w)
            return np.stack([p.backward["w₁"], p.backward["w₂"]], axis=1)
        e = self.predict(float(w[0]), float(w[1]), self.x) - self.y
        return np.stack([2 * e * self.x, 2 * e], axis=1)

    def loss(self, w1, w2, idx=None):
        """The mean squared error over the points ``idx`` (all when None), elementwise in w1, w2."""
        x, y = (self.x, self.y) if idx is None else (self.x[idx], self.y[idx])
        w1, w2 = np.asarray(w1, float), np.asarray(w2, float)
        return np.mean((self.predict(w1[..., None], w2[..., None], x) - y) ** 2, axis=-1)

    @functools.cached_property
    def minimum(self) -> tuple[float, float] | None:
        """The least-squares weights (the line's, in closed form; None for the network, whose minima are two)."""
        if self.key != "linear":
            return None
        a = np.stack([self.x, np.ones(N)], axis=1)
        w, *_ = np.linalg.lstsq(a, self.y, rcond=None)
        return float(w[0]), float(w[1])


_LX, _LY = _line_data()
FITS = {
    "tanh": Fit("tanh", "network w₂·tanh(w₁x)", ("w₁", "w₂"), NET_X, NET_Y, TANH_START, NET_DOMAIN),
    "linear": Fit("linear", "linear regression w·x + b", ("w", "b"), _LX, _LY, (-0.5, 2.0), ((-1.5, 3.5), (-3.0, 2.0))),
}


@dataclass(frozen=True)
class MinibatchScene:
    batch: int = 4
    lr: float = 0.1
    epochs: int = 10
    seed: int = 0
    step: int = 0  # the step whose batch's loss surface is drawn
    model: str = "tanh"  # a key of FITS

    def __post_init__(self):
        if self.model not in FITS:
            raise ValueError(f"unknown model {self.model!r}; known: {', '.join(FITS)}")

    @property
    def fit(self) -> Fit:
        return FITS[self.model]

    @property
    def steps(self) -> int:
        return self.epochs * (N // self.batch)


def batches(scene: MinibatchScene) -> np.ndarray:
    """(steps, B) the points of each step's batch: each epoch a new permutation of the points, cut in order."""
    rng = np.random.default_rng(scene.seed)
    per = N // scene.batch
    return np.concatenate([rng.permutation(N).reshape(per, scene.batch) for _ in range(scene.epochs)])


def batch_grad(w: np.ndarray, idx: np.ndarray, fit: Fit = FITS["tanh"]) -> np.ndarray:
    """The mean over the batch of each point's gradient, from one backward pass over all points."""
    return fit.per_point(w)[idx].mean(axis=0)


def batch_loss(w1, w2, idx: np.ndarray, fit: Fit = FITS["tanh"]):
    """The batch's loss (1/B) Σ (f(xᵢ) − yᵢ)², elementwise in w1, w2 (a surface to draw)."""
    return fit.loss(w1, w2, idx)


def full_loss(w: np.ndarray, fit: Fit = FITS["tanh"]) -> np.ndarray:
    """The loss on all 40 points at each w (..., 2)."""
    w = np.asarray(w, float)
    return fit.loss(w[..., 0], w[..., 1])


@dataclass(frozen=True)
class Walk:
    """Minibatch SGD's weights at every step (steps + 1, 2) with each step's batch, and full-batch GD with the same η
    for as many epochs (epochs + 1, 2); each frozen where it left the box (``*_diverged``: that step, else None)."""

    scene: MinibatchScene
    sgd: np.ndarray
    batches: np.ndarray
    gd: np.ndarray
    sgd_diverged: int | None = None
    gd_diverged: int | None = None

    @property
    def per_epoch(self) -> int:
        return N // self.scene.batch


def _descend(start: np.ndarray, steps: int, grad, lr: float) -> tuple[np.ndarray, int | None]:
    """``steps`` steps w ← w − η grad(k, w); frozen at the last good point once |w| > BOX (that step returned)."""
    w, out, gone = start, [start], None
    for k in range(steps):
        if gone is None:
            nxt = w - lr * grad(k, w)
            if np.all(np.isfinite(nxt)) and np.abs(nxt).max() <= BOX:
                w = nxt
            else:
                gone = k + 1
        out.append(w)
    return np.array(out), gone


def walk(scene: MinibatchScene) -> Walk:
    """Both runs of ``scene`` (computed once whatever step is drawn: the step is not part of the run)."""
    return _walk(replace(scene, step=0))


@functools.lru_cache(maxsize=64)
def _walk(scene: MinibatchScene) -> Walk:
    idx, fit = batches(scene), scene.fit
    start = np.array(fit.start, float)
    with np.errstate(over="ignore", invalid="ignore"):
        sgd, sgd_gone = _descend(start, len(idx), lambda k, w: batch_grad(w, idx[k], fit), scene.lr)
        gd, gd_gone = _descend(start, scene.epochs, lambda k, w: fit.per_point(w).mean(axis=0), scene.lr)
    out = Walk(scene, sgd, idx, gd, sgd_gone, gd_gone)
    for a in (out.sgd, out.batches, out.gd):
        a.flags.writeable = False
    return out


def noise(w: np.ndarray, batch: int, fit: Fit = FITS["tanh"]) -> tuple[float, float]:
    """At w: the per-point gradients' total variance σ² (the trace of their covariance, over the 40 points) and a
    batch's gradient's, σ²/B · (N − B)/(N − 1) (without replacement)."""
    per_point = fit.per_point(w)
    s2 = float(per_point.var(axis=0).sum())
    return s2, s2 / batch * (N - batch) / (N - 1)
