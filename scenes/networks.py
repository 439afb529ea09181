"""A small network's training as a Scene: the data, the model, its initialisation, the penalty and the optimizer, and
what is computed from it (the training run, its boundary, landscape slices, the loss along a line, the sharpness).

Everything here returns NumPy arrays in frozen dataclasses (cacheable, picklable); the compiled functions live in
:func:`surfaces.networks.problem`'s cache, keyed by the same settings, so a page recomputes nothing it has seen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import jax
import numpy as np

from optim import OPTIMIZERS, run
from optim.run import record_bucket, train_key
from optim.sharpness import sharpness_along, top_eigenvalue
from optim.spectrum import Spectrum, spectrum
from scenes.scene import RunSpec
from scenes.text import num, plural
from surfaces.datasets import CLASSIFICATION, augmented, make_dataset
from surfaces.landscape import line_interpolation, pca_plane, random_plane, slice_2d
from surfaces.networks import LOSSES, Model, Problem, batch_objective, count_params, minibatch, problem

NET_STEPS = (10, 3000)
MAX_RECORDS = 200  # the path keeps at most this many points (a landscape's PCA and a boundary per point)
SLICE_GRID = 41


def _adam() -> RunSpec:
    return RunSpec.default("adam")


@dataclass(frozen=True)
class NetScene:
    """Everything that decides one training run of a small network (hashable: the pages' cache key)."""

    dataset: str = "moons"
    n: int = 400
    noise: float = 0.2
    data_seed: int = 0
    augmentation: str = "none"
    strength: float = 0.0
    widths: tuple[int, ...] = (16, 16)
    activation: str = "tanh"
    batchnorm: bool = False
    dropout: float = 0.0
    init: str = "xavier"
    init_scale: float = 0.1
    init_seed: int = 0
    loss: str | None = None  # None: cross-entropy for classes, mean squared error for regression
    l2: float = 0.0
    l1: float = 0.0
    optimizer: RunSpec = field(default_factory=_adam)
    steps: int = 500
    batch: int = 0  # minibatch size; 0: the whole training set (surfaces.networks.problem)

    def __post_init__(self):
        if not NET_STEPS[0] <= self.steps <= NET_STEPS[1]:
            raise ValueError(f"steps must lie in {NET_STEPS}")
        if self.optimizer.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer.optimizer!r}")
        object.__setattr__(self, "widths", tuple(int(w) for w in self.widths))

    @property
    def model(self) -> Model:
        return Model(self.widths, self.activation, self.batchnorm, self.dropout)  # a width of 0 raises, with why

    @property
    def problem(self) -> Problem:
        data = augmented(
            make_dataset(self.dataset, self.n, self.noise, self.data_seed),
            self.augmentation,
            self.strength,
            self.data_seed,
        )
        return problem(data, self.model, loss=self.loss, l2=self.l2, l1=self.l1, batch=self.batch)

    def initial(self):
        return self.problem.init(self.init, self.init_scale, self.init_seed)

    @property
    def record_every(self) -> int:
        return max(1, math.ceil(self.steps / MAX_RECORDS))

    @property
    def work(self) -> float:
        """What a run and its pictures cost: weights × points × (steps + SLICE_STEPS). Measured warm on the 2-core
        machine, a training step costs ~1.2e-10 s a weight × point at the large end (128-128-128 on 800 points for
        2,000 steps: 6.5 s); the Train section's two landscape slices (2 × 41² losses over every point) about as
        much as 400 steps (256×4 on 800 points: 9 s for 50 steps, 6 of them the slices)."""
        return weights(self.widths) * self.n * (self.steps + SLICE_STEPS)


SLICE_STEPS = 400  # the landscape slices' cost, in training steps
WORK_BUDGET = 1.5e10  # the most work one run may be: ~3 s warm, so a section comparing runs stays under 10 s


def weights(widths: tuple[int, ...]) -> int:
    """The weights and biases of a network from 2 inputs through ``widths`` to 1 output."""
    sizes = (2, *widths, 1)
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:], strict=False))


