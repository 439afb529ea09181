r"""The whole Hessian spectrum of a network's loss, without forming the Hessian: stochastic Lanczos quadrature.

From a random unit vector v, k Lanczos steps (``optim.sharpness.lanczos``) give a tridiagonal T whose eigenvalues
θᵢ (Ritz values) and eigenvectors' first components uᵢ make a k-point Gauss quadrature of the spectral measure seen
from v: vᵀ f(H) v ≈ Σᵢ uᵢ² f(θᵢ). Averaged over a few Gaussian probes, E[vᵀ f(H) v] = tr f(H) / P, so the nodes θ and
weights u²/probes estimate the eigenvalue density (Golub & Meurant 2010; Ubaru, Chen & Saad 2017; Ghorbani, Krishnan
& Xiao, ICML 2019, who drew it along the training of networks). The extreme Ritz values converge to the extreme
eigenvalues; the weight on negative nodes estimates the share of negative eigenvalues: the directions of descent a
saddle offers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import jax
import numpy as np

from optim.sharpness import _as_float32, lanczos, tridiagonal
from surfaces.bound import split

ITERS, PROBES = 60, 4
FLAT = 1e-3


@dataclass(frozen=True)
class Spectrum:
    """A quadrature of the Hessian's eigenvalue density: ``nodes`` (Ritz values) with ``weights`` summing to 1."""

    nodes: np.ndarray
    weights: np.ndarray
    params: int  # P, the Hessian's size

    @property
    def flat_below(self) -> float:
        """|λ| at most this is flat: FLAT of the largest |λ| (a network's many near-zero eigenvalues have a sign
        float32 and the quadrature cannot tell)."""
        return FLAT * float(np.abs(self.nodes).max())

    @property
    def negative(self) -> float:
        """The estimated share of clearly negative eigenvalues (directions along which the loss curves down)."""
        return float(self.weights[self.nodes < -self.flat_below].sum())

    @property
    def flat(self) -> float:
        """The estimated share of eigenvalues within ±flat_below of 0."""
        return float(self.weights[np.abs(self.nodes) <= self.flat_below].sum())

    @property
    def low(self) -> float:
        return float(self.nodes.min())

    @property
    def high(self) -> float:
        return float(self.nodes.max())

    def density(self, grid: np.ndarray, width: float) -> np.ndarray:
        """The density on ``grid``, each node a Gaussian of std ``width`` (its integral is 1)."""
        z = (grid[:, None] - self.nodes[None]) / width
        return (np.exp(-0.5 * z**2) @ self.weights) / (width * np.sqrt(2 * np.pi))


@functools.partial(jax.jit, static_argnames=("fn", "iters"))
def _probes(fn, args, params, starts, iters):
    return jax.lax.map(lambda v: lanczos(lambda p: fn(*args, p), params, v, iters), starts)


def _quadrature(alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each probe's Ritz values and weights (first eigenvector components squared), float64; a probe whose Lanczos
    stopped early (an invariant subspace) has a decoupled tail of zero weight."""
    theta, u = np.linalg.eigh(tridiagonal(alpha, beta))
    return theta, u[..., 0, :] ** 2


def spectrum(loss: Callable, params, *, iters: int = ITERS, probes: int = PROBES, seed: int = 0) -> Spectrum | None:
    """The Hessian's eigenvalue density at ``params`` by stochastic Lanczos quadrature (min(iters, P) steps from
    each of ``probes`` Gaussian vectors); None where the loss or its curvature is not finite. One jitted program per
    loss and parameter shapes (``loss`` static: pass the same function object)."""
    flat = np.concatenate([np.ravel(x) for x in jax.tree_util.tree_leaves(params)])
    starts = np.random.default_rng(seed).standard_normal((probes, flat.size)).astype(np.float32)
    alpha, beta = _probes(*split(loss), _as_float32(params), starts, min(iters, flat.size))
    if not (np.isfinite(alpha).all() and np.isfinite(beta).all()):
        return None
    theta, w = _quadrature(alpha, beta)
    return Spectrum(theta.ravel(), w.ravel() / probes, int(flat.size))
