"""Every registered surface: the registry contract, its documented critical points verified in float64, its grid.

Parametrised over SURFACES, so a new surface is checked without a new test. Float64 checks run inside
`jax.enable_x64(True)`, which is restored on exit: the rest of the suite runs in float32 in the same process.
"""

from __future__ import annotations

import functools
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surfaces import SURFACES, Surface

REQUIRED = {
    "himmelblau",
    "rosenbrock",
    "beale",
    "goldstein_price",
    "booth",
    "matyas",
    "six_hump_camel",
    "three_hump_camel",
    "rastrigin",
    "ackley",
    "styblinski_tang",
    "levi_n13",
    "mccormick",
    "easom",
    "saddle",
    "monkey_saddle",
    "quadratic",
    "narrow_valley",
}
NONSMOOTH = {("ackley", 0.0, 0.0)}  # the cone's tip: f is not differentiable there; value and neighbours only
INCOMPLETE = {"levi_n13"}  # its hundreds of local minima are not listed: only the global minimum is documented
KEYS = list(SURFACES)


@pytest.fixture
def x64():
    with jax.enable_x64(True):
        yield


def points(s: Surface) -> list[tuple[str, object]]:
    return [("minimum", p) for p in s.minima] + [("saddle", p) for p in s.saddles] + [("maximum", p) for p in s.maxima]


def smooth(key: str, s: Surface) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Kinds, coordinates (n, 2) and stated values (n,) of the documented points where f is differentiable."""
    rows = [(k, p) for k, p in points(s) if (key, p.x, p.y) not in NONSMOOTH]
    return [k for k, _ in rows], np.array([(p.x, p.y) for _, p in rows]), np.array([p.value for _, p in rows])


@functools.cache  # one jitted function per surface: every test reuses its compilations
def _derivatives(s: Surface):
    return jax.jit(jax.vmap(lambda p: (s.loss(p), jax.grad(s.loss)(p), jax.hessian(s.loss)(p))))


def derivatives(s: Surface, xy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f (n,), ∇f (n, 2), ∇²f (n, 2, 2) at the rows of xy, in the precision of xy."""
    return tuple(np.asarray(a) for a in _derivatives(s)(jnp.asarray(xy)))


@functools.cache
def _on_grid(s: Surface):
    return jax.jit(lambda xs, ys: s.f(xs[None, :], ys[:, None]))


def on_grid(s: Surface, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """f(xs[i], ys[j]) at [j, i] by broadcasting, in the precision of xs and ys."""
    return np.asarray(_on_grid(s)(jnp.asarray(xs), jnp.asarray(ys)))


def inside(s: Surface, x: float, y: float) -> bool:
    (x0, x1), (y0, y1) = s.domain
    return x0 <= x <= x1 and y0 <= y <= y1


# -- the registry ---------------------------------------------------------------------------------------------------
def test_registry_has_the_required_surfaces_under_snake_case_keys():
    assert len(SURFACES) >= 18 and REQUIRED <= set(SURFACES)
    for key, s in SURFACES.items():
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", key) and s.key == key
    assert KEYS[0] == "quadratic"  # simplest first


@pytest.mark.parametrize("key", KEYS)
def test_metadata_domain_and_starts(key):
    s = SURFACES[key]
    (x0, x1), (y0, y1) = s.domain
    assert all(isinstance(v, float) and np.isfinite(v) for v in (x0, x1, y0, y1)) and x0 < x1 and y0 < y1
    assert s.title and s.source and s.latex and "$" not in s.latex
    assert s.lesson.endswith(".") and s.lesson.count(". ") == 0  # one sentence
    assert 2 <= len(s.starts) <= 3 and all(inside(s, *p) for p in s.starts)
    pts = [p for _, p in points(s)]
    assert all(inside(s, p.x, p.y) for p in pts), "a documented point lies outside the domain"
    xy = np.array([(p.x, p.y) for p in pts])
    if len(xy) > 1:
        d = np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1)) + np.eye(len(xy))
        assert d.min() > 1e-6, "a point is documented twice"
    assert all(p.kind in ("global", "local") for p in s.minima)
    assert all(p.kind == "" for p in s.saddles + s.maxima)


@pytest.mark.parametrize("key", KEYS)
def test_exactly_the_global_minima_share_the_least_value(key):
    s = SURFACES[key]
    if not s.minima:
        assert s.f_min is None and not s.global_minima
        return
    least = min(p.value for p in s.minima)
    tol = 1e-9 * max(1.0, abs(least))
    assert s.global_minima and s.f_min == pytest.approx(least, abs=tol)
    for p in s.minima:
        assert (p.kind == "global") == (p.value <= least + tol), p