def max_steps(widths: tuple[int, ...], n: int, by: int = 1) -> int:
    """The most steps (a multiple of ``by``) a run of these widths on ``n`` points may take within WORK_BUDGET."""
    return int((WORK_BUDGET // (weights(widths) * n) - SLICE_STEPS) // by * by)


def over_budget(scene: NetScene, by: int = 1) -> str | None:
    """Why the scene is more work than the page does, in plain words with the limit; None when it is not."""
    if scene.work <= WORK_BUDGET:
        return None
    most = max_steps(scene.widths, scene.n, by)
    layers = ", ".join(map(str, scene.widths)) or "none"
    limit = f"at most {plural(most, 'step')} with them" if most >= by else "too many even for the fewest steps"
    return (
        f"hidden widths {layers} on {scene.n} points for {plural(scene.steps, 'step')} are more than this page "
        f"computes in a few seconds (weights × points × (steps + {SLICE_STEPS}) = {num(scene.work, 2)}, at most "
        f"{num(WORK_BUDGET, 2)}): {limit}; "
        "fewer points or narrower layers allow more"
    )


@dataclass(frozen=True)
class Training:
    """A training run, recorded every ``scene.record_every`` steps (the start first, the last step last)."""

    scene: NetScene
    steps: np.ndarray  # (R,) int
    path: tuple  # the parameters, each leaf with a leading axis R
    train_loss: np.ndarray  # (R,) the data loss on the training split (no penalty)
    objective: np.ndarray  # (R,) what the optimizer descends: data loss + penalties (dropout off)
    test_loss: np.ndarray  # (R,)
    train_acc: np.ndarray | None  # (R,) classification only
    test_acc: np.ndarray | None
    diverged_at: int | None
    n_params: int

    @property
    def final(self):
        return jax.tree.map(lambda a: a[-1], self.path)

    def at(self, i: int):
        return jax.tree.map(lambda a: a[i], self.path)


def _data_losses(prob: Problem, path) -> tuple[np.ndarray, ...]:
    """(train loss, test loss, train accuracy, test accuracy) at every recorded point (accuracies None for
    regression); batch norm normalises with the training statistics, as the page's predictions do. Computed over
    the run's bucket of records (the last one repeated, as run() does), so that another number of steps reuses the
    programs."""
    d, fn = prob.data, LOSSES[prob.loss]
    kept = len(jax.tree.leaves(path)[0])
    padded = jax.tree.map(lambda a: _pad(np.asarray(a), record_bucket(kept)), path)
    pred_train = jax.vmap(lambda p: prob.predict(p, d.x_train))(padded)
    pred_test = jax.vmap(lambda p: prob.predict(p, d.x_test))(padded)
    train = np.asarray(jax.vmap(lambda z: fn(z, d.y_train))(pred_train))[:kept]
    test = np.asarray(jax.vmap(lambda z: fn(z, d.y_test))(pred_test))[:kept]
    pred_train, pred_test = np.asarray(pred_train)[:kept], np.asarray(pred_test)[:kept]
    if d.task != CLASSIFICATION:
        return train, test, None, None
    acc = lambda z, y: ((z > 0) == (np.asarray(y) > 0.5)).mean(axis=1)  # noqa: E731
    return train, test, acc(pred_train, d.y_train), acc(pred_test, d.y_test)


def _pad(a: np.ndarray, size: int) -> np.ndarray:
    """``a`` with its last row repeated up to ``size`` rows."""
    return np.concatenate([a, np.repeat(a[-1:], size - len(a), axis=0)]) if len(a) < size else a


def train(scene: NetScene) -> Training:
    """Train the scene's network with its optimizer (optim.run: the code path of the 2-D surfaces)."""
    prob = scene.problem
    spec = scene.optimizer
    tr = run(
        prob.objective,
        spec.optimizer,
        start=scene.initial(),
        steps=scene.steps,
        record_every=scene.record_every,
        seed=scene.init_seed,
        schedule=spec.schedule,
        train_objective=prob.train_objective,
        **spec.hyper_dict(),
    )
    train_loss, test_loss, train_acc, test_acc = _data_losses(prob, tr.xy)
    return Training(
        scene,
        np.asarray(tr.steps),
        tr.xy,
        train_loss,
        np.asarray(tr.loss),
        test_loss,
        train_acc,
        test_acc,
        tr.diverged_at,
        count_params(scene.initial()),
    )


# The Networks page's sections start here (the warm-up compiles them ahead)
SECTION_DEFAULTS = {
    "train": NetScene(),
    "test": NetScene(dataset="blobs", n=100, noise=0.2, widths=(64, 64), steps=1500),
    "variants": NetScene(dataset="circles", widths=(16, 16), steps=800),
    "sharpness": NetScene(
        dataset="regression", noise=0.1, widths=(32, 32), steps=2000, optimizer=RunSpec("gd", (("learning_rate", 0.1),))
    ),
}


# -- what a page draws from a training run ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Boundary:
    """The fitted function on a grid over the data (classification: P(class 1)) or a line (regression)."""

    xs: np.ndarray  # (nx,)
    ys: np.ndarray | None  # (ny,), None for regression
    z: np.ndarray  # (ny, nx) probabilities, or (nx,) fitted values


def boundary(scene: NetScene, params, n: int = 120) -> Boundary:
    prob = scene.problem
    x = np.concatenate([prob.data.x_train, prob.data.x_test])
    lo, hi = x.min(axis=0) - 0.3, x.max(axis=0) + 0.3
    xs = np.linspace(lo[0], hi[0], n, dtype=np.float32)
    if x.shape[1] == 1:
        return Boundary(xs, None, np.asarray(prob.predict(params, xs[:, None]), np.float32))
    ys = np.linspace(lo[1], hi[1], n, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    z = prob.predict(params, np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32))
    return Boundary(xs, ys, np.asarray(jax.nn.sigmoid(z), np.float32).reshape(n, n))


@dataclass(frozen=True)
class Slice:
    """The loss on a plane through the final weights: train and test, and the path in the plane (PCA only)."""

    kind: str  # "random" (two filter-normalised directions, Li et al. 2018) | "pca" (of the training path)
    alphas: np.ndarray  # (n,)
    betas: np.ndarray  # (n,)
    train: np.ndarray  # (n, n), rows over β; the objective (with penalties) as the optimizer sees it
    test: np.ndarray  # (n, n)
    path: np.ndarray | None  # (R, 2) the path's coordinates in the plane (PCA)
    explained: np.ndarray | None  # (2,) the path's variance along d1, d2
    distance: np.ndarray | None  # (R,) each path point's distance from the plane
    path_norm: float  # the largest distance of a path point from the final weights (for scale)


def landscape_slice(training: Training, kind: str = "random", n: int = SLICE_GRID, seed: int = 0) -> Slice:
    """A 41 × 41 slice: over α, β ∈ [−1, 1] for filter-normalised directions (1 = the weights' own size per
    neuron), or around the projected path with a margin for the PCA plane."""
    prob = training.scene.problem
    center = training.final
    flat = np.concatenate([np.asarray(a).reshape(len(training.steps), -1) for a in jax.tree.leaves(training.path)], 1)
    path_norm = float(np.linalg.norm(flat - flat[-1], axis=1).max())
    coords = explained = distance = None
    if kind == "random":
        d1, d2 = random_plane(center, seed)
        alphas = betas = np.linspace(-1.0, 1.0, n, dtype=np.float32)
    elif kind == "pca":
        plane, alphas, betas = _pca_grid(training, n)
        d1, d2, coords, explained, distance = plane.d1, plane.d2, plane.coords, plane.explained, plane.distance
    else:
        raise ValueError(f"unknown slice {kind!r}: random or pca")
    z_train = slice_2d(prob.objective, center, d1, d2, alphas, betas)
    z_test = slice_2d(prob.test_loss, center, d1, d2, alphas, betas)
    return Slice(kind, alphas, betas, z_train, z_test, coords, explained, distance, path_norm)


def _pca_grid(training: Training, n: int):
    """The path's PCA plane and the grid over it a slice is drawn on: around the projected path, with a margin."""
    plane = pca_plane(training.path)
    alphas, betas = (_around(plane.coords[:, k]) for k in (0, 1))
    return plane, np.linspace(*alphas, n, dtype=np.float32), np.linspace(*betas, n, dtype=np.float32)


def batch_drawn(training: Training, t: int) -> np.ndarray:
    """The training points of the minibatch update ``t`` (from step t to t + 1) drew, sorted (the run's own key)."""
    sc = training.scene
    if not 0 <= t < sc.steps:
        raise ValueError(f"update {t} is not one of the run's 0 to {sc.steps - 1}")
    prob = sc.problem
    if prob.batch == 0:
        raise ValueError("a full-batch run draws no minibatch")
    _, idx = minibatch(train_key(sc.init_seed, t), len(prob.data.y_train), prob.batch)
    return np.sort(np.asarray(idx))


def batch_slice(training: Training, t: int, n: int = SLICE_GRID) -> np.ndarray:
    """The loss of update ``t``'s minibatch on the PCA slice's grid (rows over β), penalties included, as the
    optimizer saw it at that step."""
    plane, alphas, betas = _pca_grid(training, n)
    loss = batch_objective(training.scene.problem, batch_drawn(training, t))
    return slice_2d(loss, training.final, plane.d1, plane.d2, alphas, betas)


def _around(v: np.ndarray) -> tuple[float, float]:
    """A range covering the values with a 25% margin (at least ±0.1 around 0, so a still path gets a picture)."""
    lo, hi = float(min(v.min(), 0.0)), float(max(v.max(), 0.0))
    pad = max(0.25 * (hi - lo), 0.1)
    return lo - pad, hi + pad


def interpolation(training: Training, n: int = 81) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(α, train objective, test loss) along θ(α) = (1 − α)θ₀ + αθ_T, α ∈ [−0.5, 1.5] (Goodfellow et al. 2015)."""
    prob = training.scene.problem
    alphas = np.linspace(-0.5, 1.5, n, dtype=np.float32)
    p0, p1 = training.at(0), training.final
    return (
        alphas,
        line_interpolation(prob.objective, p0, p1, alphas),
        line_interpolation(prob.test_loss, p0, p1, alphas),
    )


def sharpness(training: Training, points: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """(steps, λmax of the objective's Hessian) at up to ``points`` recorded points (Lanczos on Hessian-vector
    products): the sharpness Cohen et al. 2021 compare with 2/η."""
    idx = np.unique(np.linspace(0, len(training.steps) - 1, points).round().astype(int))
    sub = jax.tree.map(lambda a: a[idx], training.path)
    return training.steps[idx], sharpness_along(training.scene.problem.objective, sub)


SPECTRUM_POINTS = 4  # where along the path the Hessian's whole spectrum is estimated: the start, then evenly on


def spectra(training: Training, points: int = SPECTRUM_POINTS) -> list[tuple[int, Spectrum]]:
    """(step, the Hessian's eigenvalue density by stochastic Lanczos quadrature) at ``points`` recorded points from
    the start to the end (optim.spectrum); a point whose curvature is not finite is left out (a diverged run)."""
    idx = np.unique(np.linspace(0, len(training.steps) - 1, points).round().astype(int))
    out = []
    for i in idx:
        sp = spectrum(training.scene.problem.objective, training.at(int(i)))
        if sp is not None:
            out.append((int(training.steps[i]), sp))
    return out


def top_at(scene: NetScene, params) -> float:
    return top_eigenvalue(scene.problem.objective, params)


def distinct_units(params, layer: int = 0, tol: float = 1e-5) -> int:
    """How many different neurons a hidden layer has (incoming weights and bias): a symmetric initialisation keeps
    every neuron of a layer identical for ever, so the layer works as one neuron."""
    w = np.concatenate([np.asarray(params[layer]["w"]), np.asarray(params[layer]["b"])[None]], 0).T
    return int(len(np.unique(np.round(w / tol).astype(np.int64), axis=0)))
