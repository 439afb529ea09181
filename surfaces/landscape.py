r"""Loss landscapes of any differentiable ``loss(params) -> scalar`` over a pytree of float32 arrays: filter-normalized
random directions, 2-D slices and 1-D interpolations of the loss, and the PCA plane of a training path.

Conventions for an MLP's parameters: a dense weight matrix has shape (in, out), so a neuron is one output column and
its incoming weights are that column; 1-D leaves are biases or batch-norm scale/shift; 0-d leaves are scalars.

Sources: Li, Xu, Taylor, Studer & Goldstein, "Visualizing the Loss Landscape of Neural Nets", NeurIPS 2018 (filter
normalization, PCA of a path); Goodfellow, Vinyals & Saxe, "Qualitatively characterizing neural network optimization
problems", ICLR 2015 (linear interpolation).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax.flatten_util import ravel_pytree

from surfaces.bound import split

PyTree = Any
BATCH = 64  # grid points evaluated at once (vmapped): bounds memory at BATCH copies of the parameters and
# activations; on the 2-core CPU a 41 x 41 slice of a 981-parameter MLP on 400 points took 0.14 / 0.11 / 0.18 /
# 0.38 s with batches of 16 / 64 / 256 / all 1,681 (activations of 64 points stay in cache)


def _as_float32(tree: PyTree) -> PyTree:
    """Leaves as float32 arrays (host-side: no eager conversion to compile)."""
    return jax.tree_util.tree_map(lambda x: np.asarray(x, np.float32), tree)


# -- directions --------------------------------------------------------------------------------------------------
def _filter_normalize(d: jax.Array, p: jax.Array) -> jax.Array:
    """One leaf of a direction rescaled filter-wise to the leaf of params (see filter_normalized_direction)."""
    if d.ndim == 0:
        return jnp.sign(d) * jnp.abs(p)
    if d.ndim == 1:
        return jnp.zeros_like(d)
    axes = tuple(range(d.ndim - 1))  # every axis but the last (the neuron axis)
    dn = jnp.sqrt(jnp.sum(d * d, axis=axes, keepdims=True))
    pn = jnp.sqrt(jnp.sum(p * p, axis=axes, keepdims=True))
    return d * jnp.where(dn > 0, pn / jnp.where(dn > 0, dn, 1), 0)


def filter_normalized_direction(params: PyTree, key: jax.Array) -> PyTree:
    r"""A Gaussian direction like ``params``, filter-normalized (Li et al. 2018, eq. 1):
    :math:`d_{i,j} \leftarrow d_{i,j}\,\lVert\theta_{i,j}\rVert / \lVert d_{i,j}\rVert` for neuron j of layer i.

    Leaves with ndim >= 2: each neuron's incoming weights (the slice along the last axis, a column of an (in, out)
    matrix) get the norm of the same slice of ``params``. 1-D leaves (biases, batch-norm scale/shift) are zeroed, as
    Li et al.'s ``ignore='biasbn'`` does. A 0-d leaf is a neuron with one incoming weight, so it gets ±|θ| (Li et
    al.'s code zeroes it with the biases, which would leave a network of scalars, e.g. a 2-parameter one, with no
    direction at all). A neuron whose weights are all zero gets a zero slice."""
    return _directions(params, key, 1)[0]


@functools.partial(jax.jit, static_argnums=2)
def _directions(params: PyTree, key: jax.Array, n: int) -> tuple[PyTree, ...]:
    """n filter-normalized directions from one (n, P) Gaussian draw (one threefry in the program, not n)."""
    flat, unravel = ravel_pytree(params)
    noise = jax.random.normal(key, (n, *flat.shape), flat.dtype)
    return tuple(jax.tree_util.tree_map(_filter_normalize, unravel(row), params) for row in noise)


@jax.jit
def _plane_of_seed(params: PyTree, seed: jax.Array) -> tuple[PyTree, PyTree]:
    return _directions(params, jax.random.PRNGKey(seed), 2)


def random_plane(params: PyTree, seed: int = 0) -> tuple[PyTree, PyTree]:
    """Two filter-normalized directions, independent Gaussian draws from ``seed`` (the axes of a Li et al. plot)."""
    return _plane_of_seed(_as_float32(params), np.uint32(seed))


# -- loss along a plane or a line --------------------------------------------------------------------------------
def _finite(z: jax.Array) -> jax.Array:
    return jnp.where(jnp.isfinite(z), z, jnp.nan)


@functools.partial(jax.jit, static_argnames=("fn", "batch_size"))
def _plane_losses(fn, args, center, d1, d2, a, b, batch_size):
    """fn(*args, center + a_k d1 + b_k d2) for each k, in chunks of batch_size vmapped points."""
    at = lambda ab: jax.tree_util.tree_map(lambda c, u, v: c + ab[0] * u + ab[1] * v, center, d1, d2)
    return _finite(jax.lax.map(lambda ab: fn(*args, at(ab)), (a, b), batch_size=batch_size))


@functools.partial(jax.jit, static_argnames=("fn", "batch_size"))
def _line_losses(fn, args, p0, p1, alphas, batch_size):
    """fn(*args, (1 - α) p0 + α p1) for each α, in chunks of batch_size vmapped points."""
    at = lambda t: jax.tree_util.tree_map(lambda x, y: (1 - t) * x + t * y, p0, p1)
    return _finite(jax.lax.map(lambda t: fn(*args, at(t)), alphas, batch_size=batch_size))


def slice_2d(
    loss: Callable, center: PyTree, d1: PyTree, d2: PyTree, alphas, betas, *, batch_size: int = BATCH
) -> np.ndarray:
    r"""The loss on a plane, :math:`z_{ij} = L(\theta + \alpha_j d_1 + \beta_i d_2)` (Li et al. 2018): a float32
    array (len(betas), len(alphas)), rows over β as Plotly's z; non-finite values come back as NaN.

    One jitted program vmaps ``batch_size`` grid points at a time (``lax.map``), so memory stays bounded. ``loss`` is
    a static argument: pass the same function object (not a fresh lambda) and a new grid, centre or direction of
    the same shapes reuses the compiled program; a ``jax.tree_util.Partial(f, *data)`` is compiled once per f and
    its data are traced (:mod:`surfaces.bound`), so new data of the same shapes reuse it too."""
    a, b = np.meshgrid(np.asarray(alphas, np.float32), np.asarray(betas, np.float32))
    c, u, v = _as_float32(center), _as_float32(d1), _as_float32(d2)
    z = _plane_losses(*split(loss), c, u, v, jnp.asarray(a.ravel()), jnp.asarray(b.ravel()), batch_size)
    return np.asarray(z, np.float32).reshape(a.shape)


def line_interpolation(loss: Callable, p0: PyTree, p1: PyTree, alphas, *, batch_size: int = BATCH) -> np.ndarray:
    r"""The loss along the segment :math:`L((1-\alpha)\theta_0 + \alpha\theta_1)` (Goodfellow, Vinyals & Saxe 2015):
    a float32 array (len(alphas),), NaN where not finite. α outside [0, 1] extrapolates. Same static-``loss`` rule
    as slice_2d."""
    t = jnp.asarray(np.asarray(alphas, np.float32).ravel())
    return np.asarray(_line_losses(*split(loss), _as_float32(p0), _as_float32(p1), t, batch_size), np.float32)


# -- the PCA plane of a path -------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PathPlane:
    """The plane through a path's final point spanned by its first two principal components, and the path in it.
    The pytrees hold NumPy arrays of the path's dtypes."""

    center: PyTree  # the final point, like params
    d1: PyTree  # first principal direction, like params, unit norm in the flat space (zeros if the path has no spread)
    d2: PyTree  # second, orthogonal to d1 (zeros if the path lies on a line)
    coords: np.ndarray  # (T, 2) float64: each point's (α, β) along d1, d2; the final point exactly (0, 0)
    explained: np.ndarray  # (2,) share of the path's total squared deviation from the final point along d1, d2
    distance: np.ndarray  # (T,) each point's distance from the plane (norm of what the plane does not show)

    @property
    def residual(self) -> float:
        """The largest distance of a path point from the plane: how far the picture is from the real path."""
        return float(self.distance.max()) if self.distance.size else 0.0


