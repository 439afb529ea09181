r"""Tiny data sets generated in code (no downloads) and their augmentations, for the small networks.

Randomness is NumPy's ``Generator`` (PCG64, ``numpy.random.default_rng(seed)``): the same arguments give the same
arrays, another seed other arrays. Inputs are float32, scaled by a fixed affine map per data set (not by the sample's
own statistics, so seeds and noise levels share one scale) into roughly :math:`[-1.5, 1.5]^2`.

Targets ``y`` are float32 of shape (N,): class labels 0/1 for classification (soft labels in [0, 1] after mixup;
``networks.cross_entropy`` takes either), real values for regression.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

CLASSIFICATION, REGRESSION = "classification", "regression"
COPIES = 3  # augmented copies of the training set added by "jitter" and "mixup"


@dataclass(frozen=True, eq=False)  # identity hash: a cached Dataset keys the compiled objectives built on it
class Dataset:
    """Train and test splits of one generated data set; x (N, 2) (regression: (N, 1)) and y (N,), float32."""

    name: str
    task: str  # "classification" (y in {0, 1}, or soft in [0, 1] after mixup) | "regression"
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    augmentation: tuple[str, float, int] = ("none", 0.0, 0)  # (kind, strength, seed) applied to the training split

    @property
    def in_dim(self) -> int:
        return int(self.x_train.shape[1])


@dataclass(frozen=True)
class DatasetSpec:
    """A registry entry: what the page shows and the generator of clean-plus-noise points (x, y) in fixed scale."""

    key: str
    title: str
    task: str
    lesson: str  # one sentence
    generate: Callable[[int, float, np.random.Generator], tuple[np.ndarray, np.ndarray]]


# -- generators: (n, noise, rng) -> x (n, d) float64, y (n,); classification returns n // 2 points per class ---------
def _halves(n: int) -> tuple[int, int]:
    return n // 2, n - n // 2


def _moons(n, noise, rng):
    """Two interleaved half circles (the scikit-learn layout), centred: x₁ ∈ [−1.5, 1.5], x₂ ∈ [−0.75, 0.75]."""
    a, b = _halves(n)
    t0, t1 = rng.uniform(0, np.pi, a), rng.uniform(0, np.pi, b)
    upper = np.stack([np.cos(t0), np.sin(t0)], 1)
    lower = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)], 1)
    x = np.concatenate([upper, lower]) - [0.5, 0.25] + noise * rng.normal(size=(n, 2))
    return x, np.repeat([0.0, 1.0], [a, b])


def _circles(n, noise, rng):
    """A disc of radius 0.7 inside a ring of radius 1.4 (class 1 inside)."""
    a, b = _halves(n)
    t = rng.uniform(0, 2 * np.pi, n)
    r = np.repeat([1.4, 0.7], [a, b])
    x = np.stack([r * np.cos(t), r * np.sin(t)], 1) + noise * rng.normal(size=(n, 2))
    return x, np.repeat([0.0, 1.0], [a, b])


def _xor(n, noise, rng):
    """Uniform in the square [−1.4, 1.4]², labelled 1 where x₁x₂ > 0 (before the noise is added): half per class."""
    a, b = _halves(n)
    u = rng.uniform(0.02, 1.4, (n, 2))  # magnitudes; signs chosen per class: quadrants 1, 3 for class 1
    s1 = rng.choice([-1.0, 1.0], n)
    s2 = np.concatenate([-s1[:a], s1[a:]])  # class 0: opposite signs, class 1: equal signs
    x = u * np.stack([s1, s2], 1) + noise * rng.normal(size=(n, 2))
    return x, np.repeat([0.0, 1.0], [a, b])


def _spiral(n, noise, rng):
    """Two interleaved arms r = 1.5t, angle 3πt (+π for class 1), t ∈ [0.1, 1]: each arm a point reflection of the
    other (Lang & Witbrock 1988, after the two-spirals benchmark)."""
    a, b = _halves(n)
    t = rng.uniform(0.1, 1.0, n)
    angle = 3 * np.pi * t + np.repeat([0.0, np.pi], [a, b])
    x = 1.5 * t[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1) + noise * rng.normal(size=(n, 2))
    return x, np.repeat([0.0, 1.0], [a, b])


# blob centres (x₁, x₂, class): three Gaussian blobs per class, interleaved so no single line separates the classes
_BLOBS = np.array([(-1.0, -0.9, 0), (1.0, 0.0, 0), (-0.2, 0.9, 0), (0.0, -0.8, 1), (-1.0, 0.4, 1), (0.9, 1.0, 1)])
BLOB_STD = 0.25  # each blob's own spread; `noise` adds to it


def _blobs(n, noise, rng):
    """A mixture of six isotropic Gaussian blobs, three per class, std √(0.25² + noise²)."""
    a, b = _halves(n)
    k0 = rng.integers(0, 3, a)
    k1 = rng.integers(3, 6, b)
    c = _BLOBS[np.concatenate([k0, k1])]
    x = c[:, :2] + np.hypot(BLOB_STD, noise) * rng.normal(size=(n, 2))
    return x, c[:, 2].astype(np.float64)


def regression_target(x: np.ndarray) -> np.ndarray:
    r"""The regression curve :math:`f(x) = \sin(3x)\,e^{-x^2/2}`: odd, f(−x) = −f(x) (what "flip" relies on)."""
    return np.sin(3 * x) * np.exp(-(x**2) / 2)


def _regression(n, noise, rng):
    """x uniform in [−1, 1], y = sin(3x)·exp(−x²/2) + noise·N(0, 1)."""
    x = rng.uniform(-1.0, 1.0, n)
    return x[:, None], regression_target(x) + noise * rng.normal(size=n)


DATASETS: dict[str, DatasetSpec] = {
    s.key: s
    for s in (
        DatasetSpec(
            "moons",
            "Two moons",
            CLASSIFICATION,
            "Two interleaved crescents: a straight line cannot separate "
            "them, one small hidden layer bends the boundary enough.",
            _moons,
        ),
        DatasetSpec(
            "circles",
            "Circles",
            CLASSIFICATION,
            "One class inside a ring of the other: the boundary must "
            "close on itself, which needs at least three hidden neurons.",
            _circles,
        ),
        DatasetSpec(
            "xor",
            "XOR",
            CLASSIFICATION,
            "Opposite quadrants share a class: the problem that no linear model "
            "solves (Minsky & Papert 1969) and two hidden neurons do.",
            _xor,
        ),
        DatasetSpec(
            "spiral",
            "Two spirals",
            CLASSIFICATION,
            "Two arms wound round each other: the hard case, where width, depth and training time all show.",
            _spiral,
        ),
        DatasetSpec(
            "blobs",
            "Gaussian blobs",
            CLASSIFICATION,
            "Six overlapping Gaussian clusters, three per class: "
            "noise that no boundary removes, so a perfect training fit means overfitting.",
            _blobs,
        ),
        DatasetSpec(
            "regression",
            "1-D regression",
            REGRESSION,
            "A noisy wave on [−1, 1]: the fitted curve shows underfitting, a good fit and overfitting at a glance.",
            _regression,
        ),
    )
}


@functools.lru_cache(maxsize=64)
def make_dataset(name: str, n: int = 400, noise: float = 0.1, seed: int = 0, test_fraction: float = 0.25) -> Dataset:
    """n points of data set ``name`` with Gaussian input noise of std ``noise`` (regression: on y), split at random into
    train and test (classification: stratified, so both splits keep the classes balanced).

    Cached: the same arguments give the identical (read-only) object, so what is compiled on it is reused.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    if int(n) != n or n < 4 or not 0.0 < test_fraction < 1.0 or not noise >= 0:
        raise ValueError(
            f"need an int n >= 4, noise >= 0 and 0 < test_fraction < 1, got {n!r}, {noise!r}, {test_fraction!r}"
        )
    spec = DATASETS[name]
    rng = np.random.default_rng(seed)
    x, y = spec.generate(int(n), float(noise), rng)
    groups = [np.nonzero(y == c)[0] for c in (0.0, 1.0)] if spec.task == CLASSIFICATION else [np.arange(len(y))]
    test = np.zeros(len(y), bool)
    for g in groups:
        g = rng.permutation(g)
        test[g[: max(1, round(test_fraction * len(g)))]] = True
    order = rng.permutation(len(y))  # shuffle, so the classes are not in blocks
    train, test = order[~test[order]], order[test[order]]
    arrays = [_frozen(a) for a in (x[train], y[train], x[test], y[test])]
    return Dataset(name, spec.task, *arrays)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, np.float32)
    a.flags.writeable = False
    return a


