"""Shared by the optim tests: the surfaces they descend, optax reference loops, a slow per-step reference run."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _surface_class():
    """surfaces.base.Surface; loaded from its file while surfaces/classic.py (imported by the package) is missing."""
    try:
        from surfaces.base import Surface

        return Surface
    except ImportError:
        name = "_optim_tests_surfaces_base"
        if name not in sys.modules:
            spec = importlib.util.spec_from_file_location(name, ROOT / "surfaces" / "base.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        return sys.modules[name].Surface


def _registry():
    try:
        from surfaces import SURFACES

        return SURFACES
    except ImportError:
        return {}


Surface = _surface_class()
SURFACES = _registry()


def surface(key, f, domain):
    return Surface(key=key, title=key, f=f, domain=domain, latex="", lesson="")


def himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def ackley(x, y):
    r = jnp.sqrt(0.5 * (x**2 + y**2))
    return -20 * jnp.exp(-0.2 * r) - jnp.exp(0.5 * (jnp.cos(2 * jnp.pi * x) + jnp.cos(2 * jnp.pi * y))) + jnp.e + 20


# the registry's surfaces where they exist (the brief: prefer them), else the same formulas built here
HIMMELBLAU = SURFACES.get("himmelblau") or surface("himmelblau", himmelblau, ((-5.0, 5.0), (-5.0, 5.0)))
ROSENBROCK = SURFACES.get("rosenbrock") or surface("rosenbrock", rosenbrock, ((-2.0, 2.0), (-1.0, 3.0)))
ACKLEY = SURFACES.get("ackley") or surface("ackley", ackley, ((-5.0, 5.0), (-5.0, 5.0)))
# known curvatures, for hand computation: f = (a x^2 + b y^2) / 2, Hessian diag(a, b)
QUAD_A, QUAD_B = 4.0, 1.0
QUADRATIC = surface("quad", lambda x, y: 0.5 * (QUAD_A * x**2 + QUAD_B * y**2), ((-5.0, 5.0), (-5.0, 5.0)))
SADDLE = surface("saddle", lambda x, y: x**2 - y**2, ((-2.0, 2.0), (-2.0, 2.0)))


def f32(hyper: dict) -> dict:
    """Hyperparameters as float32 arrays: the arithmetic run() does, so optax sees the same numbers."""
    return {k: jnp.float32(v) for k, v in hyper.items()}


OPTAX = {  # our key -> optax's optimizer from our hyper dict (sgd's noise is tested on its own)
    "gd": lambda h: optax.sgd(h["learning_rate"]),
    "sgd": lambda h: optax.sgd(h["learning_rate"]),  # with eta = 0
    "momentum": lambda h: optax.sgd(h["learning_rate"], momentum=h["momentum"]),
    "nesterov": lambda h: optax.sgd(h["learning_rate"], momentum=h["momentum"], nesterov=True),
    "adagrad": lambda h: optax.adagrad(h["learning_rate"], h["initial_accumulator_value"], h["eps"]),
    "rmsprop": lambda h: optax.rmsprop(h["learning_rate"], h["decay"], h["eps"]),
    "adam": lambda h: optax.adam(h["learning_rate"], h["b1"], h["b2"], h["eps"], h["eps_root"]),
    "adamw": lambda h: optax.adamw(
        h["learning_rate"], h["b1"], h["b2"], h["eps"], h["eps_root"], weight_decay=h["weight_decay"]
    ),
    "lion": lambda h: optax.lion(h["learning_rate"], h["b1"], h["b2"], weight_decay=h["weight_decay"]),
}


def optax_path(loss, tx, starts, steps: int, batched: bool = True):
    """The reference: params at steps 0..steps, a jitted lax.scan of optax's update, vmapped over a batch of starts."""

    def path(p0):
        def step(carry, _):
            p, s = carry
            u, s = tx.update(jax.grad(loss)(p), s, p)
            p = optax.apply_updates(p, u)
            return (p, s), p

        _, ps = jax.lax.scan(step, (p0, tx.init(p0)), None, steps)
        return jax.tree.map(lambda a, b: jnp.concatenate([a[None], b]), p0, ps)

    path = jax.jit(jax.vmap(path) if batched else path)
    return jax.tree.map(np.asarray, path(jax.tree.map(jnp.asarray, starts)))


def slow_run(s, opt, start, steps, hyper, box=None):
    """The per-step reference for divergence: one jitted step at a time, tested in Python after every step.

    Returns (xy (steps + 1, 2), diverged_at or None) with the path frozen at the last good point.
    """
    lo, hi = s.safe_box() if box is None else box
    h = f32({**opt.defaults(), **hyper})
    step = _one_step(s, opt)
    p = jnp.asarray(start, jnp.float32)
    state, path, diverged = opt.init(p), [np.asarray(p)], None
    for _ in range(steps):
        if diverged is None:
            u, state = step(p, state, h)
            new = p + u
            good = np.isfinite(float(s.loss(new))) and np.all((np.asarray(new) >= lo) & (np.asarray(new) <= hi))
            if good:
                p = new
            else:
                diverged = len(path)
        path.append(np.asarray(p))
    return np.array(path), diverged


@functools.cache
def _one_step(s, opt):
    def step(p, state, hyper):
        extra = {"hessian": jax.hessian(s.loss)(p)} if opt.needs_hessian else {}
        return opt.update(jax.grad(s.loss)(p), state, p, hyper, **extra)

    return jax.jit(step)


@pytest.mark.skipif(not SURFACES, reason="surfaces/classic.py not written yet")
@pytest.mark.parametrize("key, f", [("himmelblau", himmelblau), ("rosenbrock", rosenbrock), ("ackley", ackley)])
def test_registry_surfaces_are_the_formulas_these_tests_assume(key, f):
    xs = jnp.linspace(-1.7, 1.9, 7)
    np.testing.assert_allclose(SURFACES[key].f(xs, xs[::-1]), f(xs, xs[::-1]), rtol=1e-5, atol=1e-5)


class CompileCounter:
    """Counts XLA backend compilations (jax.monitoring's compile event) inside a with block."""

    EVENT = "/jax/core/compile/backend_compile_duration"

    def __enter__(self):
        self.count = 0
        jax.monitoring.register_event_duration_secs_listener(self._listen)
        return self

    def _listen(self, event, duration, **kwargs):
        self.count += event == self.EVENT

    def __exit__(self, *exc):
        jax.monitoring.unregister_event_duration_listener(self._listen)