def _flat_path(path: PyTree) -> tuple[np.ndarray, Callable[[np.ndarray], PyTree], PyTree]:
    """The path as a (T, P) float64 matrix (columns in ravel_pytree's order), the map from a row (P,) back to a
    pytree of NumPy arrays like one point, and the final point. NumPy only: no dispatch, no compilation."""
    leaves, treedef = jax.tree_util.tree_flatten(path)
    arrays = [np.asarray(x) for x in leaves]
    t = arrays[0].shape[0]
    cuts = np.cumsum([a[0].size for a in arrays])[:-1]

    def unflatten(row: np.ndarray) -> PyTree:
        parts = np.split(row, cuts)
        return treedef.unflatten([q.reshape(a.shape[1:]).astype(a.dtype) for q, a in zip(parts, arrays, strict=True)])

    m = np.concatenate([a.reshape(t, -1).astype(np.float64) for a in arrays], axis=1)
    return m, unflatten, treedef.unflatten([a[-1] for a in arrays])


def pca_plane(path: PyTree) -> PathPlane:
    r"""PCA directions of a path (leaves with a leading axis T, the start first, the final point last).

    With :math:`M = [\theta_0 - \theta_T; \dots; \theta_T - \theta_T]` (T, P) and its SVD :math:`M = U S V^\top`,
    the directions are the first two rows of :math:`V^\top`, the coordinates :math:`M V_{:2}`, the shares
    :math:`s_k^2 / \sum s^2` (Li et al. 2018, section 7). Unlike their code (scikit-learn's PCA, which also subtracts
    the mean of M's rows), M is centred on the final point only: the plane through it that best fits the path, the
    one whose residuals ``distance`` reports. Signs are chosen so the start has non-negative coordinates.

    Degenerate paths are well defined, never NaN: a component whose singular value is below the numerical rank
    tolerance (``np.linalg.matrix_rank``'s) gets a zero direction, zero coordinates and a zero share, so a
    straight path (or two distinct points) has d2 = 0 and a path that never moves (or one point) has both zero."""
    m, unflatten, final = _flat_path(path)
    m = m - m[-1]
    _, s, vt = np.linalg.svd(m, full_matrices=False)
    k = min(2, s.size)
    s2, v = np.zeros(2), np.zeros((2, m.shape[1]))
    s2[:k], v[:k] = s[:k], vt[:k]
    keep = s2 > s2[0] * max(m.shape) * np.finfo(np.float64).eps  # all False when the path never moves
    s2[~keep], v[~keep] = 0.0, 0.0
    coords = m @ v.T
    flip = np.where(coords[0] < 0, -1.0, 1.0)
    v, coords = v * flip[:, None], coords * flip
    total = float(np.sum(m * m))
    explained = np.clip(s2**2 / total, 0.0, 1.0) if total > 0 else np.zeros(2)
    distance = np.linalg.norm(m - coords @ v, axis=1)
    return PathPlane(final, unflatten(v[0]), unflatten(v[1]), coords, explained, distance)
