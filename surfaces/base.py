"""Surface and Point: what a descent runs on, with its documented critical points; grid evaluation for plots."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np

Domain = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Point:
    """A documented critical point: location, verified value, and for minima "global" or "local"."""

    x: float
    y: float
    value: float
    kind: str = ""  # minima: "global" | "local"; saddles and maxima: ""


@dataclass(frozen=True)
class SurfaceParam:
    """An adjustable parameter of a surface family (for example the condition number of a quadratic)."""

    name: str
    label: str  # LaTeX symbol shown beside the slider
    default: float
    lo: float
    hi: float
    log: bool = False


@dataclass(frozen=True, eq=False)  # identity hash: a Surface is a static jit argument
class Surface:
    """A 2-D test function f(x, y) with its domain and documented critical points.

    `f` is an elementwise, differentiable jax.numpy function that broadcasts over x and y.
    """

    key: str
    title: str
    f: Callable
    domain: Domain
    latex: str  # the formula, LaTeX without delimiters
    lesson: str  # one sentence: what this surface teaches
    minima: tuple[Point, ...] = ()
    saddles: tuple[Point, ...] = ()
    maxima: tuple[Point, ...] = ()
    starts: tuple[tuple[float, float], ...] = ()  # instructive start points, the first is the default
    log_color: bool = False  # colour the contour by log(f - min): the range is huge
    source: str = ""  # where the formula and the documented points come from
    params: tuple[SurfaceParam, ...] = ()  # adjustable parameters of the family, if any
    values: tuple[tuple[str, float], ...] = ()  # the parameter values this instance was built with
    factory: Callable[..., Surface] | None = field(default=None, repr=False)
    # f as one function (x, y, theta) -> z shared by the whole family, theta being the parameter values in the order
    # of `values` (sorted by name): compiled code takes theta as data, so a κ slider never recompiles
    shape: Callable | None = field(default=None, repr=False)

    # -- derived -----------------------------------------------------------------------------------------
    @property
    def global_minima(self) -> tuple[Point, ...]:
        return tuple(p for p in self.minima if p.kind == "global")

    @property
    def f_min(self) -> float | None:
        """The global minimum value, or None where the surface has none (saddles)."""
        g = self.global_minima
        return min(p.value for p in g) if g else None

    @property
    def span(self) -> float:
        (x0, x1), (y0, y1) = self.domain
        return float(max(x1 - x0, y1 - y0))

    @property
    def default_start(self) -> tuple[float, float]:
        """The first instructive start, or the centre of the domain."""
        if self.starts:
            return tuple(float(v) for v in self.starts[0])
        (x0, x1), (y0, y1) = self.domain
        return ((x0 + x1) / 2, (y0 + y1) / 2)

    def safe_box(self, factor: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
        """A generous box around the domain: a run that leaves it has diverged."""
        (x0, x1), (y0, y1) = self.domain
        c = np.array([(x0 + x1) / 2, (y0 + y1) / 2], np.float32)
        h = factor * np.array([(x1 - x0) / 2, (y1 - y0) / 2], np.float32)
        return c - h, c + h

    def loss(self, p):
        """f at a point given as an array whose last axis is (x, y): the form optimizers descend."""
        return self.f(p[..., 0], p[..., 1])

    def traced(self) -> tuple[Callable, np.ndarray]:
        """(loss(p, theta), theta): the loss as one function of the point and of the family's parameter values, and
        this surface's values as float32 data. The function is the same object for every member of a family (and
        for one surface without parameters, whose theta is empty), so jitted code built on it compiles once."""
        if self.shape is not None:
            return _with_theta(self.shape), np.asarray([v for _, v in self.values], np.float32)
        return _without_theta(self.f), np.zeros(0, np.float32)

    def with_params(self, **values: float) -> Surface:
        """The same family with other parameter values (equal values give the identical object)."""
        if self.factory is None:
            if values:
                raise ValueError(f"{self.title} has no adjustable parameters")
            return self
        merged = {**dict(self.values), **values}
        unknown = set(merged) - {p.name for p in self.params}
        if unknown:
            raise ValueError(f"{self.title} has no parameter {sorted(unknown)}")
        return _build(self.factory, self.params, tuple(sorted((k, float(v)) for k, v in merged.items())))

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """xs (nx,), ys (ny,), z (ny, nx) as float32 NumPy arrays over the domain."""
        (x0, x1), (y0, y1) = self.domain
        xs = np.linspace(x0, x1, n, dtype=np.float32)
        ys = np.linspace(y0, y1, n, dtype=np.float32)
        loss, theta = self.traced()
        z = np.asarray(_grid(loss, jnp.asarray(xs), jnp.asarray(ys), theta))
        return xs, ys, z


@functools.lru_cache(maxsize=256)
def _build(
    factory: Callable[..., Surface], params: tuple[SurfaceParam, ...], values: tuple[tuple[str, float], ...]
) -> Surface:
    s = factory(**dict(values))
    return dataclasses.replace(s, params=params, values=values, factory=factory)


PROGRAM_CACHES: list = []  # caches keyed by a loss function (each holds its jitted programs): forget_programs clears


def forget_programs() -> None:
    """Let go of every compiled program in memory (JAX's caches, and the caches keyed by a loss function that hold
    jitted ones): a typed formula's programs take ~18 MB and were kept for good (40 formulas: +765 MB). What is
    needed again compiles anew, from the persistent compilation cache for the catalogue's (lab/warmup.py)."""
    jax.clear_caches()
    for cache in PROGRAM_CACHES:
        cache.cache_clear()


@functools.cache
def _with_theta(shape: Callable) -> Callable:
    def loss(p, theta):
        return shape(p[..., 0], p[..., 1], theta)

    return loss


@functools.cache
def _without_theta(f: Callable) -> Callable:
    def loss(p, theta):
        del theta
        return f(p[..., 0], p[..., 1])

    return loss


PROGRAM_CACHES += [_with_theta, _without_theta]


@functools.partial(jax.jit, static_argnums=0)
def _grid(loss: Callable, xs: jax.Array, ys: jax.Array, theta: jax.Array) -> jax.Array:
    row = jax.vmap(lambda x, y: loss(jnp.stack([x, y]), theta), in_axes=(0, None))  # over x for one y
    return jax.vmap(row, in_axes=(None, 0))(xs, ys)  # (ny, nx)


def family(factory: Callable[..., Surface], params: tuple[SurfaceParam, ...]) -> Surface:
    """Register a parametrised surface: the instance at the parameters' defaults, able to rebuild itself."""
    return _build(factory, params, tuple(sorted((p.name, float(p.default)) for p in params)))
