"""Compiled programs in memory stay bounded (surfaces.base.forget_programs): a class typing formulas does not fill
the server."""

from __future__ import annotations

import functools

from surfaces import from_formula


def test_a_class_typing_formulas_leaves_a_bounded_memory(monkeypatch):
    """surfaces.formula keeps the compiled programs of at most KEEP new formulas (~18 MB each; kept for good before:
    40 formulas, +765 MB), then lets them all go: JAX's caches and the caches keyed by a loss function."""
    from optim import analysis
    from surfaces import base, formula

    forgot = []
    monkeypatch.setattr(formula, "KEEP", 2)
    monkeypatch.setattr(formula, "forget_programs", lambda: forgot.append(formula._new[0]))
    monkeypatch.setattr(formula, "_new", [0])
    for i in range(5):
        from_formula(f"x^2 + {3 + i}*y^2 + 0.01*x*y")  # new formulas: their programs compile
    from_formula("x^2 + 3*y^2 + 0.01*x*y")  # one seen before: nothing new
    assert len(forgot) == 2  # at the 3rd and the 5th new formula
    assert {analysis._derivatives, analysis._plain, base._with_theta} <= set(base.PROGRAM_CACHES)
    cleared, kept = [], functools.cache(abs)  # the real caches stay: other tests of this process count compiles
    monkeypatch.setattr(base.jax, "clear_caches", lambda: cleared.append(True))
    monkeypatch.setattr(base, "PROGRAM_CACHES", [kept])
    kept(-1)
    base.forget_programs()
    assert cleared == [True] and kept.cache_info().currsize == 0
