"""from_formula: a lecturer's formula becomes a Surface through a whitelist parser; hostile input is refused.

Values are checked against NumPy lambdas written independently of the parser (by hand, or built by the hypothesis
strategy alongside the formula's text); critical points against the catalogue's verified Himmelblau and by the
gradient and Hessian in float64.
"""

from __future__ import annotations

import functools
import math
import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optim import run
from surfaces import SURFACES, FormulaError, Surface, from_formula
from surfaces.formula import function, numpy_function, parse, to_latex

BOX = ((-4.0, 4.0), (-4.0, 4.0))


@pytest.fixture
def x64():
    with jax.enable_x64(True):
        yield


def grid(n: int = 41, domain=BOX) -> tuple[np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = domain
    return np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))  # X[j, i] = xs[i], Y[j, i] = ys[j]


# -- values: fixed formulas against hand-written NumPy ------------------------------------------------------------
FIXED = [
    ("sin(x)*cos(y) + 0.1*(x^2 + y^2)", lambda x, y: np.sin(x) * np.cos(y) + 0.1 * (x**2 + y**2)),
    ("-x^2 + y", lambda x, y: -(x**2) + y),  # ^ binds tighter than a unary minus on its left
    ("2^-x", lambda x, y: 2.0 ** (-x)),
    ("-2^2 + 0*x", lambda x, y: -4.0 + 0 * x),
    ("2**3**0.5 + x", lambda x, y: 2 ** (3**0.5) + x),  # right-associative
    ("x^2^1 - y", lambda x, y: x**2 - y),
    ("1 - x - y - 3", lambda x, y: ((1 - x) - y) - 3),  # left-associative
    ("8 / (2 + x^2) / 2", lambda x, y: 8 / (2 + x**2) / 2),
    ("2*3^2*x", lambda x, y: 18 * x),
    ("--x + +y", lambda x, y: x + y),
    ("pi*x + e*y", lambda x, y: np.pi * x + np.e * y),
    ("exp(-(x^2+y^2)/4)", lambda x, y: np.exp(-(x**2 + y**2) / 4)),
    ("log(1 + x^2) + sqrt(abs(y))", lambda x, y: np.log(1 + x**2) + np.sqrt(np.abs(y))),
    ("ln(2 + cos(x))*tan(y/4)", lambda x, y: np.log(2 + np.cos(x)) * np.tan(y / 4)),
    ("tanh(x) + sinh(y/2) - cosh(x/3)", lambda x, y: np.tanh(x) + np.sinh(y / 2) - np.cosh(x / 3)),
    ("arctan(x) * atan(y)", lambda x, y: np.arctan(x) * np.arctan(y)),
    ("min(x, y) + max(x^2, 1)", lambda x, y: np.minimum(x, y) + np.maximum(x**2, 1)),
    ("x^-2 * 0 + 1.5e-1 * y", lambda x, y: x**-2.0 * 0 + 0.15 * y),
    ("(x^2+y-11)^2+(x+y^2-7)^2", lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2),
    ("3", lambda x, y: np.full_like(x, 3.0)),
    ("x − y × 2 · y", lambda x, y: x - 2 * y * y),  # typographic minus and times from lecture notes
]


@pytest.mark.parametrize("text, ref", FIXED, ids=[t for t, _ in FIXED])
def test_numpy_evaluation_matches_hand_written_numpy(text, ref):
    x, y = grid()
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(numpy_function(text)(x, y), ref(x, y), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("text, ref", FIXED[:6] + FIXED[-3:], ids=[t for t, _ in FIXED[:6] + FIXED[-3:]])
def test_surface_grid_equals_numpy_in_float32(text, ref):
    s = from_formula(text, BOX)
    xs, ys, z = s.grid(101)
    want = ref(*np.meshgrid(xs.astype(np.float64), ys.astype(np.float64)))
    assert z.shape == (101, 101) and z.dtype == np.float32
    np.testing.assert_allclose(z, want, rtol=1e-5, atol=1e-5 * max(1.0, np.abs(want).max()))
    assert s.key == "custom" and s.title == text and s.domain == BOX
    f = s.f(jnp.zeros((3, 1)), jnp.zeros((1, 4)))  # broadcasts, a constant formula too
    assert f.shape == (3, 4)


# -- values: random formulas from a small grammar, each with its own NumPy lambda ---------------------------------
LEAVES = st.sampled_from(
    [
        ("x", lambda x, y: x),
        ("y", lambda x, y: y),
        ("pi", lambda x, y: np.pi),
        ("e", lambda x, y: np.e),
        ("2", lambda x, y: 2.0),
        ("0.5", lambda x, y: 0.5),
        ("3.25", lambda x, y: 3.25),
        ("1e-1", lambda x, y: 0.1),
    ]
)
UNARY = {
    "-": np.negative,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "atan": np.arctan,
    "abs": np.abs,
    "exp": np.exp,
}
BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}


