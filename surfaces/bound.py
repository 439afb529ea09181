"""Functions bound to data: a loss given as ``jax.tree_util.Partial(f, *data)`` is compiled once per ``f`` and shapes,
its data passed as traced arguments, so new data of the same shapes (another noise level, seed or penalty weight)
never recompile. Any other callable is a static argument, compiled once per function object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jax.tree_util import Partial


def split(f: Callable) -> tuple[Callable, tuple[Any, ...]]:
    """(static function, traced arguments) with ``f(x) == fn(*args, x)``."""
    if isinstance(f, Partial):
        if f.keywords:
            raise ValueError("bind data positionally: Partial(f, *data), not keywords")
        return f.func, tuple(f.args)
    return f, ()
