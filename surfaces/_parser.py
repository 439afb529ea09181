"""The formula language of surfaces/formula.py: a whitelist tokenizer and parser (never eval, exec or `ast`).

Grammar (precedence climbing, `^` and `**` right-associative and tighter than a unary sign on their left, so
-x^2 = -(x^2) and 2^-x = 2^(-x)):

    expr  := term (('+' | '-') term)*
    term  := unary (('*' | '/') unary)*
    unary := ('-' | '+') unary | power
    power := atom (('^' | '**') unary)?
    atom  := number | x | y | pi | e | function '(' expr (',' expr)* ')' | '(' expr ')'

Every refusal is a `FormulaError` (a ValueError) whose message names the offending token and its 1-based column.
Limits keep every step bounded: 300 characters, 200 tokens, 30 levels of nesting, literals |v| <= 1e6 and constant
exponents |p| <= 50. The tree compiles to an elementwise function by composing closures over jax.numpy (the Surface)
or NumPy (tests), so it broadcasts and jax differentiates it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

MAX_CHARS, MAX_TOKENS, MAX_DEPTH, MAX_LITERAL, MAX_EXPONENT = 300, 200, 30, 1e6, 50

FUNCTIONS = {  # name -> (numpy/jax.numpy attribute, number of arguments, LaTeX command)
    "sin": ("sin", 1, r"\sin"),
    "cos": ("cos", 1, r"\cos"),
    "tan": ("tan", 1, r"\tan"),
    "exp": ("exp", 1, r"\exp"),
    "log": ("log", 1, r"\log"),
    "ln": ("log", 1, r"\ln"),
    "sqrt": ("sqrt", 1, ""),
    "abs": ("abs", 1, ""),
    "tanh": ("tanh", 1, r"\tanh"),
    "sinh": ("sinh", 1, r"\sinh"),
    "cosh": ("cosh", 1, r"\cosh"),
    "arctan": ("arctan", 1, r"\arctan"),
    "atan": ("arctan", 1, r"\arctan"),
    "min": ("minimum", 2, r"\min"),
    "max": ("maximum", 2, r"\max"),
}
CONSTANTS = {"pi": math.pi, "e": math.e}
ALLOWED = ", ".join(["x", "y", *CONSTANTS, *FUNCTIONS])
_LOOKALIKES = str.maketrans({"−": "-", "×": "*", "·": "*", "⋅": "*"})  # one character each: columns are kept
_TOKEN = re.compile(
    r"(?P<space>[ \t\r\n]+)|(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),])",
    re.ASCII,
)


class FormulaError(ValueError):
    """A refused formula; `column` is the 1-based position of the problem (0 where it is the whole formula)."""

    def __init__(self, message: str, column: int = 0):
        super().__init__(message)
        self.column = column


class Token(NamedTuple):
    kind: str  # "num" | "name" | "op" | "end"
    text: str
    col: int  # 1-based


class Node(NamedTuple):
    """A node of the formula's tree. op: "num", "x", "y", "pi", "e", "neg", "+", "-", "*", "/", "^" or a function."""

    op: str
    args: tuple[Node, ...] = ()
    value: float = 0.0  # "num": the literal; "^": the exponent when it is a constant integer, else nan
    text: str = ""  # "num": the literal as written