# -- documented points, in float64 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("key", KEYS)
def test_documented_points_are_critical_have_their_value_and_kind_and_are_newton_fixed_points(key, x64):
    s = SURFACES[key]
    kinds, xy, stated = smooth(key, s)
    if not kinds:
        return
    f, g, h = derivatives(s, xy)
    scale = np.maximum(1.0, np.abs(stated))
    bad = lambda mask: [(kinds[i], *xy[i], stated[i]) for i in np.nonzero(mask)[0]]
    assert not bad(np.abs(f - stated) > 1e-6 * scale), "stated value differs from f"
    assert not bad(np.linalg.norm(g, axis=1) > 1e-6 * scale), "gradient is not zero"
    step = np.array([np.linalg.lstsq(hi, gi, rcond=None)[0] for hi, gi in zip(h, g, strict=True)])
    assert not bad(np.linalg.norm(step, axis=1) > 1e-6), "a Newton step moves the point: it is a rounded value"
    ev = np.linalg.eigvalsh(h)
    kind = np.array(kinds)
    assert not bad((kind == "minimum") & (ev[:, 0] <= 0)), "a minimum whose Hessian is not positive definite"
    assert not bad((kind == "maximum") & (ev[:, 1] >= 0)), "a maximum whose Hessian is not negative definite"
    degenerate = (kind == "saddle") & ~((ev[:, 0] < 0) & (ev[:, 1] > 0))
    for i in np.nonzero(degenerate)[0]:  # the monkey saddle: Hessian 0; f must rise and fall around it
        assert np.abs(ev[i]).max() < 1e-9 * scale[i], (kinds[i], xy[i], ev[i])
        t = np.linspace(0, 2 * np.pi, 64, endpoint=False)
        ring = derivatives(s, xy[i] + 1e-2 * np.stack([np.cos(t), np.sin(t)], 1))[0]
        assert ring.min() < stated[i] < ring.max(), (kinds[i], xy[i])


@pytest.mark.parametrize("key, x, y", sorted(NONSMOOTH))
def test_nonsmooth_minima_have_their_value_and_every_neighbour_above(key, x, y, x64):
    s = SURFACES[key]
    (p,) = [p for p in s.minima if (p.x, p.y) == (x, y)]
    t = np.linspace(0, 2 * np.pi, 32, endpoint=False)
    r = np.repeat([0.0, 1e-6, 1e-3, 1e-1], 32)
    f, g, _ = derivatives(s, np.stack([x + r * np.tile(np.cos(t), 4), y + r * np.tile(np.sin(t), 4)], 1))
    assert f[0] == pytest.approx(p.value, abs=1e-12)
    assert (f[32:] > p.value).all(), "a neighbour lies below the minimum"
    assert np.isfinite(g[0]).all()  # a subgradient, not NaN


@pytest.mark.parametrize("key", KEYS)
def test_no_grid_value_lies_below_the_global_minimum(key, x64):
    s = SURFACES[key]
    if s.f_min is None:
        return
    (x0, x1), (y0, y1) = s.domain
    xs, ys = np.linspace(x0, x1, 801), np.linspace(y0, y1, 801)
    z = on_grid(s, xs, ys)
    j, i = np.unravel_index(np.argmin(z), z.shape)
    assert z.min() >= s.f_min - 1e-9 * max(1.0, abs(s.f_min)), f"f({xs[i]}, {ys[j]}) = {z.min()} < {s.f_min}"


@pytest.mark.parametrize("key", [k for k in KEYS if k not in INCOMPLETE])
def test_a_dense_newton_search_finds_no_undocumented_critical_point(key, x64):
    s = SURFACES[key]
    (x0, x1), (y0, y1) = s.domain
    loss = lambda p: s.f(p[0], p[1])

    def newton(p):  # the 2 × 2 inverse written out: far cheaper to compile than a batched jnp.linalg.solve
        (a, b), (c, d) = jax.hessian(loss)(p)
        gx, gy = jax.grad(loss)(p)
        return p - jnp.stack([d * gx - b * gy, a * gy - c * gx]) / (a * d - b * c)

    step = jax.vmap(newton)

    @jax.jit
    def search(p):
        p = jax.lax.fori_loop(0, 60, lambda _, q: step(q), p)
        return p, jnp.linalg.norm(step(p) - p, axis=1), jnp.linalg.norm(jax.vmap(jax.grad(loss))(p), axis=1), s.loss(p)

    gx, gy = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41))
    p, moved, grad, value = (np.asarray(a) for a in search(jnp.asarray(np.stack([gx.ravel(), gy.ravel()], 1))))
    found = (moved < 1e-9 * s.span) & (grad < 1e-6 * np.maximum(1.0, np.abs(value)))
    found &= (p[:, 0] > x0) & (p[:, 0] < x1) & (p[:, 1] > y0) & (p[:, 1] < y1)
    assert found.sum() > 0
    known = np.array([(q.x, q.y) for _, q in points(s)])
    d = np.hypot(p[found, None, 0] - known[None, :, 0], p[found, None, 1] - known[None, :, 1]).min(1)
    assert (d < 1e-6 * s.span).all(), f"undocumented critical points: {np.unique(p[found][d >= 1e-6 * s.span], axis=0)}"


