"""Landscape analysis on a small MLP and on quadratics with known Hessians: filter-normalized directions, 2-D slices,
line interpolation, the PCA plane of a path, and the top Hessian eigenvalue by Lanczos."""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.flatten_util import ravel_pytree
from test_optim_support import CompileCounter

from optim.sharpness import hvp, sharpness_along, top_eigenvalue
from surfaces.landscape import (
    filter_normalized_direction,
    line_interpolation,
    pca_plane,
    random_plane,
    slice_2d,
)

WIDTHS = (2, 8, 8, 1)


def init_mlp(seed: int = 0) -> dict:
    """A 2->8->8->1 tanh MLP: weights (in, out), biases (out,), 105 parameters (NumPy draws: no jit per shape)."""
    rng = np.random.default_rng(seed)
    params = {}
    for i, (n_in, n_out) in enumerate(zip(WIDTHS[:-1], WIDTHS[1:], strict=True)):
        params[f"w{i}"] = jnp.asarray(rng.normal(size=(n_in, n_out)) / np.sqrt(n_in), jnp.float32)
        params[f"b{i}"] = jnp.full((n_out,), 0.1 * (i + 1), jnp.float32)
    return params


_rng = np.random.default_rng(0)
X = jnp.asarray(_rng.uniform(-2, 2, (64, 2)), jnp.float32)
Y = jnp.sin(X[:, 0]) * X[:, 1]


def mlp_loss(params):
    h = X
    for i in range(len(WIDTHS) - 1):
        h = h @ params[f"w{i}"] + params[f"b{i}"]
        if i < len(WIDTHS) - 2:
            h = jnp.tanh(h)
    return jnp.mean((h[:, 0] - Y) ** 2)


@functools.partial(jax.jit, static_argnums=0)
def _flat_hessian(loss, params):
    flat, unravel = ravel_pytree(params)
    return jax.hessian(lambda x: loss(unravel(x)))(flat)


def full_hessian_eigs(loss, params) -> np.ndarray:
    h = np.asarray(_flat_hessian(loss, params), np.float64)
    return np.linalg.eigvalsh((h + h.T) / 2)


# a quadratic 0.5 θᵀAθ + bᵀθ over the pytree {"m": (2, 2), "v": (3,), "s": ()} (8 parameters, ravel order m, s, v)
QUAD = {"m": jnp.array([[0.5, -1.0], [2.0, 0.3]]), "v": jnp.array([1.0, -0.5, 0.25]), "s": jnp.array(0.7)}
_q = np.random.default_rng(1).normal(size=(8, 8))
A_QUAD = (_q + _q.T) / 2
B_QUAD = np.arange(8.0) / 8


def quad_loss(params):
    x = ravel_pytree(params)[0]
    return 0.5 * x @ jnp.asarray(A_QUAD, jnp.float32) @ x + jnp.asarray(B_QUAD, jnp.float32) @ x