def _extend(children):
    unary = st.tuples(st.sampled_from(sorted(UNARY)), children).map(
        lambda t: (f"{t[0]}({t[1][0]})", lambda x, y, f=UNARY[t[0]], a=t[1][1]: f(a(x, y)))
    )
    binary = st.tuples(st.sampled_from(sorted(BINARY)), children, children, st.sampled_from(["", " "])).map(
        lambda t: (
            f"({t[1][0]}){t[3]}{t[0]}{t[3]}({t[2][0]})",
            lambda x, y, f=BINARY[t[0]], a=t[1][1], b=t[2][1]: f(a(x, y), b(x, y)),
        )
    )
    power = st.tuples(children, st.integers(0, 4), st.sampled_from(["^", "**"])).map(
        lambda t: (f"({t[0][0]}){t[2]}{t[1]}", lambda x, y, a=t[0][1], k=t[1]: a(x, y) ** k)
    )
    return unary | binary | power


FORMULAS = st.recursive(LEAVES, _extend, max_leaves=8)


@functools.cache
def _f64(text: str):
    return function(parse(text), jnp)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULAS)
def test_random_valid_formulas_match_their_numpy_lambda(formula):
    text, ref = formula
    x, y = grid(9)
    with np.errstate(all="ignore"):
        want = np.broadcast_to(ref(x, y), x.shape)
        # how much the formula itself moves for inputs a few hundred ulps away: XLA's and NumPy's float64 cos, exp and
        # pow differ by an ulp, and an ill-conditioned formula multiplies that (cos((x·exp(y))^3) by ~1e8)
        near = np.broadcast_to(ref(x * (1 + 1e-13), y * (1 + 1e-13)), x.shape)
    with jax.enable_x64(True):
        got = np.asarray(_f64(text)(jnp.asarray(x), jnp.asarray(y)))
    assert got.shape == x.shape
    finite = np.isfinite(want) & (np.abs(want) < 1e100) & np.isfinite(near)
    got_, want_, slack = got[finite], want[finite], np.abs(near[finite] - want[finite])
    assert (np.abs(got_ - want_) <= 1e-9 + 1e-9 * np.abs(want_) + 10 * slack).all(), text
    assert (~np.isfinite(got) == ~np.isfinite(want)).all()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULAS)
def test_random_valid_formulas_become_surfaces_or_are_refused_as_not_finite(formula):
    text, ref = formula
    try:
        s = from_formula(text, BOX)
    except FormulaError as e:
        assert "on part of the domain" in str(e)
        return
    xs, ys, z = s.grid(200)
    with np.errstate(all="ignore"):
        want = np.broadcast_to(ref(*np.meshgrid(xs.astype(np.float64), ys.astype(np.float64))), z.shape)
    ok = np.abs(want) < 1e30
    np.testing.assert_allclose(z[ok], want[ok], rtol=1e-3, atol=1e-3 * max(1.0, np.abs(want[ok]).max(initial=0)))


# -- anything typed: parsed or refused with a ValueError, quickly --------------------------------------------------
FORMULA_CHARS = "xy0123456789.eE+-*/^(), \tsincotanexplgqrbhmd_'[]:"


@settings(max_examples=600, deadline=None)
@given(st.text(max_size=80) | st.text(alphabet=FORMULA_CHARS, max_size=60))
def test_any_string_parses_or_raises_value_error_without_hanging(text):
    t0 = time.perf_counter()
    try:
        f = numpy_function(text)
    except ValueError as e:
        assert str(e)
    else:
        with np.errstate(all="ignore"):
            f(np.linspace(-1, 1, 5), 0.5)
    assert time.perf_counter() - t0 < 2.0, "a hang guard, not a speed test"