# -- augmentation --------------------------------------------------------------------------------------------------
AUGMENTATIONS = ("none", "jitter", "flip", "mixup")


def augment(
    x: np.ndarray, y: np.ndarray, kind: str, strength: float, seed: int = 0, copies: int = COPIES
) -> tuple[np.ndarray, np.ndarray]:
    r"""The training set enlarged: the original points first, then the new ones; float32.

    * "jitter": ``copies`` copies with Gaussian input noise of std ``strength`` added, labels kept.
    * "flip": a reflection, labels kept. 2-D inputs: the mirror image :math:`x_1 \to -x_1` of a random share
      ``strength`` ∈ [0, 1] of the points. It asserts that the label does not change under the mirror: true for
      circles, false for xor, moons and spirals (there it teaches a wrong symmetry, a lesson of its own). 1-D
      regression: :math:`(x, y) \to (-x, -y)`, right only because the generating curve is odd (``regression_target``).
    * "mixup" (Zhang et al., ICLR 2018): ``copies`` × N convex combinations of random pairs,
      :math:`\tilde x = \lambda x_i + (1 - \lambda) x_j`, :math:`\tilde y = \lambda y_i + (1 - \lambda) y_j`,
      :math:`\lambda \sim \mathrm{Beta}(\alpha, \alpha)` with α = ``strength`` > 0: class labels become soft, in [0, 1].
    * "none", or a strength of 0: (x, y) unchanged.
    """
    if kind not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {kind!r}; known: {', '.join(AUGMENTATIONS)}")
    x, y = np.asarray(x, np.float32), np.asarray(y, np.float32)
    if kind == "none" or strength == 0:
        return x, y
    if strength < 0 or (kind == "flip" and strength > 1):
        raise ValueError(f"{kind} strength must be {'in [0, 1]' if kind == 'flip' else '>= 0'}, got {strength}")
    rng = np.random.default_rng(seed)
    if kind == "jitter":
        new_x = np.tile(x, (copies, 1)) + strength * rng.normal(size=(copies * len(x), x.shape[1]))
        new_y = np.tile(y, copies)
    elif kind == "flip":
        chosen = rng.random(len(x)) < strength
        if x.shape[1] == 1:
            new_x, new_y = -x[chosen], -y[chosen]
        else:
            new_x, new_y = x[chosen] * np.array([-1.0, 1.0], np.float32), y[chosen]
    else:  # mixup
        i = np.tile(np.arange(len(x)), copies)
        j = rng.integers(0, len(x), len(i))
        lam = rng.beta(strength, strength, len(i))
        new_x = lam[:, None] * x[i] + (1 - lam[:, None]) * x[j]
        new_y = lam * y[i] + (1 - lam) * y[j]
    return np.concatenate([x, new_x]).astype(np.float32), np.concatenate([y, new_y]).astype(np.float32)


@functools.lru_cache(maxsize=64)
def augmented(data: Dataset, kind: str, strength: float, seed: int = 0) -> Dataset:
    """The data set with its training split augmented (the test split untouched); cached like ``make_dataset``."""
    if kind == "none" or strength == 0:
        return data
    x, y = augment(data.x_train, data.y_train, kind, strength, seed)
    return replace(data, x_train=_frozen(x), y_train=_frozen(y), augmentation=(kind, float(strength), int(seed)))