# -- families -------------------------------------------------------------------------------------------------------
def hessian_at_origin(s: Surface) -> np.ndarray:
    """∇²f(0, 0) by jax.hessian, in float64."""
    with jax.enable_x64(True):
        return np.asarray(jax.hessian(s.loss)(jnp.zeros(2, jnp.float64)))


def test_quadratic_kappa_is_its_condition_number_and_equal_params_give_the_same_object():
    q = SURFACES["quadratic"]
    np.testing.assert_allclose(np.linalg.eigvalsh(hessian_at_origin(q.with_params(kappa=100))), [1, 100], rtol=1e-12)
    assert q.with_params(kappa=100) is q.with_params(kappa=100.0)
    assert q.with_params(kappa=10) is q and q.with_params() is q
    with pytest.raises(ValueError):
        q.with_params(gamma=2)


@settings(max_examples=20, deadline=None)
@given(kappa=st.floats(1, 1000), angle=st.floats(0, 90))
def test_narrow_valley_has_eigenvalues_1_and_kappa_with_the_shallow_axis_at_the_angle(kappa, angle):
    for s in (
        SURFACES["quadratic"].with_params(kappa=kappa),
        SURFACES["narrow_valley"].with_params(kappa=kappa, angle=angle),
    ):
        ev, vec = np.linalg.eigh(hessian_at_origin(s))
        np.testing.assert_allclose(ev, sorted([1.0, kappa]), rtol=1e-12)
    if kappa > 1.01:  # the eigenvalue 1 belongs to u = (cos θ, sin θ), along the valley
        theta = np.radians(angle)
        assert abs(vec[:, 0] @ [np.cos(theta), np.sin(theta)]) == pytest.approx(1, abs=1e-9)


# -- float32: the grid and the descent ------------------------------------------------------------------------------
N = 101  # one grid size: one compilation per surface


@pytest.mark.parametrize("key", KEYS)
def test_grid_is_float32_with_z_rows_along_y_and_matches_f(key):
    s = SURFACES[key]
    xs, ys, z = s.grid(N)
    assert xs.shape == ys.shape == (N,) and z.shape == (N, N)
    assert xs.dtype == ys.dtype == z.dtype == np.float32
    (x0, x1), (y0, y1) = s.domain
    np.testing.assert_allclose([xs[0], xs[-1], ys[0], ys[-1]], [x0, x1, y0, y1], rtol=1e-6)
    direct = on_grid(s, xs, ys)  # direct[j, i] = f(xs[i], ys[j])
    np.testing.assert_allclose(z, direct, rtol=1e-5, atol=1e-5 * max(1.0, np.abs(direct).max()))
    assert np.isfinite(z).all()


@pytest.mark.parametrize("key", KEYS)
def test_float32_gradients_are_finite_at_starts_and_points_and_f_is_exact_at_the_minima(key):
    s = SURFACES[key]
    pts = [p for _, p in points(s)]
    xy = np.array([*s.starts, *((p.x, p.y) for p in pts)], np.float32)
    f, g, h = derivatives(s, xy)
    assert np.isfinite(f).all() and np.isfinite(g).all() and np.isfinite(h[: len(s.starts)]).all()
    for p, v in zip(pts, f[len(s.starts) :], strict=True):
        if p.kind != "global":
            continue
        assert v == pytest.approx(p.value, abs=1e-5 * max(1.0, abs(p.value))), p
        if p.value == 0 and float(np.float32(p.x)) == p.x and float(np.float32(p.y)) == p.y:
            assert v == 0.0, f"f is not exactly 0 at {p} in float32, though the point is exactly representable"