HOSTILE = [
    "__import__('os')",
    "x.__class__",
    "().__class__",
    "lambda: 1",
    "open('f')",
    "eval('1')",
    "x[0]",
    "'abc'",
    "9**9**9",
    "x**1000",
    "(" * 100 + "x" + ")" * 100,
    "(" * 35 + "x" + ")" * 35,
    "x" * 10_000,
    "1e400",
    "x y",
    "sin x",
    "",
    "   ",
    "x if y else 1",
    "x; y",
    "x = 1",
    "x @ y",
    "x % 2",
    "x // 2",
    "x < y",
    "{x}",
    '"x"',
    "x\\",
    "$x",
    "sin",
    "sin()",
    "sin(x,)",
    "pow(x, 2)",
    "X",
    "exp(exp(exp(x)))",
    "log(x)",
    "1/(x*y)",
    "0/0 + x",
    "sqrt(x)",
    "x**(1/0)",
    "2^(x^x^x^x)",
    "import os",
    "x\x00",
    "x__",
    "_",
    "sin.__globals__",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_or_broken_input_is_refused_with_a_value_error(text):
    t0 = time.perf_counter()
    with pytest.raises(ValueError) as info:
        from_formula(text, BOX)
    assert isinstance(info.value, FormulaError) and str(info.value)
    assert time.perf_counter() - t0 < 10.0


@pytest.mark.parametrize(
    "text, domain, says",
    [
        ("x)", BOX, "unexpected ')' at column 2"),
        ("sin(x)*cos(y))", BOX, "unexpected ')' at column 14"),
        ("x + foo", BOX, "unknown name 'foo' at column 5; allowed: x, y, pi, e, sin, cos"),
        ("x y", BOX, "missing operator between 'x' and 'y' at column 3"),
        ("2x", BOX, "at column 2: write 2*x (implicit multiplication"),
        ("sin x", BOX, "function 'sin' at column 1 needs its argument in parentheses"),
        ("x.__class__", BOX, "unexpected character '.' at column 2"),
        ("x^", BOX, "unexpected end of the formula at column 3 after '^'"),
        ("(x + 1", BOX, "expected ')' to close the '(' at column 1"),
        ("max(x)", BOX, "max at column 1 takes 2 arguments, not 1"),
        ("x**1000", BOX, "exponent too large after '**' at column 2"),
        ("9**9**9", BOX, "exponent too large after '**' at column 2"),
        ("1e400 * x", BOX, "number '1e400' at column 1 is too large"),
        ("x, y", BOX, "unexpected ',' at column 2"),
        ("(" * 35 + "x" + ")" * 35, BOX, "nested too deeply at column 31"),
        ("x" * 301, BOX, "too long: 301 characters (at most 300)"),
        ("+".join(["x"] * 101), BOX, "too many tokens (at most 200)"),
        ("", BOX, "empty"),
        ("exp(exp(exp(x)))", BOX, "overflows"),
        ("log(x)", BOX, "is undefined"),
        ("log(x)", BOX, "e.g. at (x, y) = (-0.0201, -0.0201)"),
        ("1/x", ((-1, 1), (-1, 1)), "at (x, y) = (0, 0) where f = inf"),
        ("x", ((1, 1), (0, 1)), "the x range (1, 1) of the domain is empty"),
        ("x", ((0, 1), (0, math.inf)), "the y range (0, inf) of the domain is not finite"),
        ("x", ((0, 1e5), (0, 1)), "too wide"),
        ("x", "abc", "the domain must be ((xmin, xmax), (ymin, ymax))"),
    ],
)
def test_error_messages_say_where(text, domain, says):
    with pytest.raises(ValueError) as info:
        from_formula(text, domain)
    assert says in str(info.value)


def test_error_column_is_an_attribute_too():
    with pytest.raises(FormulaError) as info:
        parse("x + foo")
    assert info.value.column == 5


# -- critical points ------------------------------------------------------------------------------------------------
def test_saddle_x2_minus_y2_has_one_saddle_at_the_origin():
    s = from_formula("x^2 - y^2")
    assert s.minima == s.maxima == () and len(s.saddles) == 1
    p = s.saddles[0]
    assert abs(p.x) < 1e-9 and abs(p.y) < 1e-9 and p.value == pytest.approx(0, abs=1e-12)


def test_monkey_saddle_is_degenerate_and_not_listed():
    s = from_formula("x^3 - 3*x*y^2", ((-2, 2), (-2, 2)))
    assert s.minima == s.saddles == s.maxima == ()


def _match(found, documented, tol=1e-3):
    assert len(found) == len(documented)
    for q in documented:
        d = [math.hypot(p.x - q.x, p.y - q.y) for p in found]
        p = found[int(np.argmin(d))]
        assert min(d) < tol and p.value == pytest.approx(q.value, abs=tol) and p.kind == q.kind, (p, q)


def test_himmelblau_typed_in_finds_the_catalogues_points():
    h = SURFACES["himmelblau"]
    s = from_formula("(x^2+y-11)^2+(x+y^2-7)^2", h.domain)
    _match(s.minima, h.minima)
    _match(s.saddles, h.saddles)
    _match(s.maxima, h.maxima)
    assert all(p.kind == "global" and abs(p.value) < 1e-9 for p in s.minima)


def _derivatives(s: Surface, xy):
    with jax.enable_x64(True):
        f = jax.jit(jax.vmap(lambda p: (jax.grad(s.loss)(p), jax.hessian(s.loss)(p), s.loss(p))))
        return tuple(np.asarray(a) for a in f(jnp.asarray(xy, jnp.float64)))


def test_sin_cos_bowl_points_are_critical_with_the_right_hessian_and_value():
    s = from_formula("sin(x)*cos(y) + 0.1*(x^2 + y^2)", BOX)
    assert len(s.minima) >= 2 and s.saddles and s.maxima
    kinds = [("min", p) for p in s.minima] + [("saddle", p) for p in s.saddles] + [("max", p) for p in s.maxima]
    g, h, v = _derivatives(s, [(p.x, p.y) for _, p in kinds])
    assert np.abs(g).max() < 1e-8
    ev = np.linalg.eigvalsh(h)
    for (kind, p), e, val in zip(kinds, ev, v, strict=True):
        assert {"min": e[0] > 0, "saddle": e[0] < 0 < e[1], "max": e[1] < 0}[kind], (kind, p, e)
        assert p.value == pytest.approx(val, rel=1e-12, abs=1e-15) and isinstance(p.value, float)
    least = min(p.value for p in s.minima)
    assert [p.kind for p in s.minima] == ["global" if p.value <= least + 1e-6 else "local" for p in s.minima]
    xy = np.array([(p.x, p.y) for _, p in kinds])
    assert (np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1)) + np.eye(len(xy))).min() > 1e-3 * s.span