def tokenize(text: str) -> list[Token]:
    """The tokens of `text` followed by an "end" token; whitespace is dropped."""
    if not isinstance(text, str):
        raise FormulaError(f"the formula must be a string, not {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise FormulaError(f"the formula is too long: {len(text)} characters (at most {MAX_CHARS})")
    src = text.translate(_LOOKALIKES)
    tokens, i = [], 0
    while i < len(src):
        m = _TOKEN.match(src, i)
        if m is None:
            raise FormulaError(
                f"unexpected character {src[i]!r} at column {i + 1}; allowed: numbers, {ALLOWED}, "
                "+ - * / ^ ** ( ) and commas between a function's arguments",
                i + 1,
            )
        if m.lastgroup != "space":
            tokens.append(Token(m.lastgroup, m.group(), i + 1))
            if len(tokens) > MAX_TOKENS:
                raise FormulaError(f"the formula has too many tokens (at most {MAX_TOKENS})", i + 1)
        i = m.end()
    if not tokens:
        raise FormulaError("the formula is empty: write an expression in x and y, for example x^2 + 3*y^2")
    return [*tokens, Token("end", "", len(src) + 1)]


def parse(text: str) -> Node:
    """The tree of a formula in x and y; raises FormulaError (a ValueError) saying where the problem is."""
    return _Parser(tokenize(text)).parse()


def _starts_atom(t: Token) -> bool:
    return t.kind in ("num", "name") or t.text == "("


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens, self.i, self.depth = tokens, 0, 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def fail(self, t: Token, expected: str = "") -> FormulaError:
        prev = self.tokens[self.i - 1] if self.i else None
        if prev is not None and (prev.kind in ("num", "name") or prev.text == ")") and _starts_atom(t):
            fix = f"{prev.text}*{t.text}" if t.text != "(" and prev.text != ")" else "'*' between them"
            return FormulaError(
                f"missing operator between {prev.text!r} and {t.text!r} at column {t.col}: write "
                f"{fix} (implicit multiplication is not supported)",
                t.col,
            )
        if t.kind == "end":
            after = f" after {prev.text!r}" if prev is not None else ""
            return FormulaError(
                f"unexpected end of the formula at column {t.col}{after}"
                + (f"; expected {expected}" if expected else ""),
                t.col,
            )
        return FormulaError(
            f"unexpected {t.text!r} at column {t.col}" + (f"; expected {expected}" if expected else ""), t.col
        )

    def parse(self) -> Node:
        node = self.expr()
        t = self.peek
        if t.text == ")":
            raise FormulaError(f"unexpected ')' at column {t.col}: there is no '(' for it to close", t.col)
        if t.kind != "end":
            raise self.fail(t)
        return node

    def expr(self) -> Node:
        node = self.term()
        while self.peek.text in ("+", "-"):
            node = Node(self.take().text, (node, self.term()))
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek.text in ("*", "/"):
            node = Node(self.take().text, (node, self.unary()))
        return node

    def unary(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(
                f"the formula is nested too deeply at column {self.peek.col} (at most {MAX_DEPTH} "
                "levels of parentheses, signs and powers)",
                self.peek.col,
            )
        if self.peek.text in ("-", "+"):
            sign = self.take().text
            node = self.unary()
            node = Node("neg", (node,)) if sign == "-" else node
        else:
            node = self.power()
        self.depth -= 1
        return node

    def power(self) -> Node:
        base = self.atom()
        if self.peek.text not in ("^", "**"):
            return base
        op = self.take()
        exponent = self.unary()
        n = math.nan
        if _constant(exponent):
            with np.errstate(all="ignore"):
                p = float(compile_tree(exponent, np)(np.float64(0), np.float64(0)))
            if not math.isfinite(p) or abs(p) > MAX_EXPONENT:
                raise FormulaError(
                    f"exponent too large after {op.text!r} at column {op.col}: a constant exponent "
                    f"must lie within ±{MAX_EXPONENT} (this one is {p:.6g})",
                    op.col,
                )
            n = p if p.is_integer() else n
        return Node("^", (base, exponent), n)

    def atom(self) -> Node:
        t = self.take()
        if t.kind == "num":
            v = float(t.text)
            if not abs(v) <= MAX_LITERAL:
                raise FormulaError(
                    f"number {t.text!r} at column {t.col} is too large (at most {MAX_LITERAL:g} in absolute value)",
                    t.col,
                )
            return Node("num", value=v, text=t.text)
        if t.text == "(":
            node = self.expr()
            if self.peek.text != ")":
                raise self.fail(self.peek, f"')' to close the '(' at column {t.col}")
            self.take()
            return node
        if t.kind != "name":
            self.i -= 1
            raise self.fail(t, "a number, x, y, a constant, a function or '('")
        if t.text in ("x", "y") or t.text in CONSTANTS:
            return Node(t.text)
        if t.text not in FUNCTIONS:
            raise FormulaError(f"unknown name {t.text!r} at column {t.col}; allowed: {ALLOWED}", t.col)
        arity = FUNCTIONS[t.text][1]
        if self.peek.text != "(":
            raise FormulaError(
                f"function {t.text!r} at column {t.col} needs its argument{'s' * (arity > 1)} in "
                f"parentheses: {t.text}({', '.join('ab'[:arity])})",
                t.col,
            )
        self.take()
        args = [self.expr()]
        while self.peek.text == ",":
            self.take()
            args.append(self.expr())
        if self.peek.text != ")":
            raise self.fail(self.peek, f"',' or ')' to close {t.text}( at column {t.col}")
        self.take()
        if len(args) != arity:
            raise FormulaError(
                f"{t.text} at column {t.col} takes {arity} argument{'s' * (arity > 1)}, not {len(args)}", t.col
            )
        return Node(t.text, tuple(args))


def _constant(node: Node) -> bool:
    return node.op not in ("x", "y") and all(_constant(a) for a in node.args)


# -- evaluation ------------------------------------------------------------------------------------------------------
def compile_tree(node: Node, xp) -> Callable:
    """The tree as a function (x, y) -> value built from closures over the module `xp` (jax.numpy or numpy)."""
    op, args = node.op, [compile_tree(a, xp) for a in node.args]
    if op == "num" or op in CONSTANTS:
        c = node.value if op == "num" else CONSTANTS[op]
        return lambda x, y: c
    if op == "x":
        return lambda x, y: x
    if op == "y":
        return lambda x, y: y
    if op == "neg":
        (a,) = args
        return lambda x, y: xp.negative(a(x, y))
    if op == "^":
        (a, b), n = args, node.value
        if math.isfinite(n):  # a constant integer: x^2 of a negative x is defined, and jax uses integer_pow
            k = int(n)
            return lambda x, y: xp.power(a(x, y), k)
        return lambda x, y: xp.power(a(x, y), b(x, y))
    if op in FUNCTIONS or op in "+-*/":
        fn = getattr(xp, FUNCTIONS[op][0] if op in FUNCTIONS else _BINARY[op])
        if len(args) == 1:
            (a,) = args
            return lambda x, y: fn(a(x, y))
        a, b = args
        return lambda x, y: fn(a(x, y), b(x, y))
    raise AssertionError(op)


_BINARY = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}


def function(node: Node, xp) -> Callable:
    """The formula as an elementwise function of x and y that broadcasts (a constant formula too)."""
    body = compile_tree(node, xp)

    def f(x, y):
        r = body(x, y)
        return xp.broadcast_to(r, xp.broadcast_shapes(xp.shape(r), xp.shape(x), xp.shape(y)))

    return f


def numpy_function(text: str) -> Callable:
    """The formula evaluated with NumPy (for tests and checks): f(x, y) -> ndarray."""
    return function(parse(text), np)


# -- LaTeX -----------------------------------------------------------------------------------------------------------
_SUMS, _ATOMS = ("+", "-"), ("x", "y", "e", "pi")


def to_latex(node: Node) -> str:
    """A readable LaTeX rendering (without delimiters): x^{2}, \\sin\\left(x\\right), \\frac{a}{b}."""
    op, a = node.op, node.args
    if op == "num":
        m, _, e = f"{node.value:.12g}".partition("e")
        return m if not e else rf"{m} \times 10^{{{int(e)}}}"
    if op in ("x", "y", "e"):
        return op
    if op == "pi":
        return r"\pi"
    if op == "neg":
        return "-" + _wrap(a[0], (*_SUMS, "neg"))
    if op in _SUMS:
        return f"{to_latex(a[0])} {op} {_wrap(a[1], (*_SUMS, 'neg'))}"
    if op == "*":
        left, right = _wrap(a[0], _SUMS), _wrap(a[1], (*_SUMS, "neg"))
        juxtapose = a[0].op in ("num", "pi", "e", "*") and _constant(a[0]) and a[1].op not in ("num", "neg", "/")
        juxtapose = juxtapose and not right[0].isdigit()  # 3x, 2\pi x, 0.1\left(...\right); x \cdot 2
        return left + (" " if juxtapose else r" \cdot ") + right
    if op == "/":
        return rf"\frac{{{to_latex(a[0])}}}{{{to_latex(a[1])}}}"
    if op == "^":
        base = to_latex(a[0])
        if not (a[0].op in _ATOMS or (a[0].op == "num" and "times" not in base)):
            base = _paren(base)
        return f"{base}^{{{to_latex(a[1])}}}"
    inner = ", ".join(to_latex(b) for b in a)
    if op == "sqrt":
        return rf"\sqrt{{{inner}}}"
    if op == "abs":
        return rf"\left|{inner}\right|"
    return FUNCTIONS[op][2] + _paren(inner)


def _paren(s: str) -> str:
    return rf"\left({s}\right)"


def _wrap(node: Node, ops: tuple[str, ...]) -> str:
    """The child's LaTeX, in parentheses where its operator is one of `ops`."""
    s = to_latex(node)
    return _paren(s) if node.op in ops else s