def spectrum_loss(eigs, seed=0):
    """0.5 xᵀ Q diag(eigs) Qᵀ x with a random rotation Q: a quadratic with a known spectrum."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(len(eigs), len(eigs))))
    a = jnp.asarray(q @ np.diag(eigs) @ q.T, jnp.float32)
    return lambda x: 0.5 * x @ a @ x


# -- filter normalization ------------------------------------------------------------------------------------------
def augmented_mlp() -> dict:
    """The MLP plus a conv-like (3, 3, 4) leaf, a 0-d scalar, and a dead neuron (column 1 of w0 all zero)."""
    params = init_mlp()
    params["w0"] = params["w0"].at[:, 1].set(0.0)
    return {**params, "conv": jnp.asarray(_rng.normal(size=(3, 3, 4)), jnp.float32), "gain": jnp.array(-1.5)}


def test_filter_normalization_matches_each_neurons_norm():
    params = augmented_mlp()
    d = filter_normalized_direction(params, jax.random.PRNGKey(1))
    for name, w in params.items():
        w, dw = np.asarray(w), np.asarray(d[name])
        assert dw.shape == w.shape and np.all(np.isfinite(dw))
        if w.ndim >= 2:
            axes = tuple(range(w.ndim - 1))  # a neuron = a slice along the last axis
            np.testing.assert_allclose(np.sqrt((dw**2).sum(axis=axes)), np.sqrt((w**2).sum(axis=axes)), rtol=1e-5)
            assert not np.allclose(dw, w) and not np.allclose(dw, -w)  # random, not the weights themselves
        elif w.ndim == 1:
            assert np.all(dw == 0), name  # biases are zeroed
        else:
            assert abs(float(dw)) == pytest.approx(1.5)  # a scalar is a neuron of one weight: ±|θ|
    assert np.all(np.asarray(d["w0"])[:, 1] == 0)  # the dead neuron stays dead, no NaN


def test_directions_differ_between_seeds_and_axes():
    params = augmented_mlp()
    a, b = random_plane(params, seed=0)
    c, _ = random_plane(params, seed=1)
    flat = lambda t: np.asarray(ravel_pytree(t)[0])
    assert not np.allclose(flat(a), flat(b))
    assert not np.allclose(flat(a), flat(c))
    np.testing.assert_array_equal(flat(a), flat(random_plane(params, seed=0)[0]))  # reproducible


# -- slices and lines -------------------------------------------------------------------------------------------
def test_slice_at_origin_is_the_loss_at_the_center():
    params = augmented_mlp()
    d1, d2 = random_plane(params, seed=3)
    alphas, betas = np.linspace(-1, 1, 9), np.linspace(-0.5, 0.5, 5)
    z = slice_2d(mlp_loss, params, d1, d2, alphas, betas)  # mlp_loss ignores the extra leaves
    assert z.shape == (5, 9) and z.dtype == np.float32
    assert z[2, 4] == pytest.approx(float(mlp_loss(params)), rel=1e-6)
    assert np.all(np.isfinite(z)) and np.ptp(z) > 0


def test_quadratic_slice_equals_closed_form():
    d1 = {"m": jnp.ones((2, 2)), "v": jnp.array([0.0, 1.0, 0.0]), "s": jnp.array(-1.0)}
    d2 = {"m": jnp.array([[0.0, 1.0], [0.0, 0.0]]), "v": jnp.array([2.0, 0.0, -1.0]), "s": jnp.array(0.5)}
    alphas, betas = np.linspace(-2, 1, 7), np.linspace(-1, 3, 4)
    z = slice_2d(quad_loss, QUAD, d1, d2, alphas, betas, batch_size=5)  # 28 points: 5 full batches + a remainder
    c, u, v = (np.asarray(ravel_pytree(t)[0], np.float64) for t in (QUAD, d1, d2))
    a, b = np.meshgrid(alphas, betas)
    x = c + a[..., None] * u + b[..., None] * v
    expected = 0.5 * np.einsum("...i,ij,...j->...", x, A_QUAD, x) + x @ B_QUAD
    np.testing.assert_allclose(z, expected, rtol=1e-5, atol=1e-5)


def test_non_finite_values_come_back_as_nan():
    loss = lambda p: jnp.sum(jnp.log(p["x"])) + 1.0 / p["y"]
    z = slice_2d(
        loss,
        {"x": jnp.ones(2), "y": jnp.array(1.0)},
        {"x": jnp.ones(2), "y": jnp.array(0.0)},
        {"x": jnp.zeros(2), "y": jnp.array(1.0)},
        [-2.0, 0.0, 1.0],
        [-1.0, 0.0, 1.0],
    )
    # α = -2 puts log below 0 (NaN); β = -1 puts y at 0 (inf)
    assert np.all(np.isnan(z[:, 0])) and np.all(np.isnan(z[0, :]))
    assert np.all(np.isfinite(z[1:, 1:]))


def test_same_shapes_do_not_recompile():
    traced = []

    def loss(p):
        traced.append(1)
        return quad_loss(p)

    d1 = jax.tree_util.tree_map(jnp.ones_like, QUAD)
    d2 = jax.tree_util.tree_map(lambda x: -0.5 * jnp.ones_like(x), QUAD)
    slice_2d(loss, QUAD, d1, d2, np.linspace(-1, 1, 6), np.linspace(-1, 1, 4))
    n = len(traced)
    shifted = jax.tree_util.tree_map(lambda x: x + 1, QUAD)
    slice_2d(loss, shifted, d2, d1, np.linspace(-3, 2, 6), np.linspace(0, 1, 4))
    line_interpolation(loss, QUAD, shifted, np.linspace(0, 1, 5))
    m = len(traced)
    line_interpolation(loss, shifted, QUAD, np.linspace(-1, 2, 5))
    assert n > 0 and len(traced) == m


def test_line_interpolation_endpoints_and_midpoint():
    p0, p1 = init_mlp(0), init_mlp(1)
    alphas = np.linspace(0, 1, 11)
    z = line_interpolation(mlp_loss, p0, p1, alphas)
    assert z.shape == (11,)
    assert z[0] == pytest.approx(float(mlp_loss(p0)), rel=1e-6)
    assert z[-1] == pytest.approx(float(mlp_loss(p1)), rel=1e-6)
    mid = jax.tree_util.tree_map(lambda a, b: 0.5 * a + 0.5 * b, p0, p1)
    assert z[5] == pytest.approx(float(mlp_loss(mid)), rel=1e-5)


# -- PCA plane ----------------------------------------------------------------------------------------------
def _path_from_flat(flat_points: np.ndarray, like) -> dict:
    _, unravel = ravel_pytree(like)
    return jax.vmap(unravel)(jnp.asarray(flat_points, jnp.float32))


def test_pca_plane_of_a_random_path():
    rng = np.random.default_rng(2)
    params = init_mlp()
    flat = np.asarray(ravel_pytree(params)[0])
    points = flat + np.cumsum(rng.normal(scale=0.1, size=(15, flat.size)), axis=0)
    plane = pca_plane(_path_from_flat(points, params))
    assert plane.coords.shape == (15, 2) and plane.distance.shape == (15,)
    assert np.all((plane.explained >= 0) & (plane.explained <= 1))
    assert plane.explained.sum() <= 1 + 1e-6 and plane.explained[0] >= plane.explained[1] > 0
    assert np.all(plane.coords[-1] == 0) and plane.distance[-1] == 0
    u, v = (np.asarray(ravel_pytree(d)[0], np.float64) for d in (plane.d1, plane.d2))
    assert np.linalg.norm(u) == pytest.approx(1, abs=1e-6) and np.linalg.norm(v) == pytest.approx(1, abs=1e-6)
    assert abs(u @ v) < 1e-6
    assert np.all(plane.coords[0] >= 0)  # signs: the start on the positive side
    # the share of squared deviation = what the coordinates capture
    total = np.sum((points - points[-1]) ** 2)
    np.testing.assert_allclose(plane.explained, (plane.coords**2).sum(axis=0) / total, rtol=1e-4)
    np.testing.assert_allclose(np.asarray(ravel_pytree(plane.center)[0]), points[-1], rtol=1e-6)


def test_pca_plane_of_a_planar_path_is_exact():
    rng = np.random.default_rng(3)
    params = init_mlp()
    flat = np.asarray(ravel_pytree(params)[0], np.float64)
    u, v = rng.normal(size=(2, flat.size))
    s, r = rng.normal(size=(2, 20))
    s[-1] = r[-1] = 0
    points = flat + s[:, None] * u + r[:, None] * v
    plane = pca_plane(_path_from_flat(points, params))
    scale = np.linalg.norm(points - points[-1], axis=1).max()
    assert plane.residual < 1e-5 * scale
    assert plane.explained.sum() == pytest.approx(1, abs=1e-6)
    d1, d2 = (np.asarray(ravel_pytree(d)[0], np.float64) for d in (plane.d1, plane.d2))
    recon = points[-1] + plane.coords @ np.stack([d1, d2])
    np.testing.assert_allclose(recon, points, atol=1e-5 * scale)


def test_pca_plane_of_a_straight_path_has_one_component():
    params = init_mlp()
    flat = np.asarray(ravel_pytree(params)[0], np.float64)
    direction = np.random.default_rng(4).normal(size=flat.size)
    points = flat + np.linspace(2, 0, 12)[:, None] * direction
    plane = pca_plane(_path_from_flat(points, params))
    assert plane.explained[0] == pytest.approx(1, abs=1e-6) and plane.explained[1] < 1e-6
    np.testing.assert_allclose(plane.coords[:, 0], np.linspace(2, 0, 12) * np.linalg.norm(direction), rtol=1e-5)


@pytest.mark.parametrize("points", [[[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]] * 4, [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]])
def test_pca_plane_of_degenerate_paths_is_finite(points):
    path = {"w": jnp.asarray(points)[:, :2], "s": jnp.asarray(points)[:, 2]}
    plane = pca_plane(path)
    for arr in (plane.coords, plane.explained, plane.distance, *(np.asarray(x) for x in jax.tree.leaves(plane.d1))):
        assert np.all(np.isfinite(arr))
    moved = len({tuple(p) for p in points}) > 1
    assert plane.explained[0] == pytest.approx(1.0 if moved else 0.0) and plane.explained[1] == 0
    assert np.all(np.asarray(ravel_pytree(plane.d2)[0]) == 0)
    np.testing.assert_allclose(plane.distance, 0, atol=1e-6)


# -- sharpness ------------------------------------------------------------------------------------------------
def test_hvp_matches_the_full_hessian():
    flat, unravel = ravel_pytree(QUAD)
    v = jnp.asarray(np.random.default_rng(5).normal(size=flat.size), jnp.float32)
    hv = np.asarray(ravel_pytree(hvp(quad_loss, QUAD, unravel(v)))[0])
    np.testing.assert_allclose(hv, A_QUAD @ np.asarray(v, np.float64), rtol=1e-4, atol=1e-5)


def test_top_eigenvalue_of_the_mlp_matches_eigvalsh():
    for seed in (0, 1):
        params = init_mlp(seed)
        top = top_eigenvalue(mlp_loss, params)
        assert top == pytest.approx(full_hessian_eigs(mlp_loss, params).max(), rel=1e-3)


def test_sharpness_along_in_vmapped_batches():
    loss = spectrum_loss(np.array([3.0, -5.0, 1.0]))
    path = jnp.asarray(np.random.default_rng(8).normal(size=(5, 3)), jnp.float32)  # 2 batches of 2 and 1 left
    np.testing.assert_allclose(sharpness_along(loss, path, batch_size=2), 3.0, rtol=1e-4)


@pytest.mark.parametrize(
    ("eigs", "top"),
    [
        ((3.0, -5.0, 1.0), 3.0),  # the largest magnitude is -5: power iteration would return it
        ((-1.0, -1.0, -2.0, -4.0), -1.0),  # a repeat: Krylov space of dimension 3 < P, stops early, top below 0
        (tuple(np.linspace(-7, 2.5, 20)), 2.5),
    ],
)
def test_top_eigenvalue_is_the_largest_algebraic(eigs, top):
    loss = spectrum_loss(np.asarray(eigs))
    x = jnp.asarray(np.random.default_rng(6).normal(size=len(eigs)), jnp.float32)
    assert top_eigenvalue(loss, x) == pytest.approx(top, rel=1e-4)


def test_top_eigenvalue_with_fewer_steps_than_parameters():
    eigs = np.concatenate([[10.0, 6.0], np.random.default_rng(7).uniform(-1, 1, 198)])  # P = 200, a clear gap
    loss = spectrum_loss(eigs, seed=1)
    assert top_eigenvalue(loss, jnp.zeros(200)) == pytest.approx(10.0, rel=1e-4)
    early = top_eigenvalue(loss, jnp.zeros(200), iters=3)
    assert early <= 10.0 + 1e-4 and early < top_eigenvalue(loss, jnp.zeros(200), seed=1)  # from below


def test_sharpness_along_equals_top_eigenvalue_at_each_point():
    params = [init_mlp(s) for s in range(3)]
    params.append(jax.tree_util.tree_map(lambda x: jnp.full_like(x, jnp.nan), params[0]))  # a diverged point
    path = jax.tree_util.tree_map(lambda *xs: jnp.stack(xs), *params)
    along = sharpness_along(mlp_loss, path)
    single = [top_eigenvalue(mlp_loss, p) for p in params]
    assert along.shape == (4,)
    np.testing.assert_allclose(along[:3], single[:3], rtol=1e-4)
    assert len(set(np.round(single[:3], 4))) == 3
    assert np.isnan(along[3]) and np.isnan(single[3])


def _data_loss(x, y, params):
    """mlp_loss on data given as arguments: bound by a Partial, the data are traced."""
    h = x
    for i in range(len(WIDTHS) - 1):
        h = h @ params[f"w{i}"] + params[f"b{i}"]
        if i < len(WIDTHS) - 2:
            h = jnp.tanh(h)
    return jnp.mean((h[:, 0] - y) ** 2)


def test_a_loss_bound_to_data_by_partial_reuses_the_program_for_new_data():
    from jax.tree_util import Partial

    params = init_mlp()
    d1, d2 = random_plane(params, 0)
    grid = np.linspace(-1, 1, 5)
    bound = Partial(_data_loss, X, Y)
    np.testing.assert_allclose(
        slice_2d(bound, params, d1, d2, grid, grid), slice_2d(mlp_loss, params, d1, d2, grid, grid), rtol=1e-5
    )
    np.testing.assert_allclose(top_eigenvalue(bound, params), top_eigenvalue(mlp_loss, params), rtol=1e-4)
    x2, y2 = np.asarray(X) + 1.0, np.asarray(Y) * 2.0  # computed here: an eager op compiles a kernel of its own
    counts = {}
    for name, fn in (
        ("slice", lambda b: slice_2d(b, params, d1, d2, grid, grid)),
        ("line", lambda b: line_interpolation(b, params, d1, grid)),
        ("top", lambda b: top_eigenvalue(b, params)),
    ):
        fn(Partial(_data_loss, X, Y))
        with CompileCounter() as c:
            other = fn(Partial(_data_loss, x2, y2))
        counts[name] = c.count
        assert np.all(np.isfinite(other))
    assert counts == {"slice": 0, "line": 0, "top": 0}
    np.testing.assert_allclose(
        slice_2d(Partial(_data_loss, x2, y2), params, d1, d2, grid, grid),
        slice_2d(lambda p: _data_loss(x2, y2, p), params, d1, d2, grid, grid),
        rtol=1e-5,
    )