def test_an_oscillating_formula_lists_at_most_60_points_per_kind():
    s = from_formula("sin(5*x)*cos(5*y)", BOX)
    assert len(s.minima) == len(s.saddles) == len(s.maxima) == 60
    assert "78 minima (78 global)" in s.lesson and s.lesson.endswith(".") and s.lesson.count(". ") == 0


def test_metadata_like_the_catalogue():
    s = from_formula("(1-x)^2 + 100*(y-x^2)^2", ((-2, 2), (-1, 3)))
    assert s.log_color and not from_formula("x^2 + 3*y^2").log_color  # Rosenbrock's range spans decades
    assert s.latex == r"\left(1 - x\right)^{2} + 100 \left(y - x^{2}\right)^{2}"
    assert s.lesson.endswith(".") and s.source and len(s.starts) == 3
    (x0, x1), (y0, y1) = s.domain
    assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in s.starts)
    assert all(math.hypot(x - 1, y - 1) > 0.05 * s.span for x, y in s.starts)
    assert from_formula("x^2", title="Parabola").title == "Parabola"


@pytest.mark.parametrize(
    "text, latex",
    [
        ("sin(x)*cos(y)", r"\sin\left(x\right) \cdot \cos\left(y\right)"),
        ("x/(1+y^2)", r"\frac{x}{1 + y^{2}}"),
        ("-x^2", "-x^{2}"),
        ("(-x)^2", r"\left(-x\right)^{2}"),
        ("x - (y - 1)", r"x - \left(y - 1\right)"),
        ("2*pi*x", r"2 \pi x"),
        ("sqrt(abs(x))", r"\sqrt{\left|x\right|}"),
        ("1e-5*x", r"1 \times 10^{-5} x"),
    ],
)
def test_latex(text, latex):
    assert to_latex(parse(text)) == latex


# -- descent and caching ----------------------------------------------------------------------------------------------
def test_gradient_descent_converges_on_a_typed_bowl():
    tr = run(from_formula("x^2+3*y^2"), "gd", start=(1.0, 1.0), steps=200, learning_rate=0.1)
    assert tr.diverged_at is None
    np.testing.assert_allclose(tr.xy[-1], [0, 0], atol=1e-6)


def test_same_text_and_domain_give_the_identical_surface():
    a = from_formula("x^2 + 3*y^2", ((-4, 4), (-4, 4)))
    assert from_formula("x^2 + 3*y^2") is a and from_formula("x^2 + 3*y^2", [[-4.0, 4.0], [-4.0, 4.0]]) is a
    assert from_formula("x^2 + 3*y^2", ((-2, 2), (-2, 2))) is not a
